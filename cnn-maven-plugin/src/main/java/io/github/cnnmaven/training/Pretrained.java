package io.github.cnnmaven.training;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.output.ModelMetadata;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Starts a network from another build's trained weights ({@code cnn.pretrained}): every layer but
 * the classifier takes the pretrained layer of the same name, which must have the same parameter
 * shapes; the classifier keeps its fresh initialisation, sized for this dataset's classes.
 */
public final class Pretrained {

    /** What was loaded: the source's metadata, the layers that took its weights, and the new classifier. */
    public record Loaded(ModelMetadata source, int layers, String classifier) {
    }

    private Pretrained() {
    }

    public static Loaded load(ComputationGraph graph, Path modelFile) throws CnnException {
        ComputationGraph source;
        ModelMetadata metadata;
        try {
            source = ModelFile.readGraph(modelFile, false);
            metadata = ModelMetadata.read(modelFile);
        } catch (IOException | RuntimeException e) {
            throw new CnnException("Cannot read the pretrained model " + modelFile + " (cnn.pretrained): " + e.getMessage(), e);
        }
        String classifier = classifier(graph);
        int loaded = 0;
        for (Layer layer : graph.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (name.equals(classifier) || layer.numParams() == 0) {
                continue;
            }
            Layer from = source.getLayer(name);
            if (from == null) {
                throw new CnnException("The pretrained model " + modelFile + " has no layer " + name + " (a "
                        + layer.conf().getLayer().getClass().getSimpleName() + "): it is not the same network");
            }
            for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                INDArray weights = from.getParam(p.getKey());
                if (weights == null || !Arrays.equals(weights.shape(), p.getValue().shape())) {
                    throw new CnnException("Layer " + name + " differs from the pretrained model's (" + modelFile + "): its "
                            + p.getKey() + " is " + Arrays.toString(p.getValue().shape()) + " here but "
                            + (weights == null ? "absent" : Arrays.toString(weights.shape())) + " there. Fine-tuning needs the"
                            + " same network on input of the same channels (only the classifier may differ).");
                }
                p.getValue().assign(weights);
            }
            loaded++;
        }
        return new Loaded(metadata, loaded, classifier);
    }

    /** The layer that outputs the class probabilities. */
    static String classifier(ComputationGraph graph) {
        return graph.getConfiguration().getNetworkOutputs().get(0);
    }
}
