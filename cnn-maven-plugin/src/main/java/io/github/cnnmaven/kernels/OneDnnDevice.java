package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * The calling thread's oneDNN engine and stream (dl4j-spark's local workers train on threads of their own), and its
 * scratch tensors: the blocked tensors that live only through one call (an output before it is converted to NCHW,
 * the gradients of a backward pass) share these, whichever layer and batch shape, since a thread runs one call at a
 * time. {@link OneDnnConvolution} and {@link OneDnnBatchNorm} run on it.
 */
final class OneDnnDevice {

    private static final String UNAVAILABLE = availability();
    private static final ThreadLocal<OneDnnDevice> CURRENT = ThreadLocal.withInitial(OneDnnDevice::new);

    /** The one-call tensors that are alive at once, each with its own slot. */
    enum Scratch { OUTPUT, INPUT_GRADIENT, INPUT_AGAIN, OUTPUT_GRADIENT_AGAIN }

    final engine cpu = new engine(engine.kind.cpu, 0);
    final stream stream = new stream(cpu);
    private final memory[] scratch = new memory[Scratch.values().length];
    /** Each slot's size, kept here: asking oneDNN for it makes native objects on every call. */
    private final long[] scratchBytes = new long[Scratch.values().length];

    private OneDnnDevice() {
    }

    /** The calling thread's device. */
    static OneDnnDevice current() {
        return CURRENT.get();
    }

    /** Null when oneDNN's preset loads here; otherwise why not (the log says it, and DL4J's path runs). */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** How many channels a block of {@link #blockedLayout()} holds: 16 with AVX-512's registers, 8 below them. */
    static int blockedChannels() {
        return org.bytedeco.dnnl.global.dnnl.get_effective_cpu_isa().toString().contains("avx512") ? 16 : 8;
    }

    /** The blocked layout oneDNN's JIT kernels for convolution and batch norm work in on this CPU. */
    static memory.format_tag blockedLayout() {
        return blockedChannels() == 16 ? memory.format_tag.nChw16c : memory.format_tag.nChw8c;
    }

    /** The address of slot {@code slot}'s scratch tensor, grown to at least {@code bytes}. */
    Pointer scratch(Scratch slot, long bytes) {
        int i = slot.ordinal();
        if (scratchBytes[i] < bytes) {
            if (scratch[i] != null) {
                scratch[i].deallocate();
            }
            scratch[i] = new memory(new memory.desc(new long[] {bytes}, memory.data_type.u8, memory.format_tag.x), cpu);
            scratchBytes[i] = bytes;
        }
        return scratch[i].get_data_handle();
    }

    private static String availability() {
        try {
            Loader.load(org.bytedeco.dnnl.global.dnnl.class);
            return null;
        } catch (Throwable e) { // no preset jar, no native library for this platform, or it would not link
            return "oneDNN's preset does not load: " + e;
        }
    }
}
