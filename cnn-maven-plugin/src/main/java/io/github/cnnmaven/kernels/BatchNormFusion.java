package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.api.buffer.DataType;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts {@link FusedBatchNormHelper} into every batch-norm layer of a network that trains on the CPU
 * (in a {@link LeanBatchNormLayer} that takes the layer object's place),
 * and where a batch norm feeds only a plain ReLU layer, fuses that ReLU into it
 * ({@link FusedReluLayer}); {@link TrainingLayers} installs it.
 */
public final class BatchNormFusion {

    /** How many batch-norm layers took the fused helper, and how many ReLU layers were folded into them. */
    public record Installed(int batchNorm, int relu) {
        static final Installed NONE = new Installed(0, 0);

        /** For the training log. */
        public String describe() {
            return batchNorm == 0 ? "off" + TrainingLayers.Switch.FUSED_BATCH_NORM.offNote()
                    : "on " + batchNorm + " layers (" + relu + " with their ReLU)";
        }
    }

    /** DL4J keeps a layer's helper in a package-private field, with no setter. */
    private static final Field HELPER = batchNormField("helper");

    private BatchNormFusion() {
    }

    /**
     * Installs the fused batch norm where it applies; nothing on GPUs, other data types or NHWC
     * layers, or with {@code -Dcnn.fusedBatchNorm=false}.
     */
    public static Installed install(ComputationGraph graph) {
        if (!TrainingLayers.Switch.FUSED_BATCH_NORM.on() || HELPER == null || !TrainingLayers.cpuFloat(graph)) {
            return Installed.NONE;
        }
        Map<String, List<String>> consumers = new HashMap<>();
        graph.getConfiguration().getVertexInputs().forEach((vertex, inputs) ->
                inputs.forEach(input -> consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(vertex)));
        int batchNorm = 0;
        int relu = 0;
        for (Layer layer : graph.getLayers().clone()) {
            if (layer.getClass() != BatchNormalization.class
                    || ((org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.conf().getLayer()).getCnn2DFormat()
                    != CNN2DFormat.NCHW) {
                continue;
            }
            String name = layer.conf().getLayer().getLayerName();
            List<String> next = consumers.getOrDefault(name, List.of());
            LayerVertex reluVertex = next.size() == 1 && !graph.getConfiguration().getNetworkOutputs().contains(name)
                    ? TrainingLayers.plainRelu(graph.getVertex(next.get(0))) : null;
            TrainingLayers.replace(graph, (LayerVertex) graph.getVertex(name),
                    new LeanBatchNormLayer((BatchNormalization) layer, new FusedBatchNormHelper(reluVertex != null)));
            batchNorm++;
            if (reluVertex != null) {
                TrainingLayers.replace(graph, reluVertex, new FusedReluLayer((ActivationLayer) reluVertex.getLayer(), DataType.FLOAT));
                relu++;
            }
        }
        return new Installed(batchNorm, relu);
    }

    static void set(Layer layer, FusedBatchNormHelper helper) {
        try {
            HELPER.set(layer, helper);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot install the fused batch norm", e);
        }
    }

    /** A field of DL4J's batch-norm layer, opened; null in a DL4J version without it (then DL4J's own batch norm runs). */
    static Field batchNormField(String name) {
        try {
            Field f = BatchNormalization.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null;
        }
    }
}
