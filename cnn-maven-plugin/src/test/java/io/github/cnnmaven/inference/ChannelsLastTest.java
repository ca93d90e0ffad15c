package io.github.cnnmaven.inference;

import io.github.cnnmaven.common.PropertySwitch;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
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
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelsLastTest {

    /**
     * The channels-last graph gives the NCHW graph's outputs for NCHW batches: with a flatten into a
     * dense layer (alexnet-cifar, lenet5, whose weight rows are reordered), global pooling and residual
     * additions (resnet20), with and without batch norm.
     */
    @ParameterizedTest
    @CsvSource({"alexnet-cifar,true", "alexnet-cifar,false", "resnet20,true", "lenet5,true", "lenet5,false"})
    void channelsLastGivesTheSameOutputs(String preset, boolean batchNorm) throws Exception {
        ComputationGraph trained = InferenceGraphTest.network(preset, batchNorm);
        InferenceGraphTest.randomiseBatchNorms(trained);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 3, 32, 32).muli(4).subi(2);
        INDArray expected = trained.outputSingle(false, x).dup();
        String output = trained.getConfiguration().getNetworkOutputs().get(0);
        String features = trained.getConfiguration().getVertexInputs().get(output).get(0);
        INDArray expectedFeatures = trained.feedForward(x, false).get(features).dup();

        InferenceGraph.Folded folded = InferenceGraph.fold(trained, true);

        assertTrue(folded.channelsLast(), "converted");
        assertTrue(Arrays.stream(folded.graph().getLayers())
                .map(l -> l.conf().getLayer()).filter(l -> l instanceof ConvolutionLayer)
                .allMatch(l -> ((ConvolutionLayer) l).getCnn2dDataFormat() == CNN2DFormat.NHWC), "every convolution NHWC");
        assertArrayEquals(new long[] {6, 32, 32, 3}, folded.input(x).shape(), "the batch is handed over channels-last");
        INDArray actual = folded.output(x);
        assertTrue(expected.sub(actual).amaxNumber().doubleValue() <= 1e-4, "class probabilities differ");
        // Probabilities can saturate and hide a difference (a flatten in the wrong order): compare the features.
        INDArray actualFeatures = folded.graph().feedForward(folded.input(x), false).get(features);
        double scale = expectedFeatures.amaxNumber().doubleValue();
        double diff = expectedFeatures.sub(actualFeatures).amaxNumber().doubleValue();
        assertTrue(scale > 0.1 && diff <= 1e-4 * Math.max(1, scale), "features differ by " + diff + " (largest " + scale + ")");
        // The trained graph is left in NCHW.
        assertEquals(0, expected.sub(trained.outputSingle(false, x)).amaxNumber().doubleValue(), 1e-6);
    }

    /**
     * Batch after batch, of two sizes, each output is the NCHW graph's for its own batch, and an earlier output stays
     * as it was: the channels-last copy of the batch that {@code output} writes over is never handed out.
     */
    @Test
    void batchAfterBatchEachOutputIsItsOwn() throws Exception {
        ComputationGraph trained = InferenceGraphTest.network("lenet5", true);
        InferenceGraphTest.randomiseBatchNorms(trained);
        InferenceGraph.Folded folded = InferenceGraph.fold(trained, true);
        assertTrue(folded.channelsLast(), "converted");
        INDArray[] batches = {Nd4j.rand(DataType.FLOAT, 6, 3, 32, 32).muli(4).subi(2), Nd4j.rand(DataType.FLOAT, 6, 3, 32, 32).subi(0.5),
                Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32).muli(4).subi(2), Nd4j.rand(DataType.FLOAT, 6, 3, 32, 32).muli(-2)};
        INDArray[] outputs = new INDArray[batches.length];
        INDArray[] kept = new INDArray[batches.length];
        for (int i = 0; i < batches.length; i++) {
            outputs[i] = folded.output(batches[i]);
            kept[i] = outputs[i].dup();
            INDArray expected = trained.outputSingle(false, batches[i]);
            assertTrue(expected.sub(outputs[i]).amaxNumber().doubleValue() <= 1e-4, "batch " + i);
        }
        for (int i = 0; i < batches.length; i++) {
            assertEquals(kept[i], outputs[i], "batch " + i + "'s output after the later batches");
        }
        assertTrue(kept[0].sub(kept[1]).amaxNumber().doubleValue() > 1e-3, "different batches, different outputs");
    }

    /** A batch norm left unfolded (after a global pooling input it cannot fold into) runs channels-last too. */
    @Test
    void anUnfoldedBatchNormRunsChannelsLast() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 2))
                .addLayer("bn", new BatchNormalization.Builder().build(), "in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "bn")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build();
        ComputationGraph trained = new ComputationGraph(conf);
        trained.init();
        InferenceGraphTest.randomiseBatchNorms(trained);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 2, 8, 8);
        InferenceGraph.Folded folded = InferenceGraph.fold(trained, true);
        assertEquals(0, folded.batchNorms());
        assertTrue(folded.channelsLast());
        INDArray expected = trained.feedForward(x, false).get("gap");
        INDArray actual = folded.graph().feedForward(folded.input(x), false).get("gap");
        assertTrue(expected.sub(actual).amaxNumber().doubleValue() <= 1e-5, "pooled features differ");
    }

    /** A merge concatenates along channels, which is another axis channels-last: such a graph keeps NCHW. */
    @Test
    void aGraphWithAMergeKeepsNchw() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 2))
                .addLayer("a", new ConvolutionLayer.Builder(1, 1).nOut(2).build(), "in")
                .addLayer("b", new ConvolutionLayer.Builder(1, 1).nOut(3).build(), "in")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), "merge")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        InferenceGraph.Folded folded = InferenceGraph.fold(graph, true);
        assertFalse(folded.channelsLast());
        assertSame(graph, folded.graph(), "nothing folded, nothing converted: the graph itself");
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 8, 8);
        assertSame(x, folded.input(x));
    }

    /** A softmax over an image's channels runs along axis 1 in NCHW: such a graph keeps NCHW. */
    @Test
    void aSoftmaxOverAnImageKeepsNchw() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nOut(3).build(), "in")
                .addLayer("softmax", new ActivationLayer.Builder().activation(Activation.SOFTMAX).build(), "conv")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "softmax")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        assertFalse(InferenceGraph.fold(graph, true).channelsLast());
        assertTrue(ChannelsLast.convert(graph).isEmpty());
    }

    /**
     * The switch is read the way the training switches are (on unless {@code false}). Whether oneDNN
     * runs, the other half of {@link ChannelsLast#preferred}, this JVM does not choose: the unit tests
     * run the generic build, where it never does.
     */
    @Test
    void theSwitchKeepsNchw() {
        PropertySwitch sw = ChannelsLast.SWITCH;
        assertEquals("cnn.channelsLastInference", sw.property());
        String before = System.getProperty(sw.property());
        try {
            System.clearProperty(sw.property());
            assertTrue(sw.on(), "on by default");
            System.setProperty(sw.property(), " true ");
            assertTrue(sw.on(), "only false turns it off, as with the other switches");
            System.setProperty(sw.property(), " FALSE ");
            assertFalse(sw.on(), "-Dcnn.channelsLastInference=false turns it off");
            assertFalse(ChannelsLast.preferred());
        } finally {
            if (before == null) {
                System.clearProperty(sw.property());
            } else {
                System.setProperty(sw.property(), before);
            }
        }
    }
}
