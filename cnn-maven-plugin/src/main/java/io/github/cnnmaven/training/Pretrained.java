package io.github.cnnmaven.training;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.keras.KerasHdf5File;
import io.github.cnnmaven.keras.KerasWeights;
import io.github.cnnmaven.output.ModelMetadata;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Starts a network from trained weights ({@code cnn.pretrained}); the classifier keeps its fresh
 * initialisation, sized for this dataset's classes. From another build's {@code model.zip}, every other
 * layer takes the pretrained layer of the same name, which must have the same parameter shapes; from a
 * Keras HDF5 file, the layers with weights pair up in order ({@link KerasWeights}).
 */
public final class Pretrained {

    /**
     * What was loaded.
     *
     * @param source     what the weights came from, as the log says it: the network, fingerprint and classes
     *                   of a model.zip, or what a Keras file held
     * @param layers     the layers that took its weights
     * @param classifier the new classifier
     */
    public record Loaded(String source, int layers, String classifier) {
    }

    private Pretrained() {
    }

    public static Loaded load(ComputationGraph graph, Path modelFile) throws CnnException {
        PretrainedFormat format;
        try {
            format = PretrainedFormat.of(modelFile);
        } catch (IOException e) {
            throw new CnnException("Cannot read the pretrained model " + modelFile + " (cnn.pretrained): " + e.getMessage(), e);
        }
        return format == PretrainedFormat.KERAS_HDF5 ? loadKeras(graph, modelFile) : loadModel(graph, modelFile);
    }

    private static Loaded loadKeras(ComputationGraph graph, Path file) throws CnnException {
        KerasHdf5File.KerasModel model;
        try {
            model = KerasHdf5File.read(file);
        } catch (IOException e) {
            throw new CnnException("Cannot read the Keras HDF5 file " + file + " (cnn.pretrained): " + e.getMessage(), e);
        }
        String classifier = classifier(graph);
        KerasWeights.Transfer transfer;
        try {
            transfer = KerasWeights.load(graph, model, classifier);
        } catch (IllegalArgumentException e) {
            throw new CnnException("The Keras model " + file + " (cnn.pretrained) does not fit this network: " + e.getMessage()
                    + ". Fine-tuning needs the same network, its layers with weights declared in the same order (only the"
                    + " classifier may differ).", e);
        }
        String source = "a Keras HDF5 file, " + model.layers().size() + " layers with weights"
                + (transfer.kerasClassifier() == null ? "" : ", its classifier " + transfer.kerasClassifier() + " left out")
                + (transfer.foldedBiases() == 0 ? "" : ", " + transfer.foldedBiases() + " convolution biases moved into batch norm");
        return new Loaded(source, transfer.layers(), classifier);
    }

    private static Loaded loadModel(ComputationGraph graph, Path modelFile) throws CnnException {
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
        return new Loaded(metadata.network() + ", fingerprint " + metadata.fingerprint() + ", trained on "
                + metadata.classes().size() + " classes", loaded, classifier);
    }

    /** The layer that outputs the class probabilities. */
    static String classifier(ComputationGraph graph) {
        return graph.getConfiguration().getNetworkOutputs().get(0);
    }
}
