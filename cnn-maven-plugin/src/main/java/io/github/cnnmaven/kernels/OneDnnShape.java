package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One batch shape's oneDNN primitives and the tensors they keep, made once on one thread's {@link OneDnnDevice} and
 * freed when the shape leaves its layer's {@link Cache}. Left to the garbage collector, a shape that had lived through
 * an epoch was in the old generation, and its blocked tensors (up to 13 MB each for the main job) stayed resident
 * until an old-generation collection; with evaluation's arrays (see NativeMemory#collectAndTrim) that grew the main
 * job's training JVM by about 130 MB an epoch.
 */
abstract class OneDnnShape {

    final OneDnnDevice device = OneDnnDevice.current();
    private final List<Pointer> natives = new ArrayList<>();
    /** The layer's count of the bytes its shapes hold, which this shape adds to and takes back. */
    private final AtomicLong layerBytes;
    private long bytes;

    OneDnnShape(AtomicLong layerBytes) {
        this.layerBytes = layerBytes;
    }

    /** Frees {@code pointer} with this shape. */
    final <T extends Pointer> T keep(T pointer) {
        natives.add(pointer);
        return pointer;
    }

    /**
     * A memory object of {@code desc} on this shape's engine with no data of its own: each call points it at an array
     * ({@code set_data_handle}). Freed with this shape.
     */
    final memory unbound(memory.desc desc) {
        return keep(new memory(desc, device.cpu, new FloatPointer((Pointer) null)));
    }

    /** Counts a tensor this shape keeps for as long as it lives. */
    final void held(long tensorBytes) {
        bytes += tensorBytes;
        layerBytes.addAndGet(tensorBytes);
    }

    /** Frees the primitives and tensors now; this shape is not used after it. */
    final void free() {
        natives.forEach(Pointer::deallocate);
        natives.clear();
        layerBytes.addAndGet(-bytes);
        bytes = 0;
    }

    /**
     * A layer's shapes, the most recently used {@code kept} of them; an older one is freed as it is dropped, and so is
     * one another thread made (a layer runs on one thread at a time, but a worker may move to another).
     */
    static final class Cache<K, V extends OneDnnShape> {
        private final Map<K, V> shapes;

        Cache(int kept) {
            shapes = new LinkedHashMap<>(8, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                    if (size() > kept) {
                        eldest.getValue().free();
                        return true;
                    }
                    return false;
                }
            };
        }

        V get(K key, Function<K, V> create) {
            V shape = shapes.get(key);
            if (shape == null || shape.device != OneDnnDevice.current()) {
                if (shape != null) {
                    shape.free();
                }
                shape = create.apply(key);
                shapes.put(key, shape);
            }
            return shape;
        }
    }
}
