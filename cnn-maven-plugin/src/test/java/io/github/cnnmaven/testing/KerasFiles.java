package io.github.cnnmaven.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.hdf5.Attribute;
import org.bytedeco.hdf5.DataSet;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.hdf5.StrType;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a plugin network as a Keras 2 HDF5 file, {@code model.save("m.h5")}'s layout: the
 * architecture as a Sequential {@code model_config}, and every layer's weights in Keras's layout
 * (channels-last, kernels {@code [kh, kw, in, out]}, batch norm's moving variance with Keras's own
 * epsilon). What the Keras import is tested against, written here because no Python runs in the tests.
 */
public final class KerasFiles {

    /** The epsilon written for batch norm, Keras's default (the plugin's layers use DL4J's 1e-5). */
    public static final double KERAS_EPSILON = 1e-3;

    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasFiles() {
    }

    /** One Keras layer: its config, and its weights in Keras's layout by name ({@code kernel}, {@code bias}, ...). */
    private record KerasLayer(String className, ObjectNode config, Map<String, INDArray> weights) {
    }

    /**
     * @param input      the network's input, channels, height and width
     * @param weightsOnly {@code save_weights}'s layout: the weights at the root and no architecture
     */
    public static void write(ComputationGraph graph, InputType.InputTypeConvolutional input, Path file, boolean weightsOnly)
            throws IOException {
        List<KerasLayer> layers = new ArrayList<>();
        ObjectNode in = JSON.createObjectNode();
        in.putArray("batch_input_shape").addNull().add(input.getHeight()).add(input.getWidth()).add(input.getChannels());
        in.put("dtype", "float32").put("name", "input_1");
        layers.add(new KerasLayer("InputLayer", in, Map.of()));
        for (Map.Entry<String, GraphVertex> e : graph.getConfiguration().getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex vertex) {
                if (vertex.getPreProcessor() instanceof CnnToFeedForwardPreProcessor) {
                    layers.add(new KerasLayer("Flatten", named("flatten_" + e.getKey()).put("data_format", "channels_last"),
                            Map.of()));
                }
                layers.add(keras(graph.getLayer(e.getKey()), vertex, weightsOnly));
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        H5File h5 = new H5File(file.toString(), hdf5.H5F_ACC_TRUNC());
        try {
            Group weights = weightsOnly ? h5 : h5.createGroup("model_weights");
            if (!weightsOnly) {
                ObjectNode model = JSON.createObjectNode().put("class_name", "Sequential");
                ObjectNode config = model.putObject("config").put("name", "sequential");
                ArrayNode list = config.putArray("layers");
                for (KerasLayer layer : layers) {
                    list.addObject().put("class_name", layer.className()).set("config", layer.config());
                }
                string(h5, "model_config", JSON.writeValueAsString(model));
                string(h5, "keras_version", "2.4.0");
                string(h5, "backend", "tensorflow");
            }
            List<String> names = new ArrayList<>();
            for (KerasLayer layer : layers.subList(1, layers.size())) {
                names.add(layer.config().get("name").asText());
            }
            strings(weights, "layer_names", names);
            string(weights, "keras_version", "2.4.0");
            string(weights, "backend", "tensorflow");
            for (KerasLayer layer : layers.subList(1, layers.size())) {
                String name = layer.config().get("name").asText();
                Group group = weights.createGroup(name);
                List<String> weightNames = new ArrayList<>();
                if (!layer.weights().isEmpty()) {
                    Group inner = group.createGroup(name);
                    for (Map.Entry<String, INDArray> w : layer.weights().entrySet()) {
                        dataset(inner, w.getKey() + ":0", w.getValue());
                        weightNames.add(name + "/" + w.getKey() + ":0");
                    }
                    inner.deallocate();
                }
                strings(group, "weight_names", weightNames);
                group.deallocate();
            }
            if (!weightsOnly) {
                weights.deallocate();
            }
        } finally {
            h5.deallocate();
        }
    }

    private static KerasLayer keras(Layer layer, LayerVertex vertex, boolean weightsOnly) {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
        String name = conf.getLayerName();
        Map<String, INDArray> w = new LinkedHashMap<>();
        if (conf instanceof ConvolutionLayer c) {
            ObjectNode config = named(name).put("filters", c.getNOut()).put("padding", padding(c.getConvolutionMode(),
                    c.getPadding(), weightsOnly)).put("data_format", "channels_last").put("activation", activation(c.getActivationFn()))
                    .put("use_bias", c.hasBias());
            config.putArray("kernel_size").add(c.getKernelSize()[0]).add(c.getKernelSize()[1]);
            config.putArray("strides").add(c.getStride()[0]).add(c.getStride()[1]);
            config.putArray("dilation_rate").add(1).add(1);
            initializers(config);
            w.put("kernel", layer.getParam("W").permute(2, 3, 1, 0).dup('c'));
            if (c.hasBias()) {
                w.put("bias", layer.getParam("b").reshape(-1));
            }
            return new KerasLayer("Conv2D", config, w);
        }
        if (conf instanceof BatchNormalization bn) {
            ObjectNode config = named(name).put("axis", 3).put("momentum", 0.99).put("epsilon", KERAS_EPSILON)
                    .put("center", true).put("scale", true);
            config.putObject("beta_initializer").put("class_name", "Zeros").putObject("config");
            config.putObject("gamma_initializer").put("class_name", "Ones").putObject("config");
            config.putObject("moving_mean_initializer").put("class_name", "Zeros").putObject("config");
            config.putObject("moving_variance_initializer").put("class_name", "Ones").putObject("config");
            INDArray variance;
            if (bn.isUseLogStd()) {
                INDArray std = Transforms.pow(Nd4j.valueArrayOf(layer.getParam("log10stdev").shape(), 10.0),
                        layer.getParam("log10stdev"), true);
                variance = std.mul(std);
            } else {
                variance = layer.getParam("var").dup();
            }
            w.put("gamma", layer.getParam("gamma").reshape(-1));
            w.put("beta", layer.getParam("beta").reshape(-1));
            w.put("moving_mean", layer.getParam("mean").reshape(-1));
            // the same σ² + ε with Keras's epsilon
            w.put("moving_variance", variance.reshape(-1).add(bn.getEps() - KERAS_EPSILON));
            return new KerasLayer("BatchNormalization", config, w);
        }
        if (conf instanceof ActivationLayer a) {
            return new KerasLayer("Activation", named(name).put("activation", activation(a.getActivationFn())), w);
        }
        if (conf instanceof SubsamplingLayer s) {
            ObjectNode config = named(name).put("padding", padding(s.getConvolutionMode(), s.getPadding(), weightsOnly))
                    .put("data_format", "channels_last");
            config.putArray("pool_size").add(s.getKernelSize()[0]).add(s.getKernelSize()[1]);
            config.putArray("strides").add(s.getStride()[0]).add(s.getStride()[1]);
            return new KerasLayer(s.getPoolingType() == PoolingType.MAX ? "MaxPooling2D" : "AveragePooling2D", config, w);
        }
        if (conf instanceof DenseLayer || conf instanceof OutputLayer) {
            BaseLayer d = (BaseLayer) conf;
            ObjectNode config = named(name).put("units", layer.getParam("W").size(1))
                    .put("activation", activation(d.getActivationFn())).put("use_bias", true);
            initializers(config);
            INDArray kernel = layer.getParam("W");
            if (vertex.getPreProcessor() instanceof CnnToFeedForwardPreProcessor f) {
                // DL4J flattens channel by channel (c, h, w); Keras's channels-last Flatten row by row (h, w, c)
                kernel = kernel.reshape('c', f.getNumChannels(), f.getInputHeight(), f.getInputWidth(), kernel.size(1))
                        .permute(1, 2, 0, 3).dup('c').reshape('c', kernel.size(0), kernel.size(1));
            }
            w.put("kernel", kernel.dup('c'));
            w.put("bias", layer.getParam("b").reshape(-1));
            return new KerasLayer("Dense", config, w);
        }
        if (layer.numParams() == 0) { // pooling, dropout: nothing to load; only a weights-only file has no config to describe
            return new KerasLayer(conf.getClass().getSimpleName(), named(name), w);
        }
        throw new IllegalArgumentException("no Keras layer for " + conf.getClass().getSimpleName());
    }

    private static ObjectNode named(String name) {
        return JSON.createObjectNode().put("name", name).put("trainable", true).put("dtype", "float32");
    }

    private static void initializers(ObjectNode config) {
        config.putObject("kernel_initializer").put("class_name", "GlorotUniform").putObject("config").putNull("seed");
        config.putObject("bias_initializer").put("class_name", "Zeros").putObject("config");
        config.putNull("kernel_regularizer");
        config.putNull("bias_regularizer");
        config.putNull("activity_regularizer");
        config.putNull("kernel_constraint");
        config.putNull("bias_constraint");
    }

    /** Keras's padding; explicit padding would need a ZeroPadding2D layer, which only a weights-only file can leave out. */
    private static String padding(ConvolutionMode mode, int[] pad, boolean weightsOnly) {
        if (mode == ConvolutionMode.Same) {
            return "same";
        }
        if ((pad[0] != 0 || pad[1] != 0) && !weightsOnly) {
            throw new IllegalArgumentException("explicit padding needs a ZeroPadding2D layer, not written here");
        }
        return "valid";
    }

    private static String activation(IActivation a) {
        if (a instanceof ActivationReLU) {
            return "relu";
        }
        if (a instanceof ActivationSoftmax) {
            return "softmax";
        }
        if (a == null || a instanceof ActivationIdentity) {
            return "linear";
        }
        throw new IllegalArgumentException("no Keras name for " + a);
    }

    private static void string(Group group, String name, String value) {
        strings(group, name, List.of(value), true);
    }

    private static void strings(Group group, String name, List<String> values) {
        strings(group, name, values, false);
    }

    /** Fixed-length strings, as h5py writes Keras's {@code np.array([b"..."])} attributes. */
    private static void strings(Group group, String name, List<String> values, boolean scalar) {
        int size = Math.max(1, values.stream().mapToInt(v -> v.getBytes(StandardCharsets.UTF_8).length).max().orElse(1));
        byte[] bytes = new byte[size * values.size()];
        for (int i = 0; i < values.size(); i++) {
            byte[] v = values.get(i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(v, 0, bytes, i * size, v.length);
        }
        StrType type = new StrType(PredType.C_S1(), size);
        DataSpace space = scalar ? new DataSpace(hdf5.H5S_SCALAR) : new DataSpace(1, new long[] {values.size()});
        Attribute attribute = group.createAttribute(name, type, space);
        BytePointer pointer = new BytePointer(bytes.length == 0 ? 1 : bytes.length);
        pointer.put(bytes);
        attribute.write(type, (Pointer) pointer); // the void* overload: the BytePointer one is std::string's
        pointer.deallocate();
        attribute.deallocate();
        space.deallocate();
        type.deallocate();
    }

    private static void dataset(Group group, String name, INDArray value) {
        INDArray v = value.castTo(DataType.FLOAT).dup('c');
        DataSpace space = new DataSpace(v.rank(), v.shape());
        DataSet set = group.createDataSet(name, PredType.NATIVE_FLOAT(), space);
        FloatPointer data = new FloatPointer(v.data().asFloat());
        set.write(data, PredType.NATIVE_FLOAT());
        data.deallocate();
        set.deallocate();
        space.deallocate();
    }
}
