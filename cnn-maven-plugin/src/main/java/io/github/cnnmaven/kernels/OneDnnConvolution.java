package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.github.cnnmaven.kernels.OneDnnConversion.bound;
import static io.github.cnnmaven.kernels.OneDnnConversion.copyBack;
import static io.github.cnnmaven.kernels.OneDnnConversion.owned;
import static io.github.cnnmaven.kernels.OneDnnConversion.writable;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

/**
 * A 2-D float convolution that calls oneDNN itself (JavaCPP's preset), in place of DL4J's {@code MKLDNNConvHelper},
 * which goes through libnd4j's {@code conv2d} / {@code conv2d_bp}: those convert layouts inside every call and, at
 * 16 channels, spend 31 ms in the backward pass where oneDNN's own primitives take 6 (docs/benchmarks.md, "oneDNN
 * called directly"). Here each shape's primitives are made once and kept; activations enter and leave in DL4J's
 * NCHW through one reorder each way, which costs 0.03-0.25 ms. DL4J's layer keeps everything else: parameters,
 * gradient views, activation, dropout and workspaces.
 *
 * <p>On by default ({@code -Dcnn.oneDnnConvolution=false} in {@code cnn.argLine} keeps libnd4j's): each convolution
 * computes what libnd4j's does (OneDnnGeometryTest, forward and backward, within 1e-4), and every preset trains as
 * with DL4J's convolutions, within the rounding noise of DL4J's own path (OneDnnConvolutionTest).
 */
final class OneDnnConvolution implements ConvolutionHelper {

    /**
     * Shapes of primitives kept per layer. The network's own thread sees five in an epoch: its share of a training
     * batch and of the last short one, and evaluation's full batch and the short last batches of the validation split
     * and of the training sample. With room for four, every epoch dropped and rebuilt some of them.
     */
    static final int KEPT_SHAPES = 6;

    /** False for a network's first layer: nothing reads the gradient of the images. */
    private final boolean inputGradient;
    /**
     * Null when the output leaves in NCHW; otherwise the blocked layout the output and its gradient keep inside DL4J's
     * arrays, because the batch norm after it reads them so ({@link BlockedActivations}).
     */
    private memory.format_tag blockedOutput;
    /**
     * Null when the input arrives in NCHW; otherwise the blocked layout the batch norm before it leaves its output in,
     * inside DL4J's array, and takes the input's gradient back in ({@link BlockedActivations}).
     */
    private memory.format_tag blockedInput;

    private final OneDnnShape.Cache<Geometry, Primitives> primitives = new OneDnnShape.Cache<>(KEPT_SHAPES);

    /**
     * What this layer's shapes hold in blocked tensors, in bytes: each shape adds what it allocates and takes it back
     * when it is freed, so a dropped shape left unfreed shows here (updated by the layer's one thread).
     */
    private final AtomicLong heldBytes = new AtomicLong();

    OneDnnConvolution(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    OneDnnConvolution() {
        this(true);
    }

    /**
     * Gives the training network's plain convolutions (those {@link ConvolutionBackprop} replaced) this
     * implementation; returns how many. None with {@code -Dcnn.oneDnnConvolution=false} or where the preset does not
     * load (DL4J's path runs, and {@link #describe} says why).
     */
    static int install(org.deeplearning4j.nn.graph.ComputationGraph graph) {
        return TrainingLayers.Switch.ONEDNN_CONVOLUTION.on() && OneDnnDevice.unavailable() == null ? installOn(graph) : 0;
    }

    /** The same, whatever the switch says (the tests compare both paths). */
    static int installOn(org.deeplearning4j.nn.graph.ComputationGraph graph) {
        int installed = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            if (vertex instanceof LayerVertex lv && lv.getLayer() instanceof LeanConvolutionLayer lean) {
                lean.computeWith(new OneDnnConvolution(!readsOnlyTheImages(graph, lv)));
                installed++;
            }
        }
        return installed;
    }

    /**
     * Whether the layer's input is the network's input itself (no preprocessor, no input dropout between): then
     * nothing reads the gradient of its input, and the backward pass spares computing it. DL4J's graph hands a null
     * one to the input vertex, which keeps none.
     */
    private static boolean readsOnlyTheImages(org.deeplearning4j.nn.graph.ComputationGraph graph, LayerVertex vertex) {
        if (vertex.getLayerPreProcessor() != null || vertex.getInputVertices() == null
                || vertex.getLayer().conf().getLayer().getIDropout() != null) {
            return false;
        }
        for (VertexIndices input : vertex.getInputVertices()) {
            if (!graph.getVertices()[input.getVertexIndex()].isInputVertex()) {
                return false;
            }
        }
        return true;
    }

    /** For the training log: which convolution path runs, and why. */
    static String describe(int installed) {
        if (!TrainingLayers.Switch.ONEDNN_CONVOLUTION.on()) {
            return ", convolutions through libnd4j" + TrainingLayers.Switch.ONEDNN_CONVOLUTION.offNote();
        }
        return installed > 0 ? ", convolutions calling oneDNN directly on " + installed + " layers"
                : ", convolutions through libnd4j (" + (OneDnnDevice.unavailable() != null ? OneDnnDevice.unavailable() : "no plain convolution to replace") + ")";
    }

    /**
     * A convolution's shapes, as oneDNN takes them (dilation 0 is none; padding on both sides). {@code h × w} is the
     * part of the {@code ih × iw} input the convolution reads: DL4J's Truncate mode drops the bottom rows and right
     * columns a stride does not reach (resnet's 1×1 stride-2 shortcuts), and oneDNN takes no negative padding, so
     * the source is described as that window of the input, by its strides.
     */
    private record Geometry(long n, long c, long ih, long iw, long h, long w, long k, long kh, long kw, long sh, long sw,
                            long dh, long dw, long top, long left, long bottom, long right, long oh, long ow, boolean bias) {
        long[] input() { return new long[] {n, c, ih, iw}; }
        long[] src() { return new long[] {n, c, h, w}; }
        boolean truncated() { return h != ih || w != iw; }
        /**
         * The source as it lies in the array DL4J hands over: in NCHW, or in the blocked layout another layer keeps the
         * whole input in (a window of it, described as part of the blocked tensor, where the stride leaves rows).
         */
        memory.desc userSrc(memory.format_tag blocked) {
            if (blocked == null) {
                return plainSrc();
            }
            memory.desc whole = desc(input(), blocked);
            return truncated() ? whole.submemory_desc(src(), new long[4]) : whole;
        }

        /** The source as it lies in an NCHW array of the whole input. */
        memory.desc plainSrc() {
            return truncated() ? new memory.desc(src(), memory.data_type.f32, new long[] {c * ih * iw, ih * iw, iw, 1})
                    : desc(src(), memory.format_tag.nchw);
        }
        long[] weights() { return new long[] {k, c, kh, kw}; }
        long[] dst() { return new long[] {n, k, oh, ow}; }
        long[] strides() { return new long[] {sh, sw}; }
        long[] dilates() { return new long[] {dh, dw}; }
        long[] padL() { return new long[] {top, left}; }
        long[] padR() { return new long[] {bottom, right}; }
    }

    /** One shape's primitives, the blocked tensors between them and their conversions, made once. */
    private static final class Primitives extends OneDnnShape {
        final convolution_forward.primitive_desc fwdPd;
        final convolution_forward fwd;
        /** The input converted from NCHW; null when {@link #blockedSrc} reads it in place. */
        final OneDnnConversion src;
        final memory blockedSrc;
        final OneDnnConversion weights;
        /** NCHW output: converted from the layout oneDNN chose; null when {@link #blockedDst} is written in place. */
        final OneDnnConversion dst;
        final memory blockedDst;
        final memory bias;
        convolution_backward_data bwdData;
        convolution_backward_weights bwdWeights;
        /** The output's gradient converted from NCHW; null when {@link #blockedDiffDst} reads it in place. */
        OneDnnConversion diffDst;
        /** The input's gradient converted to NCHW; null when {@link #blockedDiffSrc} writes it in place. */
        OneDnnConversion diffSrc;
        memory blockedDiffSrc;
        OneDnnConversion bwdWeightsIn;
        /** The forward pass's conversions when the backward passes want the same layouts, else null. */
        OneDnnConversion forwardWeights;
        OneDnnConversion forwardSrc;
        OneDnnConversion diffWeights;
        OneDnnConversion bwdSrc;
        OneDnnConversion bwdDiffDst;
        boolean sameDiffDst;
        /** The output's gradient read in place in its blocked layout; null when it arrives in NCHW. */
        memory blockedDiffDst;
        memory diffBias;
        /** The layouts the output and the input are kept in, or null for NCHW. */
        private final memory.format_tag outputLayout;
        private final memory.format_tag inputLayout;

        Primitives(Geometry g, AtomicLong layerBytes, memory.format_tag outputLayout, memory.format_tag inputLayout) {
            super(layerBytes);
            this.outputLayout = outputLayout;
            this.inputLayout = inputLayout;
            // a window of a blocked input is converted like an NCHW one: oneDNN's kernels read only whole tensors
            boolean inPlace = inputLayout != null && !g.truncated();
            memory.desc any = desc(g.src(), inPlace ? inputLayout : memory.format_tag.any);
            memory.desc anyW = desc(g.weights(), memory.format_tag.any);
            memory.desc anyDst = desc(g.dst(), outputLayout != null ? outputLayout : memory.format_tag.any);
            memory.desc biasDesc = g.bias() ? desc(new long[] {g.k()}, memory.format_tag.x) : new memory.desc();
            fwdPd = new convolution_forward.primitive_desc(new convolution_forward.desc(prop_kind_training(),
                    direct(), any, anyW, biasDesc, anyDst, g.strides(), g.dilates(), g.padL(), g.padR()), device.cpu);
            fwd = keep(new convolution_forward(fwdPd));
            keep(fwdPd);
            // the backward pass reads it again
            src = inPlace ? null : new OneDnnConversion(this, g.userSrc(inputLayout), fwdPd.src_desc(), true, null);
            blockedSrc = inPlace ? unbound(fwdPd.src_desc()) : null;
            weights = new OneDnnConversion(this, desc(g.weights(), memory.format_tag.oihw), fwdPd.weights_desc(), true, null);
            dst = outputLayout != null ? null
                    : new OneDnnConversion(this, desc(g.dst(), memory.format_tag.nchw), fwdPd.dst_desc(), false, OneDnnDevice.Scratch.OUTPUT);
            blockedDst = outputLayout != null ? unbound(fwdPd.dst_desc()) : null;
            bias = g.bias() ? unbound(biasDesc) : null;
        }

        /** The backward primitives, made at the first backward pass of this shape. */
        void backward(Geometry g) {
            if (bwdData != null) {
                return;
            }
            boolean inPlace = blockedSrc != null;
            memory.desc any = desc(g.src(), inPlace ? inputLayout : memory.format_tag.any);
            memory.desc anyW = desc(g.weights(), memory.format_tag.any);
            memory.desc anyDst = desc(g.dst(), outputLayout != null ? outputLayout : memory.format_tag.any);
            memory.desc biasDesc = g.bias() ? desc(new long[] {g.k()}, memory.format_tag.x) : new memory.desc();
            convolution_backward_data.primitive_desc dataPd = new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(direct(), any, anyW, anyDst, g.strides(), g.dilates(), g.padL(),
                            g.padR()), device.cpu, fwdPd);
            convolution_backward_weights.primitive_desc weightsPd = new convolution_backward_weights.primitive_desc(
                    new convolution_backward_weights.desc(direct(), any, anyW, biasDesc, anyDst, g.strides(), g.dilates(),
                            g.padL(), g.padR()), device.cpu, fwdPd);
            bwdData = keep(new convolution_backward_data(dataPd));
            bwdWeights = keep(new convolution_backward_weights(weightsPd));
            keep(dataPd);
            keep(weightsPd);
            memory.desc plainDst = desc(g.dst(), memory.format_tag.nchw);
            memory.desc plainWeights = desc(g.weights(), memory.format_tag.oihw);
            if (inPlace) {
                blockedDiffSrc = unbound(dataPd.diff_src_desc());
            } else {
                diffSrc = new OneDnnConversion(this, g.userSrc(inputLayout), dataPd.diff_src_desc(), false, OneDnnDevice.Scratch.INPUT_GRADIENT);
                bwdSrc = new OneDnnConversion(this, g.userSrc(inputLayout), weightsPd.src_desc(), true, OneDnnDevice.Scratch.INPUT_AGAIN);
            }
            bwdWeightsIn = new OneDnnConversion(this, plainWeights, dataPd.weights_desc(), true, null);
            diffWeights = new OneDnnConversion(this, plainWeights, weightsPd.diff_weights_desc(), false, null);
            forwardWeights = dataPd.weights_desc().equals(fwdPd.weights_desc()) ? weights : null;
            forwardSrc = weightsPd.src_desc().equals(fwdPd.src_desc()) ? src : null;
            if (outputLayout != null) {
                blockedDiffDst = unbound(dataPd.diff_dst_desc());
            } else {
                diffDst = new OneDnnConversion(this, plainDst, dataPd.diff_dst_desc(), true, OneDnnDevice.Scratch.OUTPUT);
                // both backward passes usually want the output's gradient in the same layout: convert it once then
                sameDiffDst = weightsPd.diff_dst_desc().equals(dataPd.diff_dst_desc());
                bwdDiffDst = sameDiffDst ? diffDst : new OneDnnConversion(this, plainDst, weightsPd.diff_dst_desc(), true,
                        OneDnnDevice.Scratch.OUTPUT_GRADIENT_AGAIN);
            }
            diffBias = g.bias() ? unbound(biasDesc) : null;
        }
    }

    private static org.bytedeco.dnnl.global.dnnl.prop_kind prop_kind_training() {
        return org.bytedeco.dnnl.global.dnnl.prop_kind.forward_training;
    }

    /**
     * The direct algorithm for every pass. Winograd (3×3, stride 1) was twice as fast in the probe's forward pass,
     * but resnet20 trained no faster with it in any pass (LayerProfile, 349-371 images/s against 358-365 direct).
     */
    private static org.bytedeco.dnnl.global.dnnl.algorithm direct() {
        return org.bytedeco.dnnl.global.dnnl.algorithm.convolution_direct;
    }

    private static memory.desc desc(long[] dims, memory.format_tag tag) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    @Override
    public boolean checkSupported() {
        return OneDnnDevice.unavailable() == null;
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode mode, org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo fwdAlgo, ConvolutionMode convolutionMode,
                              int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        Geometry g = covered(geometry(input, weights, bias, kernel, strides, pad, convolutionMode, dilation, format));
        if (g == null) {
            return null; // DL4J's own path
        }
        Primitives p = primitives(g);
        OneDnnDevice d = p.device;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, g.dst());
        INDArray x = owned(input);
        INDArray w = owned(weights);
        INDArray b = g.bias() ? owned(bias) : null;
        INDArray y = writable(out);
        IntMemoryMap args = new IntMemoryMap().put(DNNL_ARG_SRC, p.blockedSrc != null ? bound(p.blockedSrc, x) : p.src.in(d, x))
                .put(DNNL_ARG_WEIGHTS, p.weights.in(d, w))
                .put(DNNL_ARG_DST, p.dst != null ? p.dst.internal(d) : bound(p.blockedDst, y));
        p.fwd.execute(d.stream, withArray(args, DNNL_ARG_BIAS, p.bias, b));
        if (p.dst != null) {
            p.dst.out(d, y);
        }
        d.stream._wait();
        copyBack(y, out);
        // the copies' native memory must outlive the primitives that read it
        java.lang.ref.Reference.reachabilityFence(x);
        java.lang.ref.Reference.reachabilityFence(w);
        java.lang.ref.Reference.reachabilityFence(b);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn, org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode mode,
                                                     org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo bwdFilterAlgo,
                                                     org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo bwdDataAlgo, ConvolutionMode convolutionMode,
                                                     int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        Geometry g = covered(geometry(input, weights, bias, kernel, strides, pad, convolutionMode, dilation, format));
        if (g == null) {
            return null;
        }
        Primitives p = primitives(g);
        p.backward(g);
        OneDnnDevice d = p.device;
        INDArray epsOut = null;
        INDArray dx = null;
        INDArray dy = owned(delta);
        INDArray w = owned(weights);
        INDArray x = owned(input);
        INDArray dw = writable(weightGradView);
        INDArray db = g.bias() ? writable(biasGradView) : null;
        if (inputGradient) {
            // rows and columns a truncating stride never reads get no gradient: zeros, which oneDNN does not write
            epsOut = g.truncated() ? workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, g.input())
                    : workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, g.input());
            dx = writable(epsOut);
            p.bwdData.execute(d.stream, new IntMemoryMap()
                    .put(DNNL_ARG_DIFF_DST, p.blockedDiffDst != null ? bound(p.blockedDiffDst, dy) : p.diffDst.in(d, dy))
                    .put(DNNL_ARG_WEIGHTS, p.bwdWeightsIn.in(d, w, p.forwardWeights))
                    .put(DNNL_ARG_DIFF_SRC, p.diffSrc != null ? p.diffSrc.internal(d) : bound(p.blockedDiffSrc, dx)));
            if (p.diffSrc != null) {
                p.diffSrc.out(d, dx);
            }
        }
        IntMemoryMap args = new IntMemoryMap()
                .put(DNNL_ARG_SRC, p.blockedSrc != null ? bound(p.blockedSrc, x) : p.bwdSrc.in(d, x, p.forwardSrc))
                .put(DNNL_ARG_DIFF_DST, p.blockedDiffDst != null ? bound(p.blockedDiffDst, dy)
                        : p.sameDiffDst && inputGradient ? p.diffDst.internal(d) : p.bwdDiffDst.in(d, dy))
                .put(DNNL_ARG_DIFF_WEIGHTS, p.diffWeights.internal(d));
        p.bwdWeights.execute(d.stream, withArray(args, DNNL_ARG_DIFF_BIAS, p.diffBias, db));
        p.diffWeights.out(d, dw);
        d.stream._wait();
        if (epsOut != null) {
            copyBack(dx, epsOut);
        }
        copyBack(dw, weightGradView);
        if (db != null) {
            copyBack(db, biasGradView);
        }
        java.lang.ref.Reference.reachabilityFence(dy);
        java.lang.ref.Reference.reachabilityFence(w);
        java.lang.ref.Reference.reachabilityFence(x);

        Gradient gradient = new DefaultGradient();
        if (g.bias()) {
            gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        return new Pair<>(gradient, epsOut);
    }

    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        return null; // the layer's own activation
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of("oneDNN blocked tensors", heldBytes.get());
    }

    private Primitives primitives(Geometry g) {
        return primitives.get(g, key -> new Primitives(key, heldBytes, blockedOutput, blockedInput));
    }

    /** Writes the output, and reads its gradient, in {@code layout} from now on (see {@link BlockedActivations}). */
    void keepOutputBlocked(memory.format_tag layout) {
        blockedOutput = layout;
    }

    /** Reads the input, and writes its gradient, in {@code layout} from now on (see {@link BlockedActivations}). */
    void readInputBlocked(memory.format_tag layout) {
        blockedInput = layout;
    }

    /**
     * {@code g}; a layer that exchanges a blocked tensor has no DL4J path to fall back to, so an uncovered call is an
     * error.
     */
    private Geometry covered(Geometry g) {
        if (g == null && (blockedOutput != null || blockedInput != null)) {
            throw new IllegalStateException("A convolution that exchanges a blocked tensor was called with"
                    + " an input oneDNN's path does not cover (not NCHW float)");
        }
        return g;
    }

    /** The shapes in oneDNN's terms; null for what this does not cover (DL4J's path runs instead). */
    private static Geometry geometry(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                                     ConvolutionMode mode, int[] dilation, CNN2DFormat format) {
        if (format != CNN2DFormat.NCHW || input.dataType() != DataType.FLOAT || weights.dataType() != DataType.FLOAT
                || input.rank() != 4 || weights.rank() != 4) {
            return null;
        }
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        int[] out = ConvolutionUtils.getOutputSize(input, kernel, strides, mode == ConvolutionMode.Same ? null : pad, mode,
                dilation, CNN2DFormat.NCHW);
        int[] topLeft = mode == ConvolutionMode.Same
                ? ConvolutionUtils.getSameModeTopLeftPadding(out, new int[] {h, w}, kernel, strides, dilation) : pad;
        long effH = (kernel[0] - 1L) * dilation[0] + 1;
        long effW = (kernel[1] - 1L) * dilation[1] + 1;
        long bottom = (out[0] - 1L) * strides[0] + effH - h - topLeft[0];
        long right = (out[1] - 1L) * strides[1] + effW - w - topLeft[1];
        // Truncate mode dropping rows: the convolution reads a window of the input (see Geometry)
        long readH = h + Math.min(0, bottom);
        long readW = w + Math.min(0, right);
        return new Geometry(input.size(0), input.size(1), h, w, readH, readW, weights.size(0), kernel[0], kernel[1], strides[0], strides[1],
                dilation[0] - 1L, dilation[1] - 1L, topLeft[0], topLeft[1], Math.max(0, bottom), Math.max(0, right), out[0], out[1],
                bias != null);
    }

    /** {@code args} with {@code plain} pointed at {@code array} as argument {@code arg}; unchanged without an array. */
    private static IntMemoryMap withArray(IntMemoryMap args, int arg, memory plain, INDArray array) {
        if (array != null) {
            args.put(arg, bound(plain, array));
        }
        return args;
    }
}
