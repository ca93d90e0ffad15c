package io.github.cnnmaven.kernels;

import io.github.cnnmaven.common.PropertySwitch;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.github.cnnmaven.kernels.OneDnnConversion.bound;
import static io.github.cnnmaven.kernels.OneDnnConversion.owned;
import static io.github.cnnmaven.kernels.OneDnnConversion.pointer;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

/**
 * An inference graph's channels-last convolution calling oneDNN itself, in place of DL4J's helper, which goes through
 * libnd4j's {@code conv2d} and makes a primitive on every call. Here each shape's primitive is made once, the layer's
 * ReLU is the primitive's post-op rather than a pass of its own, and 3×3 stride-1 convolutions of at least
 * {@link #WINOGRAD_CHANNELS} channels in and out use oneDNN's Winograd algorithm, which takes about half the time
 * of the direct one there even with the input and output converted to and from its blocked layout; at 16 channels,
 * and from the images' 3, it takes longer (docs/benchmarks.md, "Winograd for inference"). The direct algorithm
 * reads and writes DL4J's NHWC arrays in place, and so does each in the blocked layout where
 * {@link InferenceLayers} keeps a tensor in it.
 *
 * <p>Winograd computes the same convolution through other float operations: outputs differ from the direct
 * algorithm's in the last bits ({@code -Dcnn.winogradInference=false} in {@code cnn.argLine} keeps the direct one).
 */
final class OneDnnInferenceConvolution implements ConvolutionHelper {

    /** {@code -Dcnn.winogradInference=false} runs every convolution with the direct algorithm. */
    static final PropertySwitch WINOGRAD = new PropertySwitch("cnn.winogradInference");

    /** The fewest input and output channels at which Winograd paid on this project's measurements. */
    static final int WINOGRAD_CHANNELS = 32;

    /** oneDNN 2.5 has float Winograd convolutions for AVX-512 only; elsewhere no tensor is kept blocked for it. */
    static final boolean WINOGRAD_HERE = available()
            && org.bytedeco.dnnl.global.dnnl.get_effective_cpu_isa().toString().contains("avx512");

    /** Shapes kept: evaluation's full batch and its last short one, with room for predict's. */
    static final int KEPT_SHAPES = 4;

    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    /** Whether the layer's activation is a plain ReLU, which the primitive applies. */
    private final boolean relu;
    /** Whether shapes that suit it run Winograd (read once, as the layer is installed). */
    private final boolean winograd = WINOGRAD.on();
    private final OneDnnShape.Cache<Geometry, Primitive> primitives = new OneDnnShape.Cache<>(KEPT_SHAPES);
    private final AtomicLong heldBytes = new AtomicLong();
    /**
     * The layouts of the input and the output: NHWC, or oneDNN's blocked one where the tensor stays in it between the
     * plugin's layers ({@link InferenceLayers}), which spares Winograd its conversions.
     */
    private memory.format_tag inputLayout = memory.format_tag.nhwc;
    private memory.format_tag outputLayout = memory.format_tag.nhwc;
    /** The last output the primitive rectified, which {@link #activate} hands back as it is. */
    private INDArray rectified;

    OneDnnInferenceConvolution(IActivation activation) {
        this.relu = PLAIN_RELU.equals(activation);
    }

    /** Whether oneDNN's preset loads here: otherwise DL4J's helper stays. */
    static boolean available() {
        return OneDnnDevice.unavailable() == null;
    }

    /** Why DL4J's helper runs instead, for the log: switched off, or the preset does not load. */
    static String offNote() {
        return !TrainingLayers.Switch.ONEDNN_CONVOLUTION.on() ? TrainingLayers.Switch.ONEDNN_CONVOLUTION.offNote()
                : available() ? "" : " (" + OneDnnDevice.unavailable() + ")";
    }

    /** A convolution's shapes in oneDNN's terms (dilation 0 is none), NHWC in and out. */
    private record Geometry(long n, long c, long h, long w, long k, long kh, long kw, long sh, long sw, long dh, long dw,
                            long top, long left, long bottom, long right, long oh, long ow, boolean bias) {
        long[] src() { return new long[] {n, c, h, w}; }
        long[] weights() { return new long[] {k, c, kh, kw}; }
        long[] dst() { return new long[] {n, k, oh, ow}; }

        /** Whether Winograd pays for this shape, and oneDNN has it on this CPU. */
        boolean suitsWinograd() {
            return WINOGRAD_HERE && kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 0 && dw == 0
                    && c >= WINOGRAD_CHANNELS && k >= WINOGRAD_CHANNELS && c % 16 == 0 && k % 16 == 0;
        }
    }

    /** One shape's primitive, and the conversions around it when it works in a blocked layout. */
    private static final class Primitive extends OneDnnShape {
        final convolution_forward fwd;
        /** The input and output read and written in place (NHWC, or blocked where InferenceLayers keeps them so); else null. */
        final memory src;
        final memory dst;
        /** The arrays' layouts into the primitive's and back, where it reads or writes another one; else null. */
        final OneDnnConversion srcIn;
        final OneDnnConversion dstOut;
        final OneDnnConversion weights;
        final memory bias;
        final boolean winograd;
        /** The weights {@link #weights} holds converted, as they were then; null before the first call. */
        private FloatPointer convertedFrom;

        Primitive(Geometry g, AtomicLong layerBytes, boolean relu, boolean tryWinograd, memory.format_tag input,
                  memory.format_tag output) {
            super(layerBytes);
            // where DL4J's arrays hold the input and the output
            memory.desc userSrc = desc(g.src(), input);
            memory.desc userDst = desc(g.dst(), output);
            memory.desc biasDesc = g.bias() ? desc(new long[] {g.k()}, memory.format_tag.x) : new memory.desc();
            primitive_attr attr = keep(new primitive_attr());
            if (relu) {
                post_ops ops = keep(new post_ops());
                ops.append_eltwise(1f, org.bytedeco.dnnl.global.dnnl.algorithm.eltwise_relu, 0f, 0f);
                attr.set_post_ops(ops);
            }
            convolution_forward.primitive_desc pd = tryWinograd && g.suitsWinograd() ? winograd(g, biasDesc, attr) : null;
            winograd = pd != null;
            if (pd == null) {
                // one layout in and out: oneDNN has only its reference kernels for a convolution between two
                pd = keep(new convolution_forward.primitive_desc(descriptor(g, org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct,
                        userSrc, biasDesc, desc(g.dst(), input)), attr, device.cpu));
            }
            fwd = keep(new convolution_forward(pd));
            boolean convertIn = !pd.src_desc().equals(userSrc);
            boolean convertOut = !pd.dst_desc().equals(userDst);
            srcIn = convertIn ? new OneDnnConversion(this, userSrc, pd.src_desc(), true, OneDnnDevice.Scratch.INPUT_AGAIN) : null;
            dstOut = convertOut ? new OneDnnConversion(this, userDst, pd.dst_desc(), false, OneDnnDevice.Scratch.OUTPUT) : null;
            src = convertIn ? null : unbound(userSrc);
            dst = convertOut ? null : unbound(userDst);
            weights = new OneDnnConversion(this, desc(g.weights(), memory.format_tag.oihw), pd.weights_desc(), true, null);
            bias = g.bias() ? unbound(biasDesc) : null;
        }

        /**
         * The weights in the primitive's layout: converted on the first call, then again only when they changed since
         * (compared with a copy of what was converted: Winograd's conversion transforms them, half a millisecond a
         * call at 64 channels, and an inference graph's weights do not change).
         */
        memory weights(OneDnnDevice d, INDArray w) {
            long bytes = w.length() * Float.BYTES;
            FloatPointer now = pointer(w);
            if (convertedFrom != null && Pointer.memcmp(convertedFrom, now, bytes) == 0) {
                return weights.internal(d);
            }
            memory converted = weights.in(d, w);
            if (convertedFrom == null) {
                convertedFrom = keep(new FloatPointer(w.length()));
                held(bytes);
            }
            Pointer.memcpy(convertedFrom, now, bytes);
            return converted;
        }

        /** The Winograd primitive, or null where oneDNN has none for this shape and CPU. */
        private convolution_forward.primitive_desc winograd(Geometry g, memory.desc biasDesc, primitive_attr attr) {
            try {
                return keep(new convolution_forward.primitive_desc(descriptor(g, org.bytedeco.dnnl.global.dnnl.algorithm.convolution_winograd,
                        desc(g.src(), memory.format_tag.any), biasDesc, desc(g.dst(), memory.format_tag.any)), attr, device.cpu));
            } catch (RuntimeException unimplemented) {
                return null;
            }
        }

        private static convolution_forward.desc descriptor(Geometry g, org.bytedeco.dnnl.global.dnnl.algorithm algorithm,
                                                           memory.desc src, memory.desc bias, memory.desc dst) {
            return new convolution_forward.desc(org.bytedeco.dnnl.global.dnnl.prop_kind.forward_inference, algorithm, src,
                    desc(g.weights(), memory.format_tag.any), bias, dst, new long[] {g.sh(), g.sw()}, new long[] {g.dh(), g.dw()},
                    new long[] {g.top(), g.left()}, new long[] {g.bottom(), g.right()});
        }
    }

    private static memory.desc desc(long[] dims, memory.format_tag tag) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    @Override
    public boolean checkSupported() {
        return available();
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode mode,
                              org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo fwdAlgo, ConvolutionMode convolutionMode,
                              int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        Geometry g = geometry(input, weights, bias, kernel, strides, pad, convolutionMode, dilation, format);
        if (g == null) {
            if (inputLayout != memory.format_tag.nhwc || outputLayout != memory.format_tag.nhwc) {
                throw new IllegalStateException("A convolution that exchanges a blocked tensor with another was called with"
                        + " an input oneDNN's path does not cover (not NHWC float)");
            }
            return null; // DL4J's own path
        }
        Primitive p = primitives.get(g, key -> new Primitive(key, heldBytes, relu, winograd, inputLayout, outputLayout));
        OneDnnDevice d = p.device;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, g.n(), g.oh(), g.ow(), g.k());
        INDArray x = owned(input);
        INDArray w = owned(weights);
        INDArray b = g.bias() ? owned(bias) : null;
        IntMemoryMap args = new IntMemoryMap()
                .put(DNNL_ARG_SRC, p.srcIn != null ? p.srcIn.in(d, x) : bound(p.src, x))
                .put(DNNL_ARG_WEIGHTS, p.weights(d, w))
                .put(DNNL_ARG_DST, p.dstOut != null ? p.dstOut.internal(d) : bound(p.dst, out));
        if (b != null) {
            args.put(DNNL_ARG_BIAS, bound(p.bias, b));
        }
        p.fwd.execute(d.stream, args);
        if (p.dstOut != null) {
            p.dstOut.out(d, out);
        }
        d.stream._wait();
        // the copies' native memory must outlive the primitive that reads it
        java.lang.ref.Reference.reachabilityFence(x);
        java.lang.ref.Reference.reachabilityFence(w);
        java.lang.ref.Reference.reachabilityFence(b);
        rectified = relu ? out : null;
        return out;
    }

    /** The output as it is when the primitive applied the layer's ReLU; otherwise the layer's own activation. */
    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        if (z != null && z == rectified) {
            rectified = null;
            return z;
        }
        return null;
    }

    /**
     * Whether a layer of this configuration runs Winograd where oneDNN has it: decided from the configuration, so the
     * layouts between two such layers can be fixed before the first batch.
     */
    boolean suitsWinograd(org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf) {
        int[] kernel = conf.getKernelSize();
        int[] stride = conf.getStride();
        int[] dilation = conf.getDilation();
        return winograd && new Geometry(1, conf.getNIn(), 1, 1, conf.getNOut(), kernel[0], kernel[1], stride[0], stride[1],
                dilation[0] - 1L, dilation[1] - 1L, 0, 0, 0, 0, 1, 1, false).suitsWinograd();
    }

    /**
     * Reads the input and writes the output in oneDNN's blocked layout (inside DL4J's NHWC-shaped arrays, as many
     * floats) where {@code blockedInput} or {@code blockedOutput}; before the first call. A primitive that works in
     * another layout converts.
     */
    void keepBlocked(boolean blockedInput, boolean blockedOutput) {
        inputLayout = blockedInput ? OneDnnDevice.blockedLayout() : memory.format_tag.nhwc;
        outputLayout = blockedOutput ? OneDnnDevice.blockedLayout() : memory.format_tag.nhwc;
    }

    /** Inference only: DL4J's own backward pass runs should anyone train the inference graph. */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn,
                                                     org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode mode,
                                                     org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo bwdFilterAlgo,
                                                     org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        return null;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of("oneDNN inference tensors", heldBytes.get());
    }

    /** Whether this shape runs with Winograd (for the tests). */
    boolean winograd(INDArray input, INDArray weights, int[] kernel, int[] strides, int[] pad, ConvolutionMode mode, int[] dilation) {
        Geometry g = geometry(input, weights, null, kernel, strides, pad, mode, dilation, CNN2DFormat.NHWC);
        return g != null && primitives.get(g, key -> new Primitive(key, heldBytes, relu, winograd, inputLayout, outputLayout)).winograd;
    }

    /** The shapes in oneDNN's terms; null for what this does not cover (not NHWC float), which DL4J's path runs. */
    private static Geometry geometry(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                                     ConvolutionMode mode, int[] dilation, CNN2DFormat format) {
        if (format != CNN2DFormat.NHWC || input.dataType() != DataType.FLOAT || weights.dataType() != DataType.FLOAT
                || (bias != null && bias.dataType() != DataType.FLOAT) || input.rank() != 4 || weights.rank() != 4
                || input.size(3) != weights.size(1)) {
            return null;
        }
        int h = (int) input.size(1);
        int w = (int) input.size(2);
        int[] out = ConvolutionUtils.getOutputSize(input, kernel, strides, mode == ConvolutionMode.Same ? null : pad, mode,
                dilation, CNN2DFormat.NHWC);
        // the layer hands Same mode's top-left padding; oneDNN wants the bottom-right too, which makes up the output size
        long effH = (kernel[0] - 1L) * dilation[0] + 1;
        long effW = (kernel[1] - 1L) * dilation[1] + 1;
        long bottom = (out[0] - 1L) * strides[0] + effH - h - pad[0];
        long right = (out[1] - 1L) * strides[1] + effW - w - pad[1];
        // Truncate mode leaving rows unread: no padding, and oneDNN's output size (rounded down) is the same
        return new Geometry(input.size(0), input.size(3), h, w, weights.size(0), kernel[0], kernel[1], strides[0], strides[1],
                dilation[0] - 1L, dilation[1] - 1L, pad[0], pad[1], Math.max(0, bottom), Math.max(0, right), out[0], out[1],
                bias != null);
    }
}
