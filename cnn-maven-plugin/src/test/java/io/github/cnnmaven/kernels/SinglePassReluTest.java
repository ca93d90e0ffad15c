package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.FloatBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ReLU layers no batch norm absorbs must train exactly as DL4J's, in one pass each way. */
class SinglePassReluTest {

    @ParameterizedTest
    @CsvSource({"resnet20,32,19,9", "resnet50,16,49,16"})
    void trainsExactlyAsDl4jsOwnLayerDoes(String preset, int side, int relus, int residualRelus) throws Exception {
        ComputationGraph stock = BatchNormFusionTest.network(preset, side);
        assertEquals(residualRelus, TrainingLayers.install(BatchNormFusionTest.copy(stock)).relu(),
                "in training, the ones after each residual addition: the batch norms absorb the others");
        ComputationGraph lean = BatchNormFusionTest.copy(stock);

        assertEquals(relus, TrainingLayers.installRelu(lean), "alone, every ReLU layer");
        assertEquals(relus, Arrays.stream(lean.getLayers()).filter(l -> l instanceof SinglePassReluLayer).count());
        assertEquals(stock.getConfiguration().toJson(), lean.getConfiguration().toJson(), "the network's description is untouched");

        // max and a mask are exact: the same floats, not merely close ones
        BatchNormFusionTest.assertTrainsExactly(stock, lean, side, preset);

        BatchNormFusionTest.assertResumesExactly(stock, lean, side, TrainingLayers::installRelu, relus, preset);
    }

    /** Lengths below one block, of whole blocks, and with a ragged end, so that every split between the cores is covered. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096, 3 * 4096, 5 * 4096 + 13, 61_447})
    void kernelsComputeReluAndItsGradient(int length) {
        Nd4j.getRandom().setSeed(length);
        float[] x = Nd4j.rand(DataType.FLOAT, length).subi(0.5).toFloatVector();
        float[] dy = Nd4j.rand(DataType.FLOAT, length).subi(0.5).toFloatVector();
        x[0] = 0f; // ReLU's derivative at 0 is DL4J's: 0
        if (length > 2) {
            x[1] = -0f;
            x[2] = Float.MIN_NORMAL;
        }
        float[] y = new float[length];
        float[] dx = new float[length];
        ReluKernels.forward(FloatBuffer.wrap(x), FloatBuffer.wrap(y), length);
        ReluKernels.backward(FloatBuffer.wrap(x), FloatBuffer.wrap(dy), FloatBuffer.wrap(dx), length);
        for (int i = 0; i < length; i++) {
            assertEquals(x[i] > 0 ? x[i] : 0f, y[i], 0f, "y at " + i);
            assertEquals(x[i] > 0 ? dy[i] : 0f, dx[i], 0f, "dx at " + i);
        }
    }

    @Test
    void leavesReluLayersWithDropoutAndThoseABatchNormAbsorbs() throws Exception {
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(3).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("bnRelu", relu(), "bn")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bnRelu", "in")
                .addLayer("addRelu", relu(), "add")
                .addLayer("dropRelu", new ActivationLayer.Builder().activation(Activation.RELU).dropOut(new Dropout(0.5)).build(), "addRelu")
                .addLayer("tanh", new ActivationLayer.Builder().activation(Activation.TANH).build(), "dropRelu")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "tanh")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();

        TrainingLayers.Installed installed = TrainingLayers.install(graph);

        assertEquals(1, installed.relu());
        assertTrue(graph.getLayer("bnRelu") instanceof FusedReluLayer, "the batch norm applies this one");
        assertTrue(graph.getLayer("addRelu") instanceof SinglePassReluLayer);
        assertEquals(org.deeplearning4j.nn.layers.ActivationLayer.class, graph.getLayer("dropRelu").getClass(), "its dropout is DL4J's to run");
        assertEquals(org.deeplearning4j.nn.layers.ActivationLayer.class, graph.getLayer("tanh").getClass());
        assertTrue(installed.describe().contains(", ReLU in one pass on 1 layers"), installed.describe());
    }

    @Test
    void offWhenSwitchedOff() throws Exception {
        String property = TrainingLayers.Switch.SINGLE_PASS_RELU.property();
        System.setProperty(property, "false");
        try {
            ComputationGraph graph = BatchNormFusionTest.network("resnet20", 32);
            TrainingLayers.Installed installed = TrainingLayers.install(graph);
            assertEquals(0, installed.relu());
            assertEquals(0, Arrays.stream(graph.getLayers()).filter(l -> l instanceof SinglePassReluLayer).count());
            assertTrue(installed.describe().contains(", ReLU as DL4J's (cnn.singlePassRelu=false)"), installed.describe());
            // nor do the ReLUs of convolution and dense layers run in the plugin's kernels
            ComputationGraph alexnet = BatchNormFusionTest.network("alexnet-cifar", 32, false);
            assertEquals(0, TrainingLayers.install(alexnet).relu());
            assertTrue(Arrays.stream(alexnet.getLayers()).filter(l -> l instanceof ReluConvolutionLayer)
                    .noneMatch(l -> ((ReluConvolutionLayer) l).kernelRelu()));
        } finally {
            System.clearProperty(property);
        }
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }
}
