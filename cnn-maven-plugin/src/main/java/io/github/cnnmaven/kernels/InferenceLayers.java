package io.github.cnnmaven.kernels;

import io.github.cnnmaven.common.PropertySwitch;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;

/**
 * The plugin's faster layer objects for an inference graph (evaluate, predict and the benchmark's inference figure),
 * as {@link TrainingLayers} is for training. Only the running graph's layer objects change.
 */
public final class InferenceLayers {

    /** {@code -Dcnn.inferenceLayers=false} keeps DL4J's layer objects in the inference graph. */
    static final PropertySwitch SWITCH = new PropertySwitch("cnn.inferenceLayers");
    /** {@code -Dcnn.oneDnnAddition=false} keeps the residual additions in Java where the convolutions call oneDNN. */
    static final PropertySwitch ONEDNN_ADDITION = new PropertySwitch("cnn.oneDnnAddition");

    private InferenceLayers() {
    }

    /** Whether the inference graph gets these layers (not switched off). */
    public static boolean on() {
        return SWITCH.on();
    }

    /**
     * What {@link #install} replaced, for the evaluation log.
     *
     * @param convolutions channels-last convolutions that hand their input on as it is
     * @param oneDnn of them, those that call oneDNN themselves ({@link OneDnnInferenceConvolution})
     * @param winograd of those, the ones whose shape suits Winograd
     * @param sums residual additions ({@link ReluSumVertex}) that call oneDNN too
     * @param blocked tensors kept in oneDNN's blocked layout between the plugin's layers
     * @param offNote why oneDNN is not called directly, or Winograd not used (a switch, the preset), or empty
     */
    public record Installed(int convolutions, int oneDnn, int winograd, int sums, int blocked, String offNote) {
        /** Nothing replaced: DL4J's layer objects (NCHW, or switched off). */
        public static final Installed NONE = new Installed(0, 0, 0, 0, 0);

        public Installed(int convolutions, int oneDnn, int winograd, int sums, int blocked) {
            this(convolutions, oneDnn, winograd, sums, blocked, "");
        }

        public String describe() {
            if (convolutions == 0) {
                return "DL4J's layer objects";
            }
            if (oneDnn == 0) {
                return convolutions + " convolution(s) through libnd4j" + offNote;
            }
            return convolutions + " convolution(s) calling oneDNN directly (ReLU as a post-op), Winograd on " + winograd
                    + " (3x3, stride 1, " + OneDnnInferenceConvolution.WINOGRAD_CHANNELS + "+ channels, AVX-512" + offNote + "), "
                    + (sums > 0 ? sums + " residual addition(s) as oneDNN primitives, " : "")
                    + blocked + " tensor(s) kept in oneDNN's blocked layout";
        }
    }

    /** Installs them in {@code graph} (switched on). */
    public static Installed install(ComputationGraph graph) {
        int convolutions = 0;
        int oneDnn = 0;
        if (!on()) {
            return Installed.NONE;
        }
        boolean direct = TrainingLayers.Switch.ONEDNN_CONVOLUTION.on() && OneDnnInferenceConvolution.available();
        for (GraphVertex vertex : graph.getVertices()) {
            if (vertex instanceof LayerVertex lv && ChannelsLastConvolutionLayer.covers(lv.getLayer(), direct)) {
                ChannelsLastConvolutionLayer layer = new ChannelsLastConvolutionLayer((ConvolutionLayer) lv.getLayer());
                if (direct) {
                    layer.computeWith(new OneDnnInferenceConvolution(layer.layerConf().getActivationFn()));
                    oneDnn++;
                }
                TrainingLayers.replace(graph, lv, layer);
                convolutions++;
            }
        }
        if (oneDnn == 0) {
            return new Installed(convolutions, 0, 0, 0, 0, OneDnnInferenceConvolution.offNote());
        }
        return keepBlocked(graph, convolutions, oneDnn, ONEDNN_ADDITION.on() ? additionsWithOneDnn(graph) : 0);
    }

    /** Makes every residual addition call oneDNN; how many there are. */
    private static int additionsWithOneDnn(ComputationGraph graph) {
        int sums = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            if (vertex instanceof ReluSumVertex.Instance sum) {
                sum.computeWithOneDnn();
                sums++;
            }
        }
        return sums;
    }

    /**
     * Counts the convolutions that suit Winograd, and keeps in oneDNN's blocked layout, where Winograd works, every
     * tensor of 32 or more channels that only the plugin's layers write and read: its oneDNN convolutions and the
     * residual additions ({@link ReluSumVertex}, element by element, so both of an addition's inputs share a layout).
     * An addition read by anything else converts its output to NHWC; so does a convolution whose output is read
     * elsewhere. In resnet20 that is its last two stages, with one conversion into each and one out before the
     * global pooling, where linking pairs of Winograd convolutions left eight conversions each.
     */
    private static Installed keepBlocked(ComputationGraph graph, int convolutions, int oneDnn, int sums) {
        GraphVertex[] vertices = graph.getVertices();
        int winograd = 0;
        for (GraphVertex vertex : vertices) {
            OneDnnInferenceConvolution convolution = oneDnnConvolution(vertex);
            winograd += convolution != null && convolution.suitsWinograd(layerConf(vertex)) ? 1 : 0;
        }
        boolean[] blocked = new boolean[vertices.length]; // of each vertex's output
        if (winograd > 0 && TrainingLayers.Switch.BLOCKED_ACTIVATIONS.on()) {
            for (GraphVertex vertex : vertices) {
                blocked[vertex.getVertexIndex()] = blockable(graph, vertex);
            }
            for (boolean changed = true; changed; ) {
                changed = false;
                for (GraphVertex vertex : vertices) {
                    int i = vertex.getVertexIndex();
                    if (blocked[i] && !readersTakeBlocked(graph, vertex)) {
                        blocked[i] = false;
                        changed = true;
                    }
                    if (vertex instanceof ReluSumVertex.Instance) {
                        int a = input(vertex, 0);
                        int b = input(vertex, 1);
                        if (blocked[a] != blocked[b]) { // an addition's inputs share a layout
                            blocked[a] = blocked[b] = false;
                            changed = true;
                        }
                        if (blocked[i] && !blocked[a]) {
                            blocked[i] = false;
                            changed = true;
                        }
                    }
                }
            }
        }
        int kept = 0;
        for (GraphVertex vertex : vertices) {
            int i = vertex.getVertexIndex();
            kept += blocked[i] ? 1 : 0;
            OneDnnInferenceConvolution convolution = oneDnnConvolution(vertex);
            if (convolution != null) {
                convolution.keepBlocked(blocked[input(vertex, 0)], blocked[i]);
            } else if (vertex instanceof ReluSumVertex.Instance sum && blocked[input(vertex, 0)] && !blocked[i]) {
                sum.convertToNhwc(OneDnnDevice.blockedLayout());
            }
        }
        return new Installed(convolutions, oneDnn, winograd, sums, kept, OneDnnInferenceConvolution.WINOGRAD.offNote());
    }

    /**
     * Whether {@code vertex}'s output may stay blocked, as far as its writer goes: a oneDNN convolution of 32 or more
     * channels (a multiple of the block, so the blocked tensor is as large as the NHWC one) whose activation maps each
     * value alone, or a residual addition (whose inputs decide); never a network output.
     */
    private static boolean blockable(ComputationGraph graph, GraphVertex vertex) {
        if (graph.getConfiguration().getNetworkOutputs().contains(vertex.getVertexName())) {
            return false;
        }
        if (vertex instanceof ReluSumVertex.Instance) {
            return vertex.getInputVertices() != null && vertex.getInputVertices().length == 2;
        }
        OneDnnInferenceConvolution convolution = oneDnnConvolution(vertex);
        if (convolution == null || !OneDnnInferenceConvolution.WINOGRAD_HERE) {
            return false;
        }
        long channels = layerConf(vertex).getNOut();
        return channels >= OneDnnInferenceConvolution.WINOGRAD_CHANNELS && channels % OneDnnDevice.blockedChannels() == 0
                && elementwise(layerConf(vertex).getActivationFn());
    }

    /** Whether every reader of {@code vertex}'s output is a oneDNN convolution or a residual addition. */
    private static boolean readersTakeBlocked(ComputationGraph graph, GraphVertex vertex) {
        if (vertex.getOutputVertices() == null) {
            return false;
        }
        for (VertexIndices reader : vertex.getOutputVertices()) {
            GraphVertex r = graph.getVertices()[reader.getVertexIndex()];
            boolean convolution = oneDnnConvolution(r) != null && ((LayerVertex) r).getLayerPreProcessor() == null
                    && r.getInputVertices().length == 1;
            if (!convolution && !(r instanceof ReluSumVertex.Instance && r.getInputVertices().length == 2)) {
                return false;
            }
        }
        return true;
    }

    private static int input(GraphVertex vertex, int which) {
        return vertex.getInputVertices()[which].getVertexIndex();
    }

    /**
     * Whether DL4J may apply the activation to a blocked output: one that maps each value alone (the plain ReLU, which
     * the primitive applies, or none). A softmax reads across the channels, which the blocked layout reorders.
     */
    private static boolean elementwise(org.nd4j.linalg.activations.IActivation activation) {
        return activation instanceof org.nd4j.linalg.activations.impl.ActivationIdentity
                || new org.nd4j.linalg.activations.impl.ActivationReLU().equals(activation);
    }

    private static OneDnnInferenceConvolution oneDnnConvolution(GraphVertex vertex) {
        return vertex instanceof LayerVertex lv && lv.getLayer() instanceof ChannelsLastConvolutionLayer layer
                && layer.helper() instanceof OneDnnInferenceConvolution convolution ? convolution : null;
    }

    private static org.deeplearning4j.nn.conf.layers.ConvolutionLayer layerConf(GraphVertex vertex) {
        return ((ChannelsLastConvolutionLayer) ((LayerVertex) vertex).getLayer()).layerConf();
    }
}
