package io.github.cnnmaven.inference;

import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.kernels.ReluSumVertex;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class InferenceGraphTest {

    public static ComputationGraph network(String preset, boolean batchNorm) throws Exception {
        TrainingConfig c = TrainingConfig.builder().network(preset).epochs(1).batchSize(4).batchNorm(batchNorm).build();
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(c, new InputShape(3, 32, 32, 10), 1).configuration());
        graph.init();
        return graph;
    }

    /** Running statistics and affine parameters far from their initial 0/1, as after real training. */
    public static void randomiseBatchNorms(ComputationGraph graph) {
        Nd4j.getRandom().setSeed(3);
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof BatchNormalization) {
                for (String key : layer.paramTable().keySet()) {
                    INDArray p = layer.getParam(key);
                    INDArray value = switch (key) {
                        case BatchNormalizationParamInitializer.GAMMA -> Nd4j.rand(p.dataType(), p.shape()).addi(0.5);
                        case BatchNormalizationParamInitializer.GLOBAL_VAR -> Nd4j.rand(p.dataType(), p.shape()).muli(2).addi(0.5);
                        case BatchNormalizationParamInitializer.GLOBAL_LOG_STD -> Nd4j.rand(p.dataType(), p.shape()).muli(0.6).subi(0.15);
                        default -> Nd4j.randn(p.dataType(), p.shape()); // beta, mean
                    };
                    layer.setParam(key, value);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"alexnet-cifar,4,4,0", "resnet20,21,10,9", "lenet5,2,2,0"})
    void foldedGraphHasNoBatchNormAndTheSameOutputs(String preset, int batchNorms, int activations, int residualRelus)
            throws Exception {
        ComputationGraph trained = network(preset, true);
        randomiseBatchNorms(trained);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 3, 32, 32).muli(4).subi(2);
        INDArray before = trained.outputSingle(false, x).dup();
        int layersBefore = trained.getLayers().length;

        InferenceGraph.Folded folded = InferenceGraph.fold(trained, false);

        assertEquals(batchNorms, folded.batchNorms(), "batch-norm layers folded");
        assertEquals(activations, folded.activations(), "activation layers made the convolution's own");
        assertEquals(residualRelus, folded.residualRelus(), "ReLU layers computed by the residual addition before them");
        assertEquals(residualRelus, Arrays.stream(folded.graph().getVertices()).filter(v -> v.getClass().getName()
                .startsWith(ReluSumVertex.class.getName())).count());
        assertTrue(Arrays.stream(folded.graph().getLayers()).noneMatch(l -> l instanceof BatchNormalization),
                "no batch-norm layer is left");
        assertEquals(layersBefore - batchNorms - activations - residualRelus, folded.graph().getLayers().length);
        assertEquals(trained.numParams() - 4L * bnChannels(trained), folded.graph().numParams(), "parameters left");
        INDArray after = folded.graph().outputSingle(false, x);
        assertTrue(before.sub(after).amaxNumber().doubleValue() <= 1e-4, "class probabilities differ");
        // Probabilities can saturate and hide a difference: compare the output layer's input too.
        String output = trained.getConfiguration().getNetworkOutputs().get(0);
        String features = trained.getConfiguration().getVertexInputs().get(output).get(0);
        INDArray expected = trained.feedForward(x, false).get(features);
        INDArray actual = folded.graph().feedForward(x, false).get(features);
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(scale > 0.1 && diff <= 1e-4 * Math.max(1, scale), "features differ by " + diff + " (largest " + scale + ")");
        assertTrue(before.argMax(1).equals(after.argMax(1)), "the same predicted classes");
        // The original is left as it was: still its own layers, still its own outputs.
        assertEquals(layersBefore, trained.getLayers().length);
        assertEquals(0, before.sub(trained.outputSingle(false, x)).amaxNumber().doubleValue(), 1e-6);
    }

    private static long bnChannels(ComputationGraph graph) {
        return Arrays.stream(graph.getLayers()).filter(l -> l instanceof BatchNormalization)
                .mapToLong(l -> l.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).length()).sum();
    }

    /** Models saved by DL4J before 1.0.0-beta4 store the variance itself rather than log10 of the deviation. */
    @Test
    void foldsBatchNormThatStoresTheVariance() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().useLogStd(false).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "bn")
                .setOutputs("out").build();
        ComputationGraph trained = new ComputationGraph(conf);
        trained.init();
        assertTrue(trained.getLayer("bn").paramTable().containsKey(BatchNormalizationParamInitializer.GLOBAL_VAR));
        randomiseBatchNorms(trained);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 2, 8, 8);
        InferenceGraph.Folded folded = InferenceGraph.fold(trained, false);
        assertEquals(1, folded.batchNorms());
        assertEquals(0, folded.activations(), "no activation layer to fold");
        INDArray expected = trained.feedForward(x, false).get("bn");
        INDArray actual = folded.graph().feedForward(x, false).get("conv");
        assertTrue(expected.sub(actual).amaxNumber().doubleValue() <= 1e-4 * Math.max(1, expected.amaxNumber().doubleValue()));
    }

    @Test
    void aGraphWithoutBatchNormIsReturnedAsItIs() throws Exception {
        ComputationGraph plain = network("alexnet-cifar", false);
        InferenceGraph.Folded folded = InferenceGraph.fold(plain, false);
        assertSame(plain, folded.graph());
        assertEquals(0, folded.batchNorms());
        assertTrue(Arrays.stream(plain.getLayers()).noneMatch(l -> l instanceof ActivationLayer));
    }

    /** {@code -Dcnn.inferenceLayers=false} keeps DL4J's residual additions and the ReLU layers after them. */
    @Test
    void theSwitchKeepsDl4jsResidualAdditions() throws Exception {
        ComputationGraph trained = network("resnet20", true);
        randomiseBatchNorms(trained);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 3, 32, 32).muli(4).subi(2);
        InferenceGraph.Folded fused = InferenceGraph.fold(trained, false);
        String before = System.getProperty("cnn.inferenceLayers");
        try {
            System.setProperty("cnn.inferenceLayers", "false");

            InferenceGraph.Folded kept = InferenceGraph.fold(trained, false);

            assertEquals(0, kept.residualRelus());
            assertEquals(fused.batchNorms(), kept.batchNorms(), "batch norm is folded either way");
            assertEquals(fused.graph().getLayers().length + fused.residualRelus(), kept.graph().getLayers().length,
                    "the ReLU layers after the additions are kept");
            assertTrue(Arrays.stream(kept.graph().getVertices()).noneMatch(v -> v.getClass().getName()
                    .startsWith(ReluSumVertex.class.getName())));
            assertEquals(0, kept.graph().outputSingle(false, x).sub(fused.graph().outputSingle(false, x))
                    .amaxNumber().doubleValue(), 1e-6, "the same outputs");
        } finally {
            if (before == null) {
                System.clearProperty("cnn.inferenceLayers");
            } else {
                System.setProperty("cnn.inferenceLayers", before);
            }
        }
    }
}
