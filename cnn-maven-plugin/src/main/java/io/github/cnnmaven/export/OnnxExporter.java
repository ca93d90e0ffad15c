package io.github.cnnmaven.export;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.inference.InferenceGraph;
import io.github.cnnmaven.output.ModelMetadata;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained graph as an ONNX model. DL4J 1.0.0-M2.1 imports ONNX but cannot export it, so
 * this walks the graph in DL4J's own topological order and emits one ONNX node (or a few) per
 * vertex, with the ONNX schema classes that ND4J already ships ({@code onnx.Onnx}, built on its
 * shaded protobuf): no second protobuf runtime on the classpath.
 *
 * <p>The model takes raw pixels (float 0-255, NCHW) and returns class probabilities: the training
 * normaliser, {@code (v/255 − mean)/std} per channel, is its first two nodes (Mul, Add). Dropout is
 * the identity at inference and is left out. Batch norm is emitted as BatchNormalization with the
 * running statistics; runtimes fold it into the convolution before it themselves.
 *
 * <p><b>Opset 13, IR version 7</b> (ONNX 1.8): every operator emitted here has had its present
 * definition since opset 13 or earlier, and opset 13 is what ONNX Runtime (1.7 and later, also
 * onnxruntime-web and the mobile builds), TensorRT 8, OpenVINO and Core ML's converter all read. A
 * newer opset would only narrow where the model runs.
 */
public final class OnnxExporter {

    public static final int OPSET = 13;
    public static final long IR_VERSION = Onnx.Version.IR_VERSION_2020_5_8_VALUE; // 7: the IR of ONNX 1.8, opset 13
    public static final String INPUT = "pixels";
    public static final String OUTPUT = "probabilities";

    private final ComputationGraph graph;
    private final ModelMetadata metadata;
    private final Onnx.GraphProto.Builder onnx = Onnx.GraphProto.newBuilder();
    /** The ONNX tensor that carries each DL4J vertex's output. */
    private final Map<String, String> tensorOf = new HashMap<>();
    private final Map<String, InputType> typeOf;
    private int nodes;

    private OnnxExporter(ComputationGraph graph, ModelMetadata metadata) {
        this.graph = graph;
        this.metadata = metadata;
        ComputationGraphConfiguration conf = graph.getConfiguration();
        this.typeOf = conf.getLayerActivationTypes(InputType.convolutional(metadata.height(), metadata.width(), metadata.channels()));
    }

    /**
     * The ONNX model of {@code graph}.
     *
     * @param modelSha256 the SHA-256 of the {@code model.zip} it was exported from, recorded so a
     *                    later build can tell whether {@code model.onnx} still belongs to it
     * @throws CnnException naming the layer when the graph has one that has no ONNX form here
     */
    public static Onnx.ModelProto export(ComputationGraph graph, ModelMetadata metadata, String modelSha256,
                                         String producerVersion) throws CnnException {
        OnnxExporter exporter = new OnnxExporter(graph, metadata);
        exporter.build();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(OnnxModelInfo.CLASSES, Json.string(metadata.classes()));
        properties.put(OnnxModelInfo.FINGERPRINT, metadata.fingerprint());
        properties.put(OnnxModelInfo.NETWORK, metadata.network());
        properties.put(OnnxModelInfo.MODEL_SHA256, modelSha256);
        properties.put(OnnxModelInfo.INPUT_DESCRIPTION, "float32 [batch, " + metadata.channels() + ", " + metadata.height() + ", "
                + metadata.width() + "] raw pixels 0-255, channels first (RGB or grey); normalised inside the model"
                + (metadata.resizeTo() > 0 ? "; resize images to " + metadata.resizeTo() + "x" + metadata.resizeTo()
                + " and take the centre " + metadata.height() + "x" + metadata.width() + ", as training did" : ""));
        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("cnn-maven-plugin")
                .setProducerVersion(producerVersion == null ? "" : producerVersion)
                .setModelVersion(1)
                .setDocString(metadata.network() + " classifying " + metadata.classes().size() + " classes")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(exporter.onnx);
        properties.forEach((k, v) -> model.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    private void build() throws CnnException {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        onnx.setName(metadata.network());
        onnx.addInput(valueInfo(INPUT, -1, metadata.channels(), metadata.height(), metadata.width()));
        String[] inputs = conf.getNetworkInputs().toArray(new String[0]);
        if (inputs.length != 1) {
            throw new CnnException("Cannot export a graph with " + inputs.length + " inputs to ONNX");
        }
        tensorOf.put(inputs[0], normalise());
        for (int index : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[index].getVertexName();
            if (tensorOf.containsKey(name)) {
                continue; // the input
            }
            vertex(name, conf.getVertices().get(name), conf.getVertexInputs().get(name));
        }
        List<String> outputs = conf.getNetworkOutputs();
        if (outputs.size() != 1) {
            throw new CnnException("Cannot export a graph with " + outputs.size() + " outputs to ONNX");
        }
        node("Identity", List.of(tensorOf.get(outputs.get(0))), OUTPUT, Map.of());
        onnx.addOutput(valueInfo(OUTPUT, -1, metadata.classes().size()));
    }

    /** {@code x·(1/(255·std)) + (−mean/std)} per channel: raw pixels to what the network was trained on. */
    private String normalise() {
        int c = metadata.channels();
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = (float) (1 / (255 * metadata.std()[ch]));
            shift[ch] = (float) (-metadata.mean()[ch] / metadata.std()[ch]);
        }
        long[] dims = {1, c, 1, 1};
        String scaled = node("Mul", List.of(INPUT, initializer("normaliser.scale", dims, scale)), "scaled", Map.of());
        return node("Add", List.of(scaled, initializer("normaliser.shift", dims, shift)), "normalised", Map.of());
    }

    private void vertex(String name, GraphVertex vertex, List<String> from) throws CnnException {
        List<String> in = new ArrayList<>();
        for (String f : from) {
            in.add(tensorOf.get(f));
        }
        if (vertex instanceof ElementWiseVertex ew) {
            if (ew.getOp() != ElementWiseVertex.Op.Add) {
                throw unsupported(name, "an element-wise " + ew.getOp() + " vertex");
            }
            tensorOf.put(name, node("Add", in, name, Map.of()));
        } else if (vertex instanceof MergeVertex) {
            tensorOf.put(name, node("Concat", in, name, Map.of("axis", 1L)));
        } else if (vertex instanceof LayerVertex lv && lv.getLayerConf() != null) {
            if (in.size() != 1) {
                throw unsupported(name, "a layer with " + in.size() + " inputs");
            }
            InputPreProcessor pre = lv.getPreProcessor();
            InputType inType = typeOf.get(from.get(0));
            String input = in.get(0);
            if (pre != null) {
                input = flatten(name, pre, input, from.get(0));
                inType = pre.getOutputType(inType);
            }
            tensorOf.put(name, layer(name, lv.getLayerConf().getLayer(), input, inType));
        } else {
            throw unsupported(name, "a " + vertex.getClass().getSimpleName());
        }
    }

    /** The one preprocessor the plugin's graphs have: CNN output flattened for a dense layer. */
    private String flatten(String name, InputPreProcessor pre, String input, String from) throws CnnException {
        if (pre instanceof CnnToFeedForwardPreProcessor p && p.getFormat() == CNN2DFormat.NCHW) {
            // DL4J flattens channels, then rows, then columns: ONNX Flatten of an NCHW tensor does the same.
            return node("Flatten", List.of(input), name + ".flat", Map.of("axis", 1L));
        }
        throw unsupported(name, "its input preprocessor " + pre.getClass().getSimpleName() + " (after " + from + ")");
    }

    private String layer(String name, Layer layer, String input, InputType inType) throws CnnException {
        if (layer instanceof DropoutLayer) {
            return input; // the identity at inference
        }
        if (layer instanceof ConvolutionLayer conv) {
            if (conv.getClass() != ConvolutionLayer.class || conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                throw unsupported(name, "a " + conv.getClass().getSimpleName() + " in " + conv.getCnn2dDataFormat());
            }
            List<String> inputs = new ArrayList<>(List.of(input, param(name, "W")));
            if (conv.hasBias()) {
                inputs.add(vector(name, "b"));
            }
            Map<String, Object> attributes = windowAttributes(conv.getKernelSize(), conv.getStride(), conv.getPadding(),
                    conv.getDilation(), conv.getConvolutionMode(), inType);
            attributes.put("dilations", longs(conv.getDilation()));
            return activation(name, conv.getActivationFn(), node("Conv", inputs, name + ".conv", attributes));
        }
        if (layer instanceof SubsamplingLayer pool) {
            if (pool.getClass() != SubsamplingLayer.class || pool.getCnn2dDataFormat() != CNN2DFormat.NCHW
                    || (pool.getDilation()[0] != 1 || pool.getDilation()[1] != 1)) {
                throw unsupported(name, "a dilated or non-NCHW " + pool.getClass().getSimpleName());
            }
            Map<String, Object> attributes = windowAttributes(pool.getKernelSize(), pool.getStride(), pool.getPadding(),
                    new int[] {1, 1}, pool.getConvolutionMode(), inType);
            if (pool.getPoolingType() == PoolingType.MAX) {
                return node("MaxPool", List.of(input), name, attributes);
            }
            if (pool.getPoolingType() == PoolingType.AVG) {
                attributes.put("count_include_pad", pool.isAvgPoolIncludePadInDivisor() ? 1L : 0L);
                return node("AveragePool", List.of(input), name, attributes);
            }
            throw unsupported(name, pool.getPoolingType() + " pooling");
        }
        if (layer instanceof GlobalPoolingLayer gp) {
            if (!(inType instanceof InputType.InputTypeConvolutional) || !gp.isCollapseDimensions()) {
                throw unsupported(name, "global pooling over " + inType);
            }
            String pooled = switch (gp.getPoolingType()) {
                case AVG -> node("GlobalAveragePool", List.of(input), name + ".pool", Map.of());
                case MAX -> node("GlobalMaxPool", List.of(input), name + ".pool", Map.of());
                default -> throw unsupported(name, gp.getPoolingType() + " global pooling");
            };
            return node("Flatten", List.of(pooled), name, Map.of("axis", 1L)); // DL4J gives [batch, channels]
        }
        if (layer instanceof BatchNormalization bn) {
            if (bn.getCnn2DFormat() != CNN2DFormat.NCHW) {
                throw unsupported(name, "batch norm in " + bn.getCnn2DFormat());
            }
            InferenceGraph.BatchNormStatistics s = InferenceGraph.statistics(graph.getLayer(name));
            return node("BatchNormalization", List.of(input, initializer(name + ".gamma", s.gamma()),
                    initializer(name + ".beta", s.beta()), initializer(name + ".mean", s.mean()),
                    initializer(name + ".var", s.variance())), name, Map.of("epsilon", (float) bn.getEps()));
        }
        if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
            if (!(inType instanceof InputType.InputTypeFeedForward)) {
                throw unsupported(name, "a dense layer on " + inType);
            }
            List<String> inputs = new ArrayList<>(List.of(input, param(name, "W"))); // W is [in, out]: no transpose
            if (graph.getLayer(name).paramTable().containsKey("b")) {
                inputs.add(vector(name, "b"));
            }
            return activation(name, ((BaseLayer) layer).getActivationFn(), node("Gemm", inputs, name + ".gemm", Map.of()));
        }
        if (layer instanceof ActivationLayer act) {
            return activation(name, act.getActivationFn(), input);
        }
        throw unsupported(name, "a " + layer.getClass().getSimpleName());
    }

    /**
     * Kernel, strides and explicit pads. "Same" mode pads as DL4J does: the output is ceil(in/stride)
     * and the padding that needs is split with the odd pixel at the bottom and right.
     */
    private Map<String, Object> windowAttributes(int[] kernel, int[] stride, int[] padding, int[] dilation, ConvolutionMode mode,
                                                 InputType inType) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("kernel_shape", longs(kernel));
        a.put("strides", longs(stride));
        long[] pads;
        if (mode == ConvolutionMode.Same) {
            InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) inType;
            int[] inSize = {(int) in.getHeight(), (int) in.getWidth()};
            int[] outSize = {(inSize[0] + stride[0] - 1) / stride[0], (inSize[1] + stride[1] - 1) / stride[1]};
            int[] topLeft = ConvolutionUtils.getSameModeTopLeftPadding(outSize, inSize, kernel, stride, dilation);
            int[] bottomRight = ConvolutionUtils.getSameModeBottomRightPadding(outSize, inSize, kernel, stride, dilation);
            pads = new long[] {topLeft[0], topLeft[1], bottomRight[0], bottomRight[1]};
        } else {
            pads = new long[] {padding[0], padding[1], padding[0], padding[1]};
        }
        a.put("pads", pads);
        return a;
    }

    private String activation(String name, IActivation fn, String input) throws CnnException {
        if (fn == null || fn instanceof ActivationIdentity) {
            return input;
        }
        if (fn instanceof ActivationReLU relu) {
            if (relu.getMax() != null || (relu.getThreshold() != null && relu.getThreshold() != 0)
                    || (relu.getNegativeSlope() != null && relu.getNegativeSlope() != 0)) {
                throw unsupported(name, "a ReLU with a cap, threshold or slope");
            }
            return node("Relu", List.of(input), name, Map.of());
        }
        if (fn instanceof ActivationLReLU leaky) {
            return node("LeakyRelu", List.of(input), name, Map.of("alpha", (float) leaky.getAlpha()));
        }
        if (fn instanceof ActivationTanH) {
            return node("Tanh", List.of(input), name, Map.of());
        }
        if (fn instanceof ActivationSigmoid) {
            return node("Sigmoid", List.of(input), name, Map.of());
        }
        if (fn instanceof ActivationSoftmax) {
            return node("Softmax", List.of(input), name, Map.of("axis", 1L));
        }
        throw unsupported(name, "the activation " + fn);
    }

    private static CnnException unsupported(String layer, String what) {
        return new CnnException("Cannot export the model to ONNX: layer " + layer + " is " + what
                + ", which has no ONNX form in this plugin. Use the layer types of docs/configuration.md (conv, pooling,"
                + " batchnorm, dense, dropout, globalavgpool, residual, bottleneck, inception).");
    }

    private String node(String op, List<String> inputs, String output, Map<String, Object> attributes) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_" + (++nodes))
                .addAllInput(inputs).addOutput(output);
        attributes.forEach((key, value) -> n.addAttribute(attribute(key, value)));
        onnx.addNode(n);
        return output;
    }

    private static Onnx.AttributeProto attribute(String name, Object value) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name);
        if (value instanceof Long l) {
            a.setType(Onnx.AttributeProto.AttributeType.INT).setI(l);
        } else if (value instanceof Float f) {
            a.setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(f);
        } else if (value instanceof long[] ls) {
            a.setType(Onnx.AttributeProto.AttributeType.INTS);
            for (long l : ls) {
                a.addInts(l);
            }
        } else {
            throw new IllegalArgumentException("attribute " + name + ": " + value);
        }
        return a.build();
    }

    /** A parameter of a layer, with DL4J's shape (conv W [out, in, kh, kw]; dense W [in, out]). */
    private String param(String layer, String key) {
        INDArray p = graph.getLayer(layer).getParam(key);
        return initializer(layer + "." + key, p.shape(), p.castTo(DataType.FLOAT).dup('c').data().asFloat());
    }

    /** A bias: DL4J keeps it as [1, n], ONNX wants [n]. */
    private String vector(String layer, String key) {
        INDArray p = graph.getLayer(layer).getParam(key);
        return initializer(layer + "." + key, new long[] {p.length()}, p.castTo(DataType.FLOAT).dup('c').data().asFloat());
    }

    private String initializer(String name, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return initializer(name, new long[] {f.length}, f);
    }

    private String initializer(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN); // ONNX raw_data is little-endian
        raw.asFloatBuffer().put(values);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        onnx.addInitializer(t);
        return name;
    }

    private static Onnx.ValueInfoProto valueInfo(String name, long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static long[] longs(int[] values) {
        long[] l = new long[values.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = values[i];
        }
        return l;
    }
}
