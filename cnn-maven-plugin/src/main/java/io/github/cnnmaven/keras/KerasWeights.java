package io.github.cnnmaven.keras;

import io.github.cnnmaven.keras.KerasHdf5File.KerasLayer;
import io.github.cnnmaven.keras.KerasHdf5File.KerasModel;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Puts a Keras model's weights into the plugin's network. The layers with weights pair up in order
 * (the Keras model's order against the order the network declares its layers in) and each pair must
 * be of the same kind and shape; the network's classifier keeps its fresh weights, and a last Keras
 * Dense layer left over is the Keras model's own classifier, not loaded.
 *
 * <p>Layouts differ and are converted: a Keras convolution kernel is {@code [kh, kw, in, out]}, DL4J's
 * {@code [out, in, kh, kw]}; a Dense layer after Flatten reads a channels-last map row by row
 * ({@code h, w, c}), DL4J's reads it channel by channel ({@code c, h, w}); Keras keeps the moving
 * variance with its own epsilon, DL4J (with its default log-std storage) the log10 of the standard deviation.
 * A convolution bias that Keras puts before batch norm, where the plugin's convolution has none, moves
 * into batch norm's mean (BN(z + b) with mean μ is BN(z) with mean μ − b).
 */
public final class KerasWeights {

    /**
     * What was loaded.
     *
     * @param layers          the network's layers that took Keras weights
     * @param kerasClassifier the Keras model's own classifier, left out; null when the file has none
     * @param foldedBiases    convolution biases moved into the following batch norm
     */
    public record Transfer(int layers, String kerasClassifier, int foldedBiases) {
    }

    private KerasWeights() {
    }

    /**
     * @param classifier the network's output layer, which keeps its own weights
     * @throws IllegalArgumentException naming the first layer that has no matching Keras layer
     */
    public static Transfer load(ComputationGraph graph, KerasModel model, String classifier) {
        List<KerasLayer> keras = model.layers();
        int next = 0;
        int loaded = 0;
        int folded = 0;
        INDArray pendingBias = null;
        KerasLayer biasFrom = null;
        for (String name : declaredOrder(graph)) {
            Layer layer = graph.getLayer(name);
            if (name.equals(classifier) || layer.numParams() == 0) {
                continue;
            }
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            String kind = conf.getClass().getSimpleName();
            if (next >= keras.size()) {
                throw new IllegalArgumentException("the Keras model has " + keras.size() + " layers with weights, and none is left"
                        + " for this network's layer " + name + " (a " + kind + ")");
            }
            KerasLayer from = keras.get(next++);
            if (pendingBias != null && !(conf instanceof BatchNormalization)) {
                throw new IllegalArgumentException("Keras layer " + biasFrom.describe() + " has a bias that this network's"
                        + " convolution before " + name + " lacks; it can only be moved into a batch norm that follows");
            }
            if (conf.getClass() == ConvolutionLayer.class) {
                expect(from, KerasLayer.Kind.CONV2D, name, kind);
                assign(layer, DefaultParamInitializer.WEIGHT_KEY, from.weights().get("kernel").permute(3, 2, 0, 1), name, from);
                INDArray bias = from.weights().get("bias");
                if (layer.paramTable().containsKey(DefaultParamInitializer.BIAS_KEY)) {
                    assign(layer, DefaultParamInitializer.BIAS_KEY, bias != null ? bias : zeros(layer), name, from);
                } else if (bias != null) {
                    pendingBias = bias;
                    biasFrom = from;
                }
            } else if (conf.getClass() == DenseLayer.class) {
                expect(from, KerasLayer.Kind.DENSE, name, kind);
                INDArray kernel = from.weights().get("kernel");
                if (!model.channelsFirst() && preProcessor(graph, name) instanceof CnnToFeedForwardPreProcessor flatten
                        && flatten.getFormat() == CNN2DFormat.NCHW
                        && kernel.size(0) == flatten.getNumChannels() * flatten.getInputHeight() * flatten.getInputWidth()) {
                    kernel = kernel.reshape('c', flatten.getInputHeight(), flatten.getInputWidth(), flatten.getNumChannels(),
                            kernel.size(1)).permute(2, 0, 1, 3).dup('c').reshape('c', kernel.size(0), kernel.size(1));
                }
                assign(layer, DefaultParamInitializer.WEIGHT_KEY, kernel, name, from);
                INDArray bias = from.weights().get("bias");
                assign(layer, DefaultParamInitializer.BIAS_KEY, bias != null ? bias : zeros(layer), name, from);
            } else if (conf instanceof BatchNormalization bn) {
                expect(from, KerasLayer.Kind.BATCH_NORMALIZATION, name, kind);
                loadBatchNorm(layer, bn, from, pendingBias, name);
                folded += pendingBias != null ? 1 : 0;
                pendingBias = null;
            } else {
                throw new IllegalArgumentException("this network's layer " + name + " (a " + kind + ") has no Keras counterpart"
                        + " the plugin can load (Conv2D, Dense and BatchNormalization)");
            }
            loaded++;
        }
        if (pendingBias != null) {
            throw new IllegalArgumentException("Keras layer " + biasFrom.describe() + " has a bias that this network's last"
                    + " convolution lacks");
        }
        List<KerasLayer> left = keras.subList(next, keras.size());
        if (left.size() > 1 || (left.size() == 1 && left.get(0).kind() != KerasLayer.Kind.DENSE)) {
            throw new IllegalArgumentException("the Keras model has " + left.size() + " more layers with weights than this"
                    + " network, from " + left.get(0).describe() + " on (only its classifier, one Dense layer, may be left over)");
        }
        return new Transfer(loaded, left.isEmpty() ? null : left.get(0).name(), folded);
    }

    /** γ, β, the moving mean and the variance, re-expressed for this layer's epsilon and storage. */
    private static void loadBatchNorm(Layer layer, BatchNormalization bn, KerasLayer from, INDArray bias, String name) {
        Map<String, INDArray> w = from.weights();
        INDArray mean = w.get("moving_mean").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        if (bias != null) {
            mean = mean.sub(bias.castTo(mean.dataType()).reshape(mean.shape()));
        }
        // The same σ² + ε at inference: DL4J's variance is Keras's plus the difference of the epsilons.
        INDArray variance = Transforms.max(w.get("moving_variance").castTo(mean.dataType()).add(from.epsilon() - bn.getEps()),
                0.0, false);
        if (!bn.isLockGammaBeta()) {
            INDArray gamma = w.get("gamma");
            INDArray beta = w.get("beta");
            assign(layer, BatchNormalizationParamInitializer.GAMMA, gamma != null ? gamma : Nd4j.onesLike(mean), name, from);
            assign(layer, BatchNormalizationParamInitializer.BETA, beta != null ? beta : Nd4j.zerosLike(mean), name, from);
        }
        assign(layer, BatchNormalizationParamInitializer.GLOBAL_MEAN, mean, name, from);
        if (bn.isUseLogStd()) {
            assign(layer, BatchNormalizationParamInitializer.GLOBAL_LOG_STD,
                    Transforms.log(Transforms.sqrt(variance, true), 10.0, false), name, from);
        } else {
            assign(layer, BatchNormalizationParamInitializer.GLOBAL_VAR, variance, name, from);
        }
    }

    private static void expect(KerasLayer from, KerasLayer.Kind kind, String name, String ours) {
        if (from.kind() != kind) {
            throw new IllegalArgumentException("this network's layer " + name + " (a " + ours + ") meets Keras layer "
                    + from.describe() + ", not a " + kind + ": the two networks' layers differ in kind or order");
        }
    }

    /** Copies {@code value} into the parameter, which must have as many elements in the same layout. */
    private static void assign(Layer layer, String key, INDArray value, String name, KerasLayer from) {
        INDArray param = layer.getParam(key);
        long[] want = param.shape();
        // Keras keeps biases and batch-norm vectors as [c], DL4J as [1, c].
        boolean rowVector = param.rank() == 1 || (param.rank() == 2 && want[0] == 1);
        boolean fits = Arrays.equals(value.shape(), want)
                || (rowVector && value.rank() == 1 && value.length() == param.length());
        if (!fits) {
            throw new IllegalArgumentException("layer " + name + " differs from Keras layer " + from.describe() + ": its "
                    + key + " is " + Arrays.toString(want) + " here but " + Arrays.toString(value.shape()) + " in the Keras"
                    + " file (in DL4J's layout)");
        }
        param.assign(value.castTo(param.dataType()).reshape(want));
    }

    private static INDArray zeros(Layer layer) {
        return Nd4j.zeros(layer.getParam(DefaultParamInitializer.BIAS_KEY).length());
    }

    private static InputPreProcessor preProcessor(ComputationGraph graph, String name) {
        GraphVertex vertex = graph.getConfiguration().getVertices().get(name);
        return vertex instanceof LayerVertex v ? v.getPreProcessor() : null;
    }

    /** The layers in the order the network declares them: the order a Keras model built alike has too. */
    static List<String> declaredOrder(ComputationGraph graph) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, GraphVertex> e : graph.getConfiguration().getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex) {
                names.add(e.getKey());
            }
        }
        return names;
    }
}
