package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ND4J array's plain layout beside the layout a primitive chose, and the reorder between them, made once; each call
 * only points the plain memory at that call's array. Also how an ND4J array is handed to oneDNN.
 */
final class OneDnnConversion {
    final memory user;
    private final memory internal;
    private final reorder reorder;
    /** Where {@link #internal} lies when it lives only through one call; null when its shape keeps its own. */
    private final OneDnnDevice.Scratch scratch;
    private final long bytes;
    /** The array {@link #internal} holds since a forward pass converted it, until the backward pass takes it. */
    private INDArray converted;

    OneDnnConversion(OneDnnShape owner, memory.desc plain, memory.desc chosen, boolean toInternal, OneDnnDevice.Scratch scratch) {
        this.user = owner.unbound(plain);
        this.internal = scratch == null ? owner.keep(new memory(chosen, owner.device.cpu)) : owner.unbound(chosen);
        this.reorder = owner.keep(toInternal ? new reorder(user, internal) : new reorder(internal, user));
        this.scratch = scratch;
        this.bytes = chosen.get_size();
        if (scratch == null) {
            owner.held(bytes);
        }
    }

    /** The tensor in the chosen layout, on the calling thread's scratch when it lives through one call only. */
    memory internal(OneDnnDevice d) {
        if (scratch != null) {
            internal.set_data_handle(d.scratch(scratch, bytes));
        }
        return internal;
    }

    /** Converts {@code owned} (which the caller keeps reachable) into the chosen layout. */
    memory in(OneDnnDevice d, INDArray owned) {
        bound(user, owned);
        memory converted = internal(d);
        reorder.execute(d.stream, user, converted);
        this.converted = owned;
        return converted;
    }

    /**
     * For the backward pass: what the forward pass converted, when it converted this same array into this same layout
     * (DL4J changes neither a layer's input nor its weights between the two), otherwise a conversion of its own. Taken
     * once, so a second backward pass without a forward pass converts again.
     */
    memory in(OneDnnDevice d, INDArray owned, OneDnnConversion forward) {
        if (forward != null && forward.converted == owned) {
            forward.converted = null;
            return forward.internal(d);
        }
        return in(d, owned);
    }

    /** Converts the chosen layout's result into {@code owned}. */
    void out(OneDnnDevice d, INDArray owned) {
        bound(user, owned);
        reorder.execute(d.stream, internal, user); // internal(d) bound it for the primitive that wrote it
    }

    /** {@code memory} pointed at {@code array}, whose buffer holds (or will hold) a tensor in the memory's layout. */
    static memory bound(memory memory, INDArray array) {
        memory.set_data_handle(pointer(array));
        return memory;
    }

    /**
     * The address of the array's first element. A view's buffer (the weights are views into the network's parameters)
     * already starts at the buffer's own offset, so only the rest of the array's offset is added: adding all of it
     * counted the offset twice (OneDnnGeometryTest checks views).
     */
    static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer()).position(a.offset() - a.data().offset());
    }

    /** The array itself when its elements lie in C order without gaps, otherwise such a copy. */
    static INDArray owned(INDArray a) {
        return isOwned(a) ? a : a.dup('c');
    }

    /** Where a result for {@code target} is written: the array itself, or a C-order array to copy it back from. */
    static INDArray writable(INDArray target) {
        return isOwned(target) ? target : Nd4j.createUninitialized(DataType.FLOAT, target.shape(), 'c');
    }

    static void copyBack(INDArray written, INDArray target) {
        if (written != target) {
            target.assign(written);
        }
    }

    /**
     * Whether the elements lie in C order without gaps, judged by the strides alone: a bias vector flagged F-ordered
     * and a 1×1 kernel's weights whose unit dimensions carry other strides qualify, which the flags and default
     * strides refused (a copy of each on every call).
     */
    private static boolean isOwned(INDArray a) {
        if (a == null || a.dataType() != DataType.FLOAT) {
            return false;
        }
        long run = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != run) {
                return false;
            }
            run *= a.size(d);
        }
        return true;
    }
}
