package io.github.cnnmaven.kernels;

import io.github.cnnmaven.common.PropertySwitch;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The plugin's faster layer objects for a network about to train on the CPU: the fused batch norm
 * ({@link BatchNormFusion}), convolutions without a second forward pass in their backward pass
 * ({@link ConvolutionBackprop}), one-pass ReLU layers ({@link SinglePassReluLayer}) and max pooling with
 * its backward pass in Java ({@link MaxPoolLayer}). Training,
 * the learning-rate finder and the benchmarks all install exactly this, so they measure the same
 * arithmetic. Only the running network's layer objects change: the configuration, the parameters
 * and what is saved are DL4J's own, and a model loaded elsewhere runs unchanged.
 */
public final class TrainingLayers {

    /** Each replacement, with the system property ({@code cnn.argLine}) that keeps DL4J's own layers instead. */
    public enum Switch {
        FUSED_BATCH_NORM("cnn.fusedBatchNorm"),
        CONVOLUTION_BACKPROP("cnn.convolutionBackprop"),
        SINGLE_PASS_RELU("cnn.singlePassRelu"),
        /** The backward pass of max pooling over windows that do not overlap in {@link MaxPoolLayer}. */
        JAVA_MAX_POOL("cnn.javaMaxPool"),
        /** Convolutions that call oneDNN themselves ({@link OneDnnConvolution}); the fork resolves its native jar. */
        ONEDNN_CONVOLUTION("cnn.oneDnnConvolution"),
        /** Batch norms after a convolution through oneDNN ({@link OneDnnBatchNorm}) rather than the Java kernels. */
        ONEDNN_BATCH_NORM("cnn.oneDnnBatchNorm"),
        /**
         * Convolution → batch norm pairs that exchange oneDNN's blocked layout ({@link BlockedActivations}), and an
         * inference graph's tensors kept in it ({@link InferenceLayers}).
         */
        BLOCKED_ACTIVATIONS("cnn.blockedActivations");

        private final PropertySwitch property;

        Switch(String property) {
            this(property, true);
        }

        Switch(String property, boolean byDefault) {
            this.property = new PropertySwitch(property, byDefault);
        }

        public String property() {
            return property.property();
        }

        boolean on() {
            return property.on();
        }

        String offNote() {
            return property.offNote();
        }
    }

    /**
     * What was installed, for the training log.
     *
     * @param maxPool max poolings whose backward pass runs in Java
     * @param blocked convolution → batch norm pairs linked in a blocked layout
     * @param handedOn of their batch norms, those that hand their output on blocked too
     * @param blockedPools max poolings that pool the blocked layout
     * @param converted ReLU and pooling layers that convert a blocked input to NCHW for the layers after them
     */
    public record Installed(BatchNormFusion.Installed batchNorm, int convolutions, int relu, int maxPool, int oneDnn,
                            int blocked, int handedOn, int blockedPools, int converted) {
        public String describe() {
            return "fused batch norm " + batchNorm.describe()
                    + ", convolution backward pass " + (convolutions > 0 ? "without recomputing the output on " + convolutions + " layers"
                    : "as DL4J's" + Switch.CONVOLUTION_BACKPROP.offNote())
                    + ", ReLU " + (relu > 0 ? "in one pass on " + relu + " layers" : "as DL4J's" + Switch.SINGLE_PASS_RELU.offNote())
                    + ", max pooling " + (maxPool > 0 ? "backward pass in Java on " + maxPool + " layers"
                    : blockedPools > 0 ? "through oneDNN" : "as DL4J's" + Switch.JAVA_MAX_POOL.offNote())
                    + OneDnnConvolution.describe(oneDnn)
                    + (blocked > 0 ? ", batch norm through oneDNN on " + blocked + " layers, "
                    + (Switch.BLOCKED_ACTIVATIONS.on() ? "in its blocked layout from their convolutions"
                    + (handedOn > 0 ? ", on " + handedOn + " of them to the layers after them too" : "")
                    + (blockedPools > 0 ? ", through " + blockedPools + " max pooling(s) in that layout" : "")
                    + (converted > 0 ? " (" + converted + " conversion(s) to NCHW, at a ReLU or pooling)" : "")
                    : "NCHW between them and their convolutions" + Switch.BLOCKED_ACTIVATIONS.offNote())
                    : Switch.ONEDNN_BATCH_NORM.on() ? "" : ", batch norm in Java" + Switch.ONEDNN_BATCH_NORM.offNote());
        }
    }

    private TrainingLayers() {
    }

    public static Installed install(ComputationGraph graph) {
        // the batch norm first: the ReLU layers it absorbs are no longer plain ReLU layers after it
        BatchNormFusion.Installed batchNorm = BatchNormFusion.install(graph);
        int convolutions = ConvolutionBackprop.install(graph);
        int relu = installRelu(graph) + (int) java.util.Arrays.stream(graph.getLayers())
                .filter(l -> l instanceof ReluConvolutionLayer c && c.kernelRelu() || l instanceof ReluDenseLayer d && d.kernelRelu())
                .count();
        installMaxPool(graph);
        int oneDnn = OneDnnConvolution.install(graph);
        BlockedActivations.Links links = BlockedActivations.install(graph);
        int maxPool = (int) java.util.Arrays.stream(graph.getLayers()).filter(l -> l instanceof MaxPoolLayer p && p.backwardInJava()).count();
        return new Installed(batchNorm, convolutions, relu, maxPool, oneDnn, links.pairs(), links.handedOn(), links.pools(),
                links.converted());
    }

    /** Every max pooling layer {@link MaxPoolLayer} covers computes in it; the count. */
    static int installMaxPool(ComputationGraph graph) {
        if (!Switch.JAVA_MAX_POOL.on() || !cpuFloat(graph)) {
            return 0;
        }
        int replaced = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            if (vertex instanceof LayerVertex lv && lv.getLayerPreProcessor() == null
                    && lv.getLayer() instanceof org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer pool
                    && MaxPoolLayer.covers(pool)) {
                replace(graph, lv, new MaxPoolLayer(pool));
                replaced++;
            }
        }
        return replaced;
    }

    /** Every plain ReLU layer that is left computes in one pass each way; the count. */
    static int installRelu(ComputationGraph graph) {
        if (!Switch.SINGLE_PASS_RELU.on() || !cpuFloat(graph)) {
            return 0;
        }
        int replaced = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            LayerVertex relu = plainRelu(vertex);
            if (relu != null) {
                replace(graph, relu, new SinglePassReluLayer((ActivationLayer) relu.getLayer()));
                replaced++;
            }
        }
        return replaced;
    }

    /** Whether the network trains in float on the CPU, the only case the plugin's Java kernels take. */
    static boolean cpuFloat(ComputationGraph graph) {
        return cpu() && graph.getConfiguration().getDataType() == DataType.FLOAT;
    }

    /** Whether ND4J runs on the CPU, whose arrays the plugin's Java kernels read in place. */
    static boolean cpu() {
        return Backend.CPU;
    }

    /** Asked once, on the first call: the backend cannot change, and each answer built ND4J's whole environment report. */
    private static final class Backend {
        static final boolean CPU = "CPU".equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
    }

    /** The vertex if it is DL4J's ReLU layer with nothing else to do (no dropout, no preprocessor). */
    static LayerVertex plainRelu(GraphVertex vertex) {
        if (vertex instanceof LayerVertex lv && lv.getLayer().getClass() == ActivationLayer.class
                && lv.getLayerPreProcessor() == null
                && lv.getLayer().conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer conf
                && plainRelu(conf.getActivationFn()) && conf.getIDropout() == null) {
            return lv;
        }
        return null;
    }

    /**
     * Hands a replacement layer the state DL4J keeps in the layer object itself rather than in its
     * configuration or parameters: its place in the graph, listeners, cache mode, and the iteration
     * and epoch counts that schedules read. Called from each replacement's constructor.
     */
    static void carryOver(AbstractLayer<?> from, Layer to) {
        to.setIndex(from.getIndex());
        to.setListeners(from.getListeners());
        to.setCacheMode(from.getCacheMode());
        to.setIterationCount(from.getIterationCount());
        to.setEpochCount(from.getEpochCount());
    }

    /**
     * {@link #carryOver}, and the network's own parameter and gradient views, so that the updater
     * and the saved model see no change.
     */
    static void carryOverWithParameters(BaseLayer<?> from, BaseLayer<?> to) {
        carryOver(from, to);
        to.setParamTable(from.paramTable());
        to.setParamsViewArray(from.params());
        if (from.getGradientsViewArray() != null) { // else the graph hands them out at its first fit
            to.setBackpropGradientsViewArray(from.getGradientsViewArray());
        }
    }

    /** DL4J's ReLU without a threshold, cap or negative slope: its derivative is 1 exactly where its output is positive. */
    static boolean plainRelu(IActivation activation) {
        return PLAIN_RELU.equals(activation);
    }

    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    /** Puts {@code replacement} in the place of the vertex's layer, in the vertex and in the graph's layer array. */
    static void replace(ComputationGraph graph, LayerVertex vertex, Layer replacement) {
        Layer[] layers = graph.getLayers();
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == vertex.getLayer()) {
                layers[i] = replacement;
            }
        }
        vertex.setLayer(replacement);
    }
}
