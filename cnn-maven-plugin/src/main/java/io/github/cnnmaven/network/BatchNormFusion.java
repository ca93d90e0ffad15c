package io.github.cnnmaven.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts {@link FusedBatchNormHelper} into every batch-norm layer of a network that trains on the CPU,
 * and where a batch norm feeds only a plain ReLU layer, fuses that ReLU into it
 * ({@link FusedReluLayer}). Only the running network's layer objects change: the configuration,
 * the parameters and what is saved are DL4J's own, and a model loaded elsewhere runs unchanged.
 */
public final class BatchNormFusion {

    /** How many batch-norm layers took the fused helper, and how many ReLU layers were folded into them. */
    public record Installed(int batchNorm, int relu) {
        static final Installed NONE = new Installed(0, 0);

        /** For the training log. */
        public String describe() {
            return !enabled() ? "off (" + SWITCH + "=false)" : batchNorm == 0 ? "off" : "on " + batchNorm + " layers (" + relu + " with their ReLU)";
        }
    }

    /** The system property ({@code cnn.argLine}) that turns the fusion off, should it ever misbehave. */
    public static final String SWITCH = "cnn.fusedBatchNorm";

    /** DL4J keeps a layer's helper in a package-private field, with no setter. */
    private static final Field HELPER = helperField();

    private BatchNormFusion() {
    }

    /**
     * Installs the fused batch norm where it applies; nothing on GPUs, other data types or NHWC
     * layers, or with {@code -Dcnn.fusedBatchNorm=false}.
     */
    public static Installed install(ComputationGraph graph) {
        if (!enabled() || HELPER == null || !"CPU".equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"))
                || graph.getConfiguration().getDataType() != DataType.FLOAT) {
            return Installed.NONE;
        }
        Map<String, List<String>> consumers = new HashMap<>();
        graph.getConfiguration().getVertexInputs().forEach((vertex, inputs) ->
                inputs.forEach(input -> consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(vertex)));
        int batchNorm = 0;
        int relu = 0;
        Layer[] layers = graph.getLayers();
        for (Layer layer : layers.clone()) {
            if (layer.getClass() != BatchNormalization.class
                    || ((org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.conf().getLayer()).getCnn2DFormat()
                    != CNN2DFormat.NCHW) {
                continue;
            }
            String name = layer.conf().getLayer().getLayerName();
            List<String> next = consumers.getOrDefault(name, List.of());
            LayerVertex reluVertex = next.size() == 1 && !graph.getConfiguration().getNetworkOutputs().contains(name)
                    ? plainRelu(graph.getVertex(next.get(0))) : null;
            set(layer, new FusedBatchNormHelper(reluVertex != null));
            batchNorm++;
            if (reluVertex != null) {
                FusedReluLayer fused = new FusedReluLayer((ActivationLayer) reluVertex.getLayer(), DataType.FLOAT);
                for (int i = 0; i < layers.length; i++) {
                    if (layers[i] == reluVertex.getLayer()) {
                        layers[i] = fused;
                    }
                }
                reluVertex.setLayer(fused);
                relu++;
            }
        }
        return new Installed(batchNorm, relu);
    }

    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(SWITCH, "true").trim());
    }

    /** The vertex if it is a ReLU layer with nothing else to do (no dropout, no preprocessor). */
    private static LayerVertex plainRelu(GraphVertex vertex) {
        if (vertex instanceof LayerVertex lv && lv.getLayer().getClass() == ActivationLayer.class
                && lv.getLayerPreProcessor() == null
                && lv.getLayer().conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer conf
                && new ActivationReLU().equals(conf.getActivationFn()) && conf.getIDropout() == null) {
            return lv;
        }
        return null;
    }

    private static void set(Layer layer, FusedBatchNormHelper helper) {
        try {
            HELPER.set(layer, helper);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot install the fused batch norm", e);
        }
    }

    private static Field helperField() {
        try {
            Field f = BatchNormalization.class.getDeclaredField("helper");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null; // another DL4J version: DL4J's own batch norm runs
        }
    }
}
