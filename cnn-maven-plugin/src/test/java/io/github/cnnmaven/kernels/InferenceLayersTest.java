package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inference graph's layer objects compute what DL4J's do, without the passes DL4J's spend on copies. */
class InferenceLayersTest {

    /**
     * Channels-last convolutions in both padding modes, with strides that leave rows out (Truncate) or pad unevenly
     * (Same), and a 1×1 stride-2 shortcut: the same outputs as DL4J's layer, and the helper gets the layer's own input
     * rather than a copy. The unit tests run ND4J's generic build, so the oneDNN helper is libnd4j's conv2d here.
     */
    @Test
    void aChannelsLastConvolutionHandsItsHelperTheInputItself() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(11, 11, 3, CNN2DFormat.NHWC))
                .addLayer("same", conv(3, 2, 0, ConvolutionMode.Same, 8), "in")
                .addLayer("truncate", conv(3, 2, 1, ConvolutionMode.Truncate, 6), "same")
                .addLayer("shortcut", conv(1, 2, 0, ConvolutionMode.Truncate, 5), "truncate")
                .setOutputs("shortcut").build();
        ComputationGraph stock = new ComputationGraph(conf);
        stock.init();
        ComputationGraph lean = stock.clone();
        List<Recording> helpers = new ArrayList<>();
        for (GraphVertex vertex : lean.getVertices()) {
            if (vertex instanceof org.deeplearning4j.nn.graph.vertex.impl.LayerVertex lv) {
                ChannelsLastConvolutionLayer layer = new ChannelsLastConvolutionLayer(
                        (org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) lv.getLayer());
                Recording helper = new Recording();
                layer.computeWith(helper);
                helpers.add(helper);
                TrainingLayers.replace(lean, lv, layer);
            }
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 11, 11, 3).subi(0.5);

        INDArray expected = stock.outputSingle(false, x);
        INDArray actual = lean.outputSingle(false, x);

        assertEquals(List.of(4L, 2L, 2L, 5L), List.of(actual.size(0), actual.size(1), actual.size(2), actual.size(3)));
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(scale > 0.01 && expected.sub(actual).amaxNumber().doubleValue() <= 1e-5 * scale,
                "outputs differ: " + expected.sub(actual).amaxNumber());
        for (Recording helper : helpers) {
            assertEquals(1, helper.calls, "each layer ran through its helper");
            assertSame(CNN2DFormat.NHWC, helper.format);
        }
        assertSame(x, helpers.get(0).input, "the first layer's helper read the batch itself, not an NCHW copy of it");
    }

    /** A helper that records what it was handed and lets libnd4j's conv2d compute. */
    private static final class Recording extends MKLDNNConvHelper {
        int calls;
        INDArray input;
        CNN2DFormat format;

        Recording() {
            super(DataType.FLOAT);
        }

        @Override
        public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                                  org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode mode,
                                  org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo fwdAlgo, ConvolutionMode convolutionMode,
                                  int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
            calls++;
            this.input = input;
            this.format = format;
            return super.preOutput(input, weights, bias, kernel, strides, pad, mode, fwdAlgo, convolutionMode, dilation,
                    format, workspaceMgr);
        }

        @Override
        public INDArray activate(INDArray z, org.nd4j.linalg.activations.IActivation afn, boolean training) {
            return null;
        }
    }

    private static ConvolutionLayer conv(int kernel, int stride, int pad, ConvolutionMode mode, int out) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(pad, pad).convolutionMode(mode)
                .nOut(out).activation(Activation.IDENTITY).dataFormat(CNN2DFormat.NHWC).build();
    }

    /**
     * The residual sum and its ReLU in one vertex: exactly {@code max(a + b, 0)}, contiguous or not, over lengths
     * below one block and with ragged ends (the split among the cores), by the Java kernel and by oneDNN's primitive.
     */
    @ParameterizedTest
    @CsvSource({"1,false", "4101,false", "24590,false", "1,true", "4101,true", "24590,true"})
    void reluSumIsTheReluOfTheSum(int width, boolean oneDnn) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("a", "b").addVertex("sum", new ReluSumVertex(), "a", "b").setOutputs("sum").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        ReluSumVertex.Instance vertex = (ReluSumVertex.Instance) graph.getVertex("sum");
        if (oneDnn) {
            vertex.computeWithOneDnn();
        }
        Nd4j.getRandom().setSeed(width);
        INDArray a = Nd4j.rand(DataType.FLOAT, 2, width).subi(0.5);
        INDArray b = Nd4j.rand(DataType.FLOAT, width, 2).subi(0.5).transpose(); // a view in F order: copied first
        a.putScalar(0, 0, 0.25f);
        b.putScalar(0, 0, -0.25f); // a sum of exactly 0

        INDArray expected = Transforms.relu(a.add(b), true);
        INDArray actual = graph.output(false, a, b)[0];

        assertEquals(expected, actual, "the same floats");
        assertEquals(0f, actual.getFloat(0, 0));
        assertTrue(actual.minNumber().floatValue() >= 0);
        assertEquals(new ReluSumVertex(), conf.getVertices().get("sum").clone());
        UnsupportedOperationException training = org.junit.jupiter.api.Assertions.assertThrows(
                UnsupportedOperationException.class, () -> graph.getVertex("sum").doBackward(false, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(training.getMessage().contains("train the original graph"), training.getMessage());
        assertTrue(!new ReluSumVertex().equals(new ElementWiseVertex(ElementWiseVertex.Op.Add)),
                "not DL4J's addition, whose result has no ReLU");
    }
}
