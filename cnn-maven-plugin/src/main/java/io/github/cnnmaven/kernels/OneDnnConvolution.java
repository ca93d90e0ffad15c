package io.github.cnnmaven.kernels;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.Loader;
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
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private static final String UNAVAILABLE = availability();
    private static final ThreadLocal<Device> DEVICE = ThreadLocal.withInitial(Device::new);

    /** False for a network's first layer: nothing reads the gradient of the images. */
    private final boolean inputGradient;

    private final Map<Geometry, Primitives> primitives = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Geometry, Primitives> eldest) {
            if (size() > KEPT_SHAPES) {
                eldest.getValue().free();
                return true;
            }
            return false;
        }
    };

    /**
     * What this layer's shapes hold in blocked tensors, in bytes: each shape adds what it allocates and takes it back
     * when it is freed, so a dropped shape left unfreed shows here (updated by the layer's one thread).
     */
    private long heldBytes;

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
        return TrainingLayers.Switch.ONEDNN_CONVOLUTION.on() && UNAVAILABLE == null ? installOn(graph) : 0;
    }

    /** The same, whatever the switch says (the tests compare both paths). */
    static int installOn(org.deeplearning4j.nn.graph.ComputationGraph graph) {
        int installed = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            if (!(vertex instanceof LayerVertex lv)) {
                continue;
            }
            OneDnnConvolution convolution = new OneDnnConvolution(!readsOnlyTheImages(graph, lv));
            if (lv.getLayer() instanceof IdentityConvolutionLayer identity) {
                identity.computeWith(convolution);
                installed++;
            } else if (lv.getLayer() instanceof ReluConvolutionLayer relu) {
                relu.computeWith(convolution);
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
                : ", convolutions through libnd4j (" + (UNAVAILABLE != null ? UNAVAILABLE : "no plain convolution to replace") + ")";
    }

    /** Null when oneDNN's preset loads here; otherwise why not (the log says it, and DL4J's path runs). */
    static String unavailable() {
        return UNAVAILABLE;
    }

    private static String availability() {
        try {
            Loader.load(org.bytedeco.dnnl.global.dnnl.class);
            return null;
        } catch (Throwable e) { // no preset jar, no native library for this platform, or it would not link
            return "oneDNN's preset does not load: " + e;
        }
    }

    /**
     * The engine and stream of the calling thread (dl4j-spark's local workers train on threads of their own), and its
     * scratch tensors: the blocked tensors that live only through one call (an output before it is converted to
     * NCHW, the gradients of the backward pass) share these, whichever layer and batch shape, since a thread runs
     * one call at a time. Only the forward pass's converted input, which its backward pass reads, stays with its shape.
     */
    private static final class Device {
        final engine cpu = new engine(engine.kind.cpu, 0);
        final stream stream = new stream(cpu);
        private final memory[] scratch = new memory[Scratch.values().length];
        /** Each slot's size, kept here: asking oneDNN for it makes native objects on every call. */
        private final long[] scratchBytes = new long[Scratch.values().length];

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
    }

    /** The one-call tensors that are alive at once, each with its own scratch slot. */
    private enum Scratch { OUTPUT, INPUT_GRADIENT, INPUT_AGAIN, OUTPUT_GRADIENT_AGAIN }

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

    /**
     * An ND4J array's plain layout beside the layout a primitive chose, and the reorder between them, made once;
     * each call only points the plain memory at that call's array.
     */
    private static final class Conversion {
        final memory user;
        private final memory internal;
        final reorder reorder;
        final boolean toInternal;
        /** Where {@link #internal} lies when it lives only through one call; null when this shape keeps its own. */
        private final Scratch scratch;
        private final long bytes;
        /** The array {@link #internal} holds since the forward pass converted it, until the backward pass takes it. */
        private INDArray converted;

        Conversion(Primitives owner, memory.desc plain, memory.desc chosen, boolean toInternal, Scratch scratch) {
            this.user = owner.keep(new memory(plain, owner.device.cpu, new FloatPointer((Pointer) null)));
            this.internal = owner.keep(scratch == null ? new memory(chosen, owner.device.cpu)
                    : new memory(chosen, owner.device.cpu, new FloatPointer((Pointer) null)));
            this.toInternal = toInternal;
            this.reorder = owner.keep(toInternal ? new reorder(user, internal) : new reorder(internal, user));
            this.scratch = scratch;
            this.bytes = chosen.get_size();
            if (scratch == null) {
                owner.held(bytes);
            }
        }

        /** The tensor in the chosen layout, on the calling thread's scratch when it lives through one call only. */
        memory internal(Device d) {
            if (scratch != null) {
                internal.set_data_handle(d.scratch(scratch, bytes));
            }
            return internal;
        }

        /** Converts {@code owned} (which the caller keeps reachable) into the chosen layout. */
        memory in(Device d, INDArray owned) {
            user.set_data_handle(pointer(owned));
            memory converted = internal(d);
            reorder.execute(d.stream, user, converted);
            this.converted = owned;
            return converted;
        }

        /**
         * For the backward pass: what the forward pass converted, when it converted this same array into this same
         * layout (DL4J changes neither a layer's input nor its weights between the two), otherwise a conversion of its
         * own. Taken once, so a second backward pass without a forward pass converts again.
         */
        memory in(Device d, INDArray owned, Conversion forward) {
            if (forward != null && forward.converted == owned) {
                forward.converted = null;
                return forward.internal(d);
            }
            return in(d, owned);
        }

        /** Converts the chosen layout's result into {@code owned}. */
        void out(Device d, INDArray owned) {
            user.set_data_handle(pointer(owned));
            reorder.execute(d.stream, internal, user); // internal(d) bound it for the primitive that wrote it
        }
    }

    /** One shape's primitives, the blocked tensors between them and their conversions, made once. */
    private static final class Primitives {
        final Device device = DEVICE.get();
        /**
         * Everything native this shape made, freed when it leaves the cache. Left to the garbage collector, a shape
         * that had lived through an epoch was in the old generation, and its blocked tensors (up to 13 MB each for the
         * main job) stayed resident until an old-generation collection; with evaluation's arrays (see
         * NativeMemory#collectAndTrim) that grew the main job's training JVM by about 130 MB an epoch.
         */
        private final List<Pointer> natives = new ArrayList<>();
        /** The layer whose {@link OneDnnConvolution#heldBytes} counts this shape's {@link #bytes}. */
        private final OneDnnConvolution layer;
        private long bytes;
        final convolution_forward.primitive_desc fwdPd;
        final convolution_forward fwd;
        final Conversion src;
        final Conversion weights;
        final Conversion dst;
        final memory bias;
        convolution_backward_data bwdData;
        convolution_backward_weights bwdWeights;
        Conversion diffDst;
        Conversion diffSrc;
        Conversion bwdWeightsIn;
        /** The forward pass's conversions when the backward passes want the same layouts, else null. */
        Conversion forwardWeights;
        Conversion forwardSrc;
        Conversion diffWeights;
        Conversion bwdSrc;
        Conversion bwdDiffDst;
        boolean sameDiffDst;
        memory diffBias;

        Primitives(Geometry g, OneDnnConvolution layer) {
            this.layer = layer;
            memory.desc any = desc(g.src(), memory.format_tag.any);
            memory.desc anyW = desc(g.weights(), memory.format_tag.any);
            memory.desc anyDst = desc(g.dst(), memory.format_tag.any);
            memory.desc biasDesc = g.bias() ? desc(new long[] {g.k()}, memory.format_tag.x) : new memory.desc();
            fwdPd = new convolution_forward.primitive_desc(new convolution_forward.desc(prop_kind_training(),
                    direct(), any, anyW, biasDesc, anyDst, g.strides(), g.dilates(), g.padL(), g.padR()), device.cpu);
            fwd = keep(new convolution_forward(fwdPd));
            keep(fwdPd);
            src = new Conversion(this, g.plainSrc(), fwdPd.src_desc(), true, null); // the backward pass reads it
            weights = new Conversion(this, desc(g.weights(), memory.format_tag.oihw), fwdPd.weights_desc(), true, null);
            dst = new Conversion(this, desc(g.dst(), memory.format_tag.nchw), fwdPd.dst_desc(), false, Scratch.OUTPUT);
            bias = g.bias() ? keep(new memory(biasDesc, device.cpu, new FloatPointer((Pointer) null))) : null;
        }

        private <T extends Pointer> T keep(T pointer) {
            natives.add(pointer);
            return pointer;
        }

        private void held(long tensorBytes) {
            bytes += tensorBytes;
            layer.heldBytes += tensorBytes;
        }

        /** Frees the primitives and tensors now; this shape is not used after it. */
        void free() {
            natives.forEach(Pointer::deallocate);
            natives.clear();
            layer.heldBytes -= bytes;
            bytes = 0;
        }

        /** The backward primitives, made at the first backward pass of this shape. */
        void backward(Geometry g) {
            if (bwdData != null) {
                return;
            }
            memory.desc any = desc(g.src(), memory.format_tag.any);
            memory.desc anyW = desc(g.weights(), memory.format_tag.any);
            memory.desc anyDst = desc(g.dst(), memory.format_tag.any);
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
            diffDst = new Conversion(this, plainDst, dataPd.diff_dst_desc(), true, Scratch.OUTPUT);
            diffSrc = new Conversion(this, g.plainSrc(), dataPd.diff_src_desc(), false, Scratch.INPUT_GRADIENT);
            bwdWeightsIn = new Conversion(this, plainWeights, dataPd.weights_desc(), true, null);
            diffWeights = new Conversion(this, plainWeights, weightsPd.diff_weights_desc(), false, null);
            bwdSrc = new Conversion(this, g.plainSrc(), weightsPd.src_desc(), true, Scratch.INPUT_AGAIN);
            forwardWeights = dataPd.weights_desc().equals(fwdPd.weights_desc()) ? weights : null;
            forwardSrc = weightsPd.src_desc().equals(fwdPd.src_desc()) ? src : null;
            // both backward passes usually want the output's gradient in the same layout: convert it once then
            sameDiffDst = weightsPd.diff_dst_desc().equals(dataPd.diff_dst_desc());
            bwdDiffDst = sameDiffDst ? diffDst : new Conversion(this, plainDst, weightsPd.diff_dst_desc(), true,
                    Scratch.OUTPUT_GRADIENT_AGAIN);
            diffBias = g.bias() ? keep(new memory(biasDesc, device.cpu, new FloatPointer((Pointer) null))) : null;
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
        return UNAVAILABLE == null;
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode mode, org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo fwdAlgo, ConvolutionMode convolutionMode,
                              int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        Geometry g = geometry(input, weights, bias, kernel, strides, pad, convolutionMode, dilation, format);
        if (g == null) {
            return null; // DL4J's own path
        }
        Primitives p = primitives(g);
        Device d = p.device;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, g.dst());
        INDArray x = owned(input);
        INDArray w = owned(weights);
        INDArray b = g.bias() ? owned(bias) : null;
        INDArray y = writable(out);
        IntMemoryMap args = new IntMemoryMap().put(DNNL_ARG_SRC, p.src.in(d, x)).put(DNNL_ARG_WEIGHTS, p.weights.in(d, w))
                .put(DNNL_ARG_DST, p.dst.internal(d));
        p.fwd.execute(d.stream, withArray(args, DNNL_ARG_BIAS, p.bias, b));
        p.dst.out(d, y);
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
        Geometry g = geometry(input, weights, bias, kernel, strides, pad, convolutionMode, dilation, format);
        if (g == null) {
            return null;
        }
        Primitives p = primitives(g);
        p.backward(g);
        Device d = p.device;
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
            p.bwdData.execute(d.stream, new IntMemoryMap().put(DNNL_ARG_DIFF_DST, p.diffDst.in(d, dy))
                    .put(DNNL_ARG_WEIGHTS, p.bwdWeightsIn.in(d, w, p.forwardWeights)).put(DNNL_ARG_DIFF_SRC, p.diffSrc.internal(d)));
            p.diffSrc.out(d, dx);
        }
        IntMemoryMap args = new IntMemoryMap().put(DNNL_ARG_SRC, p.bwdSrc.in(d, x, p.forwardSrc))
                .put(DNNL_ARG_DIFF_DST, p.sameDiffDst && inputGradient ? p.diffDst.internal(d) : p.bwdDiffDst.in(d, dy))
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
        return Map.of("oneDNN blocked tensors", heldBytes);
    }

    private Primitives primitives(Geometry g) {
        Primitives p = primitives.get(g);
        if (p == null || p.device != DEVICE.get()) {
            if (p != null) {
                p.free(); // another thread's: this layer runs on one thread at a time
            }
            p = new Primitives(g, this);
            primitives.put(g, p);
        }
        return p;
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
            plain.set_data_handle(pointer(array));
            args.put(arg, plain);
        }
        return args;
    }

    private static boolean contiguous(INDArray a) {
        return a != null && a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) && a.dataType() == DataType.FLOAT;
    }

    /** The array itself when its elements lie in C order without gaps, otherwise such a copy. */
    private static INDArray owned(INDArray a) {
        return isOwned(a) ? a : a.dup('c');
    }

    /**
     * The address of the array's first element. A view's buffer (the weights are views into the network's
     * parameters) already starts at the buffer's own offset, so only the rest of the array's offset is added:
     * adding all of it counted the offset twice (OneDnnGeometryTest checks views).
     */
    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer()).position(a.offset() - a.data().offset());
    }


    /** Where a result for {@code target} is written: the array itself, or a C-order array to copy it back from. */
    private static INDArray writable(INDArray target) {
        return isOwned(target) ? target : Nd4j.createUninitialized(DataType.FLOAT, target.shape(), 'c');
    }

    private static void copyBack(INDArray written, INDArray target) {
        if (written != target) {
            target.assign(written);
        }
    }

    private static boolean isOwned(INDArray a) {
        return contiguous(a);
    }


}
