package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.global.dnnl.normalization_flags;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.concurrent.atomic.AtomicLong;

import static io.github.cnnmaven.kernels.OneDnnDevice.Scratch.INPUT_AGAIN;
import static io.github.cnnmaven.kernels.OneDnnDevice.Scratch.INPUT_GRADIENT;
import static io.github.cnnmaven.kernels.OneDnnDevice.Scratch.OUTPUT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

/**
 * Batch norm's training passes (with the following ReLU when fused) through oneDNN's own primitive, for
 * {@link FusedBatchNormHelper}. oneDNN's batch norm is fast only in its blocked layout: on plain NCHW it runs its
 * reference kernel, slower than the Java kernels, which is why DL4J's own oneDNN helper lost to them. Where the
 * convolution before it hands its output over in that layout ({@link BlockedActivations}), the input is read in
 * place in both passes and its gradient written in place; otherwise the input arrives in NCHW and is converted for
 * each pass (the backward pass converts it again rather than keeping a blocked copy of every batch norm's input
 * between the passes, which would cost as much memory as the activations themselves). Its output leaves in NCHW
 * for a residual addition, a pooling or any other layer, and blocked where a convolution that calls oneDNN is its one
 * reader (which then hands the output's gradient back blocked).
 */
final class OneDnnBatchNorm {

    /** A training batch's share and the epoch's short last batch, on one thread or two (dl4j-spark's local workers). */
    static final int KEPT_SHAPES = 4;

    private final boolean relu;
    /**
     * Null when the input arrives in NCHW; otherwise the blocked layout the convolution before this batch norm leaves
     * its output in, inside DL4J's array, and expects its gradient in ({@link BlockedActivations}).
     */
    private memory.format_tag blockedInput;
    /** Whether the output is written, and its gradient read, in {@link #blockedInput}'s layout. */
    private boolean blockedOutput;
    private final OneDnnShape.Cache<Dims, Primitives> shapes = new OneDnnShape.Cache<>(KEPT_SHAPES);
    /** What this layer's shapes keep (the ReLU masks, statistics and γ, β), in bytes. */
    private final AtomicLong heldBytes = new AtomicLong();

    /** An NCHW batch's dimensions and the layer's ε, which the primitives are made for. */
    record Dims(long n, long c, long h, long w, float eps) {
        long[] shape() {
            return new long[] {n, c, h, w};
        }
    }

    /** @param relu whether the ReLU that follows is applied here */
    OneDnnBatchNorm(boolean relu) {
        this.relu = relu;
    }

    /** Whether the ReLU that follows is applied here. */
    boolean fusesRelu() {
        return relu;
    }

    /**
     * The training forward pass: normalises {@code x} with its own statistics, scales by γ, shifts by β (and applies
     * the ReLU) into {@code out}, and returns the batch's mean and biased variance in {@code mean} and {@code variance}.
     * False, with nothing written, where oneDNN has no fast kernel for this shape (the caller runs the Java kernels).
     */
    boolean forward(INDArray x, float eps, float[] gamma, float[] beta, INDArray out, float[] mean, float[] variance) {
        Primitives p = shapes.get(dims(x, eps), Primitives::new);
        if (p.fwd == null) {
            return false;
        }
        OneDnnDevice d = p.device;
        int c = gamma.length;
        scaleShift(p, gamma, beta);
        memory src = p.source(d, x);
        memory dst = p.destination(d, out);
        if (p.forwardArgs == null) { // the same memory objects at every call, pointed at each call's arrays
            p.forwardArgs = p.keep(new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DST, dst)
                    .put(DNNL_ARG_SCALE_SHIFT, p.scaleShift).put(DNNL_ARG_MEAN, p.mean).put(DNNL_ARG_VARIANCE, p.variance));
            if (p.workspace != null) {
                p.forwardArgs.put(DNNL_ARG_WORKSPACE, p.workspace);
            }
        }
        p.fwd.execute(d.stream, p.forwardArgs);
        if (p.dst != null) {
            p.dst.out(d, out);
        }
        d.stream._wait();
        new FloatPointer(p.mean.get_data_handle()).capacity(c).get(mean);
        new FloatPointer(p.variance.get_data_handle()).capacity(c).get(variance);
        p.forwardDone = true;
        java.lang.ref.Reference.reachabilityFence(x);
        java.lang.ref.Reference.reachabilityFence(out);
        return true;
    }

    /**
     * The backward pass of the last {@link #forward} of this shape (its statistics, γ, β and ReLU mask): the input's
     * gradient into {@code dx}, and dγ, dβ. False where that forward pass did not run through oneDNN.
     */
    boolean backward(INDArray x, float eps, INDArray dy, INDArray dx, float[] dGamma, float[] dBeta) {
        Primitives p = shapes.get(dims(x, eps), Primitives::new);
        if (!p.forwardDone) {
            return false;
        }
        p.backward();
        OneDnnDevice d = p.device;
        memory src = p.source(d, x);
        memory diffDst = p.diffDst != null ? p.diffDst.in(d, dy) : OneDnnConversion.bound(p.blockedDiffDst, dy);
        memory diffSrc = p.diffSrc != null ? p.diffSrc.internal(d) : OneDnnConversion.bound(p.blockedDiffSrc, dx);
        if (p.backwardArgs == null) {
            p.backwardArgs = p.keep(new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DIFF_DST, diffDst)
                    .put(DNNL_ARG_SCALE_SHIFT, p.scaleShift).put(DNNL_ARG_MEAN, p.mean).put(DNNL_ARG_VARIANCE, p.variance)
                    .put(DNNL_ARG_DIFF_SRC, diffSrc).put(DNNL_ARG_DIFF_SCALE_SHIFT, p.diffScaleShift));
            if (p.workspace != null) {
                p.backwardArgs.put(DNNL_ARG_WORKSPACE, p.workspace);
            }
        }
        p.bwd.execute(d.stream, p.backwardArgs);
        if (p.diffSrc != null) {
            p.diffSrc.out(d, dx);
        }
        d.stream._wait();
        int c = dGamma.length;
        FloatPointer diff = new FloatPointer(p.diffScaleShift.get_data_handle()).capacity(2L * c);
        diff.get(dGamma, 0, c).position(c).get(dBeta, 0, c);
        p.forwardDone = false;
        java.lang.ref.Reference.reachabilityFence(x);
        java.lang.ref.Reference.reachabilityFence(dy);
        java.lang.ref.Reference.reachabilityFence(dx);
        return true;
    }

    /**
     * Inference with the running statistics {@code mean} and {@code variance}, into {@code out} (in NCHW unless the
     * output stays blocked). Only for a blocked input (the Java kernels normalise an NCHW one).
     */
    void infer(INDArray x, float eps, float[] gamma, float[] beta, float[] mean, float[] variance, INDArray out) {
        Primitives p = shapes.get(dims(x, eps), Primitives::new);
        p.inference();
        OneDnnDevice d = p.device;
        int c = gamma.length;
        scaleShift(p, gamma, beta);
        new FloatPointer(p.runningMean.get_data_handle()).capacity(c).put(mean);
        new FloatPointer(p.runningVariance.get_data_handle()).capacity(c).put(variance);
        memory src = p.source(d, x);
        memory dst = p.destination(d, out);
        if (p.inferenceArgs == null) {
            p.inferenceArgs = p.keep(new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DST, dst)
                    .put(DNNL_ARG_SCALE_SHIFT, p.scaleShift).put(DNNL_ARG_MEAN, p.runningMean).put(DNNL_ARG_VARIANCE, p.runningVariance));
        }
        p.inference.execute(d.stream, p.inferenceArgs);
        if (p.dst != null) {
            p.dst.out(d, out);
        }
        d.stream._wait();
        java.lang.ref.Reference.reachabilityFence(x);
        java.lang.ref.Reference.reachabilityFence(out);
    }

    /** Reads the input, and writes its gradient, in {@code layout} from now on (see {@link BlockedActivations}). */
    void readInputBlocked(memory.format_tag layout) {
        blockedInput = layout;
    }

    /**
     * Writes the output, and reads its gradient, in the input's blocked layout from now on (see
     * {@link BlockedActivations}); only after {@link #readInputBlocked}, so that every pass runs here.
     */
    void writeOutputBlocked() {
        if (blockedInput == null) {
            throw new IllegalStateException("Only a batch norm that reads a blocked input writes a blocked output");
        }
        blockedOutput = true;
    }

    /** Whether the output and its gradient are in a blocked layout. */
    boolean writesOutputBlocked() {
        return blockedOutput;
    }

    /** Whether the input and its gradient are in a blocked layout: then every pass runs here. */
    boolean readsInputBlocked() {
        return blockedInput != null;
    }

    private static void scaleShift(Primitives p, float[] gamma, float[] beta) {
        int c = gamma.length;
        new FloatPointer(p.scaleShift.get_data_handle()).capacity(2L * c).put(gamma, 0, c).position(c).put(beta, 0, c);
    }

    /** For the layer's memory report. */
    long heldBytes() {
        return heldBytes.get();
    }

    private static Dims dims(INDArray x, float eps) {
        return new Dims(x.size(0), x.size(1), x.size(2), x.size(3), eps);
    }

    private final class Primitives extends OneDnnShape {
        /** Null where no blocked layout has a fast (JIT-compiled) kernel on this CPU. */
        final batch_normalization_forward fwd;
        private final batch_normalization_forward.primitive_desc fwdPd;
        private final Dims dims;
        private final normalization_flags flags;
        /** The input converted from NCHW, or null when {@link #blockedSrc} reads it in place. */
        OneDnnConversion src;
        memory blockedSrc;
        /** The output converted to NCHW, or null when {@link #blockedDst} writes it in place. */
        OneDnnConversion dst;
        memory blockedDst;
        memory scaleShift;
        memory mean;
        memory variance;
        /** The ReLU's mask, which the backward pass reads; null without a ReLU. */
        memory workspace;
        batch_normalization_backward bwd;
        OneDnnConversion diffDst;
        memory blockedDiffDst;
        OneDnnConversion diffSrc;
        memory blockedDiffSrc;
        memory diffScaleShift;
        boolean forwardDone;
        batch_normalization_forward inference;
        IntMemoryMap forwardArgs;
        IntMemoryMap backwardArgs;
        IntMemoryMap inferenceArgs;
        memory runningMean;
        memory runningVariance;

        Primitives(Dims dims) {
            super(heldBytes);
            this.dims = dims;
            this.flags = relu ? org.bytedeco.dnnl.global.dnnl.or(normalization_flags.use_scale_shift, normalization_flags.fuse_norm_relu)
                    : normalization_flags.use_scale_shift;
            batch_normalization_forward.primitive_desc chosen = null;
            memory.desc blocked = null;
            // The input's own blocked layout; otherwise AVX-512's 16-channel blocks, then AVX2's 8: the first layout with
            // a JIT kernel here
            memory.format_tag[] layouts = blockedInput != null ? new memory.format_tag[] {blockedInput}
                    : new memory.format_tag[] {memory.format_tag.nChw16c, memory.format_tag.nChw8c};
            for (memory.format_tag tag : layouts) {
                memory.desc candidate = new memory.desc(dims.shape(), memory.data_type.f32, tag);
                batch_normalization_forward.primitive_desc pd = new batch_normalization_forward.primitive_desc(
                        new batch_normalization_forward.desc(prop_kind.forward_training, candidate, dims.eps(), flags), device.cpu);
                if (blockedInput != null || pd.impl_info_str().getString().startsWith("bnorm_jit")) {
                    chosen = keep(pd);
                    blocked = candidate;
                    break;
                }
                pd.deallocate();
            }
            fwdPd = chosen;
            if (chosen == null) {
                fwd = null;
                return;
            }
            fwd = keep(new batch_normalization_forward(chosen));
            memory.desc plain = new memory.desc(dims.shape(), memory.data_type.f32, memory.format_tag.nchw);
            if (blockedInput != null) {
                blockedSrc = unbound(blocked);
            } else {
                src = new OneDnnConversion(this, plain, blocked, true, INPUT_AGAIN);
            }
            if (blockedOutput) {
                blockedDst = unbound(blocked);
            } else {
                dst = new OneDnnConversion(this, plain, blocked, false, OUTPUT);
            }
            scaleShift = kept(chosen.weights_desc());
            mean = kept(chosen.mean_desc());
            variance = kept(chosen.variance_desc());
            workspace = relu ? kept(chosen.workspace_desc()) : null;
        }

        /** The backward primitive, made at the first backward pass of this shape. */
        void backward() {
            if (bwd != null) {
                return;
            }
            memory.desc blocked = fwdPd.dst_desc();
            batch_normalization_backward.primitive_desc pd = keep(new batch_normalization_backward.primitive_desc(
                    new batch_normalization_backward.desc(prop_kind.backward, blocked, blocked, dims.eps(), flags), device.cpu, fwdPd));
            bwd = keep(new batch_normalization_backward(pd));
            memory.desc plain = new memory.desc(dims.shape(), memory.data_type.f32, memory.format_tag.nchw);
            if (blockedOutput) {
                blockedDiffDst = unbound(pd.diff_dst_desc());
            } else {
                diffDst = new OneDnnConversion(this, plain, pd.diff_dst_desc(), true, OUTPUT);
            }
            if (blockedInput != null) {
                blockedDiffSrc = unbound(pd.diff_src_desc());
            } else {
                diffSrc = new OneDnnConversion(this, plain, pd.diff_src_desc(), false, INPUT_GRADIENT);
            }
            diffScaleShift = kept(pd.diff_weights_desc());
        }

        /** The inference primitive (running statistics), made at the first inference pass of this shape. */
        void inference() {
            if (inference != null) {
                return;
            }
            normalization_flags global = org.bytedeco.dnnl.global.dnnl.or(flags, normalization_flags.use_global_stats);
            batch_normalization_forward.primitive_desc pd = keep(new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(prop_kind.forward_inference, fwdPd.src_desc(), dims.eps(), global), device.cpu));
            inference = keep(new batch_normalization_forward(pd));
            runningMean = kept(pd.mean_desc());
            runningVariance = kept(pd.variance_desc());
        }

        /** Where the primitives write the output: {@code out} itself when it stays blocked, else a tensor converted from. */
        memory destination(OneDnnDevice d, INDArray out) {
            return blockedDst != null ? OneDnnConversion.bound(blockedDst, out) : dst.internal(d);
        }

        /** The input in the primitives' layout: in place when it arrives blocked, else converted from NCHW. */
        memory source(OneDnnDevice d, INDArray x) {
            return blockedSrc != null ? OneDnnConversion.bound(blockedSrc, x) : src.in(d, x);
        }

        private memory kept(memory.desc desc) {
            held(desc.get_size());
            return keep(new memory(desc, device.cpu));
        }
    }
}
