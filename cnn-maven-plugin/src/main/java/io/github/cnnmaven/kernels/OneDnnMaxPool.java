package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.concurrent.atomic.AtomicLong;

import static io.github.cnnmaven.kernels.OneDnnConversion.bound;
import static io.github.cnnmaven.kernels.OneDnnDevice.Scratch.OUTPUT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

/**
 * Max pooling of a tensor in oneDNN's blocked layout, for a {@link MaxPoolLayer} between layers that exchange that
 * layout ({@link BlockedActivations}): the input is read in place and its gradient written in place, and the output is
 * written in place too, or converted to NCHW (and its gradient back) where a reader of the output needs NCHW; the
 * pooled tensor is smaller than the input (a quarter, in 2×2 windows), so converting there is cheaper than at the
 * batch norm before. The training
 * pass keeps which element of each window was the maximum (oneDNN's workspace, one byte per output value), and the
 * backward pass routes the gradient there: oneDNN's backward pass needs it, and it spares reading the input again.
 * Windows and padding as DL4J's layer computes them, Truncate and Same mode, overlapping or not.
 */
final class OneDnnMaxPool {

    private final memory.format_tag layout;
    private final boolean blockedOutput;
    private final Windows windows;
    private final OneDnnShape.Cache<Dims, Primitives> shapes = new OneDnnShape.Cache<>(OneDnnBatchNorm.KEPT_SHAPES);
    /** The shapes' workspaces, a byte per output value: too little for the memory report. */
    private final AtomicLong heldBytes = new AtomicLong();

    /** An NCHW input's dimensions, which the primitives are made for. */
    record Dims(long n, long c, long h, long w) {
        long[] shape() {
            return new long[] {n, c, h, w};
        }
    }

    /**
     * A pooling layer's windows, height and width each: their size, stride and padding (Truncate mode's, on both
     * sides), or in DL4J's Same mode ({@code same}) the padding it derives: half of what the last window lacks before,
     * the rest after. Padding is never a maximum.
     */
    record Windows(int[] kernel, int[] stride, int[] padding, boolean same) {

        long outputSize(long in, int i) {
            return same ? (in + stride[i] - 1) / stride[i] : (in + 2L * padding[i] - kernel[i]) / stride[i] + 1;
        }

        /** The padding before ({@code after} false) or after each window row or column, oneDNN's padding_l and padding_r. */
        long[] padding(long[] in, long[] out, boolean after) {
            long[] pad = new long[2];
            for (int i = 0; i < 2; i++) {
                // Truncate: oneDNN's size check rounds down as DL4J does, so rows no window reaches need no negative padding
                long missing = same ? Math.max(0, (out[i + 2] - 1) * stride[i] + kernel[i] - in[i + 2]) : 2L * padding[i];
                pad[i] = after ? missing - missing / 2 : missing / 2;
            }
            return pad;
        }
    }

    /**
     * @param layout the blocked layout the input arrives in
     * @param blockedOutput whether the output leaves in it too, rather than in NCHW
     */
    OneDnnMaxPool(memory.format_tag layout, boolean blockedOutput, Windows windows) {
        this.layout = layout;
        this.blockedOutput = blockedOutput;
        this.windows = windows;
    }

    /** Whether the output leaves in the blocked layout. */
    boolean writesOutputBlocked() {
        return blockedOutput;
    }

    /** The NCHW shape of the output of an input of shape {@code x}. */
    long[] outputShape(long[] x) {
        return new long[] {x[0], x[1], windows.outputSize(x[2], 0), windows.outputSize(x[3], 1)};
    }

    /**
     * Pools {@code x} into {@code y}. In training the window's maxima are kept for {@link #backward}; inference keeps
     * nothing, so a validation pass between a training step's two passes would not disturb it.
     */
    void forward(INDArray x, INDArray y, boolean training) {
        Primitives p = shapes.get(new Dims(x.size(0), x.size(1), x.size(2), x.size(3)), Primitives::new);
        OneDnnDevice d = p.device;
        memory src = bound(p.src, x);
        memory dst = p.dst != null ? p.dst.internal(d) : bound(p.blockedDst, y);
        if (training) {
            if (p.trainArgs == null) { // the same memory objects at every call, pointed at each call's arrays
                p.trainArgs = p.keep(new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DST, dst).put(DNNL_ARG_WORKSPACE, p.workspace));
            }
            p.train.execute(d.stream, p.trainArgs);
        } else {
            p.inference();
            if (p.inferArgs == null) {
                p.inferArgs = p.keep(new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DST, dst));
            }
            p.infer.execute(d.stream, p.inferArgs);
        }
        if (p.dst != null) {
            p.dst.out(d, y);
        }
        d.stream._wait();
        p.forwardDone |= training;
        java.lang.ref.Reference.reachabilityFence(x);
        java.lang.ref.Reference.reachabilityFence(y);
    }

    /**
     * The gradient of the last training {@link #forward} of this shape into {@code dx} (every element written: zero
     * but at each window's maximum). Without such a forward pass there are no maxima to route to.
     */
    void backward(INDArray x, INDArray dy, INDArray dx) {
        Primitives p = shapes.get(new Dims(x.size(0), x.size(1), x.size(2), x.size(3)), Primitives::new);
        if (!p.forwardDone) {
            throw new IllegalStateException("Max pooling's backward pass ran without its training forward pass of shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        p.backward();
        OneDnnDevice d = p.device;
        memory diffDst = p.diffDst != null ? p.diffDst.in(d, dy) : bound(p.blockedDiffDst, dy);
        memory diffSrc = bound(p.diffSrc, dx);
        if (p.backwardArgs == null) {
            p.backwardArgs = p.keep(new IntMemoryMap().put(DNNL_ARG_DIFF_DST, diffDst).put(DNNL_ARG_DIFF_SRC, diffSrc)
                    .put(DNNL_ARG_WORKSPACE, p.workspace));
        }
        p.bwd.execute(d.stream, p.backwardArgs);
        d.stream._wait();
        p.forwardDone = false;
        java.lang.ref.Reference.reachabilityFence(dy);
        java.lang.ref.Reference.reachabilityFence(dx);
    }

    private final class Primitives extends OneDnnShape {
        private final memory.desc blockedIn;
        private final memory.desc blockedOut;
        private final long[] out;
        private final long[] kernel;
        private final long[] stride;
        private final long[] padL;
        private final long[] padR;
        private final pooling_forward.primitive_desc trainPd;
        final pooling_forward train;
        final memory src;
        /** The output converted to NCHW, or null when {@link #blockedDst} writes it in place. */
        final OneDnnConversion dst;
        final memory blockedDst;
        final memory workspace;
        IntMemoryMap trainArgs;
        boolean forwardDone;
        pooling_forward infer;
        IntMemoryMap inferArgs;
        pooling_backward bwd;
        OneDnnConversion diffDst;
        memory blockedDiffDst;
        memory diffSrc;
        IntMemoryMap backwardArgs;

        Primitives(Dims dims) {
            super(heldBytes);
            long[] in = dims.shape();
            out = outputShape(in);
            kernel = java.util.Arrays.stream(windows.kernel()).asLongStream().toArray();
            stride = java.util.Arrays.stream(windows.stride()).asLongStream().toArray();
            padL = windows.padding(in, out, false);
            padR = windows.padding(in, out, true);
            blockedIn = new memory.desc(in, memory.data_type.f32, layout);
            blockedOut = new memory.desc(out, memory.data_type.f32, layout);
            trainPd = keep(new pooling_forward.primitive_desc(new pooling_forward.desc(prop_kind.forward_training,
                    algorithm.pooling_max, blockedIn, blockedOut, stride, kernel, padL, padR), device.cpu));
            train = keep(new pooling_forward(trainPd));
            src = unbound(blockedIn);
            if (blockedOutput) {
                blockedDst = unbound(blockedOut);
                dst = null;
            } else {
                blockedDst = null;
                dst = new OneDnnConversion(this, new memory.desc(out, memory.data_type.f32, memory.format_tag.nchw), blockedOut,
                        false, OUTPUT);
            }
            held(trainPd.workspace_desc().get_size());
            workspace = keep(new memory(trainPd.workspace_desc(), device.cpu));
        }

        /** The inference primitive, made at the first inference pass of this shape; it writes where training does. */
        void inference() {
            if (infer == null) {
                infer = keep(new pooling_forward(keep(new pooling_forward.primitive_desc(new pooling_forward.desc(
                        prop_kind.forward_inference, algorithm.pooling_max, blockedIn, blockedOut, stride, kernel, padL, padR), device.cpu))));
            }
        }

        /** The backward primitive, made at the first backward pass of this shape. */
        void backward() {
            if (bwd != null) {
                return;
            }
            pooling_backward.primitive_desc pd = keep(new pooling_backward.primitive_desc(new pooling_backward.desc(
                    algorithm.pooling_max, blockedIn, blockedOut, stride, kernel, padL, padR), device.cpu, trainPd));
            bwd = keep(new pooling_backward(pd));
            diffSrc = unbound(blockedIn);
            if (blockedOutput) {
                blockedDiffDst = unbound(blockedOut);
            } else {
                diffDst = new OneDnnConversion(this, new memory.desc(out, memory.data_type.f32, memory.format_tag.nchw),
                        blockedOut, true, OUTPUT);
            }
        }
    }
}
