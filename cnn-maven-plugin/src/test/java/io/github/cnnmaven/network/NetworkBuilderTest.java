package io.github.cnnmaven.network;

import io.github.cnnmaven.output.ModelSummary;

import io.github.cnnmaven.config.LayerSpec;
import io.github.cnnmaven.config.TrainingConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkBuilderTest {

    static TrainingConfig preset(String name) {
        TrainingConfig d = TrainingConfig.defaults();
        return TrainingConfig.builder().network(name).epochs(1).batchSize(4).build();
    }

    /** Every preset builds for its expected input and takes one training step that changes its weights. */
    @ParameterizedTest
    @CsvSource({"lenet5,1,28", "lenet5,3,32", "alexnet-cifar,3,32", "vgg11,3,32", "vgg13,3,32", "vgg16,3,32",
            "vgg19,1,28", "nin,3,32", "resnet20,3,32", "resnet32,3,32", "resnet56,3,32", "resnet18,3,32"})
    void presetBuildsAndTrainsOneStep(String name, int channels, int side) throws Exception {
        InputShape input = new InputShape(channels, side, side, 10);
        NetworkBuilder.Built built = NetworkBuilder.build(preset(name).validate(), input, 1);
        ComputationGraph graph = new ComputationGraph(built.configuration());
        graph.init();
        ModelSummary summary = built.summarize(graph);
        assertEquals(graph.numParams(), summary.parameters());
        assertTrue(summary.multiplyAdds() > 0);

        INDArray features = Nd4j.rand(new int[] {2, channels, side, side});
        INDArray labels = Nd4j.zeros(2, 10);
        labels.putScalar(0, 3, 1);
        labels.putScalar(1, 7, 1);
        INDArray before = graph.params().dup();
        graph.fit(new DataSet(features, labels));
        assertNotEquals(before, graph.params(), "one step changed the weights");
        assertArrayEquals(new long[] {2, 10}, graph.outputSingle(features).shape());
    }

    /** The CIFAR ResNets of depth 6n+2: 6n+1 convolutions on the main path plus the classifier, n blocks per stage. */
    @ParameterizedTest
    @CsvSource({"resnet20,3", "resnet32,5", "resnet44,7", "resnet56,9", "resnet110,18"})
    void cifarResnetsHaveTheirDepth(String name, int blocksPerStage) throws Exception {
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(preset(name).validate(),
                new InputShape(3, 32, 32, 10), 1).configuration());
        graph.init();
        long convolutions = java.util.Arrays.stream(graph.getLayers())
                .filter(l -> l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer).count();
        int projections = 2; // the first block of stages 2 and 3 halves the map and doubles the channels
        assertEquals(6 * blocksPerStage + 1 + projections, convolutions, name);
        assertEquals(Integer.parseInt(name.substring(6)), 6 * blocksPerStage + 2);
    }

    /** Re-tuned: alexnet-cifar's dense layers drop 20 % by default (0.5 learnt more slowly); cnn.dropout still wins. */
    @Test
    void alexnetCifarDropsTwentyPercentByDefault() throws Exception {
        for (Double set : new Double[] {null, 0.5}) {
            TrainingConfig config = preset("alexnet-cifar").toBuilder().dropout(set).build();
            ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(config, new InputShape(3, 32, 32, 10), 1)
                    .configuration());
            graph.init();
            List<Double> retained = new java.util.ArrayList<>();
            for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
                if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.DropoutLayer d) {
                    retained.add(((org.deeplearning4j.nn.conf.dropout.Dropout) d.getIDropout()).getP());
                }
            }
            double keep = set == null ? 0.8 : 0.5;
            assertEquals(List.of(keep, keep), retained, "dropout " + set);
        }
    }

    @Test
    void alexnetCifarIsTheClassicSmallNetwork() throws Exception {
        NetworkBuilder.Built built = NetworkBuilder.build(preset("alexnet-cifar"), new InputShape(3, 32, 32, 10), 1);
        ComputationGraph graph = new ComputationGraph(built.configuration());
        graph.init();
        ModelSummary summary = built.summarize(graph);
        // conv 64, 128, 256, 1x1 64, fc 384, 192, 10 with batch norm: 857,738 trainable parameters (DL4J also
        // counts batch norm's running mean and variance: +1,024) and 19.46 M multiply-adds per image.
        assertEquals(857_738 + 1_024, summary.parameters());
        assertEquals(19.46, summary.multiplyAdds() / 1e6, 0.01);
        assertTrue(summary.lines().get(summary.lines().size() - 1).startsWith("total: "));
    }

    @Test
    void impossibleCustomNetworkNamesTheLayer() {
        TrainingConfig c = TrainingConfig.builder().network(null).layers(List.of(LayerSpec.of("conv").filters(8),
                LayerSpec.of("maxpool").kernel(4), LayerSpec.of("maxpool").kernel(4), LayerSpec.of("maxpool").kernel(4)))
                .epochs(1).batchSize(4).weightDecay(0).build();
        NetworkDefinitionException e = assertThrows(NetworkDefinitionException.class,
                () -> NetworkBuilder.build(c.validate(), new InputShape(1, 28, 28, 10), 1));
        assertTrue(e.getMessage().startsWith("Layer maxpool4 (the <layer> of type 'maxpool') cannot take input 1x1x8"), e.getMessage());
    }

    @Test
    void convAfterDenseIsRefusedNamingTheLayer() {
        TrainingConfig c = TrainingConfig.builder().network(null).layers(List.of(LayerSpec.of("dense").units(8),
                LayerSpec.of("conv").filters(8))).epochs(1).batchSize(4).weightDecay(0).build();
        NetworkDefinitionException e = assertThrows(NetworkDefinitionException.class,
                () -> NetworkBuilder.build(c, new InputShape(1, 28, 28, 10), 1));
        assertTrue(e.getMessage().contains("(the <layer> of type 'conv')"), e.getMessage());
        assertTrue(e.getMessage().contains("needs image input"), e.getMessage());
    }
}
