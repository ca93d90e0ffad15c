package io.github.cnnmaven.kernels;

import io.github.cnnmaven.config.LayerSpec;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolutions and batch norms that exchange oneDNN's blocked layout inside DL4J's arrays compute what the same
 * primitives compute with NCHW between them (each tensor converted out and back): the same gradients, the same
 * parameters after three steps, the same inference output, within float rounding; and a saved, reloaded model links
 * again and steps as the one that was saved. (That oneDNN's batch norm computes DL4J's is FusedBatchNormHelperTest's.)
 */
class BlockedActivationsTest {

    /** Relative: the same primitives, the same sums; only the layout they travel in differs. */
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0} on {1} pixels: {2} pairs, {3} handing on, {4} poolings blocked, {5} converting")
    @CsvSource({"resnet20,32,21,21,0,1", "resnet18,32,20,20,0,1", "resnet50,16,53,53,0,1", "alexnet-cifar,32,4,3,2,0",
            "vgg11,32,8,8,5,1", "googlenet,16,53,17,1,0", "main-job,32,4,4,2,1", "residual-pool,16,8,8,1,1",
            "odd-pools,13,2,2,2,1", "overlapping-pools,13,2,2,2,1", "padded-pools,13,2,2,2,1"})
    void computesWhatTheSamePrimitivesComputeInNchw(String preset, int side, int pairs, int handedOn, int pools, int converted)
            throws Exception {
        ComputationGraph stock = network(preset, side);
        ComputationGraph blocked = BatchNormFusionTest.copy(stock);
        TrainingLayers.Installed installed = TrainingLayers.install(blocked);
        assertEquals(pairs, installed.blocked(), preset + ": every convolution → batch norm pair");
        assertEquals(handedOn, installed.handedOn(), preset + ": every batch norm whose readers all take its output blocked");
        assertEquals(pools, installed.blockedPools(), preset + ": every max pooling of a blocked input");
        assertEquals(converted, installed.converted(), preset + ": a ReLU or pooling converting where blocked meets NCHW");
        if (pools > 0) {
            assertTrue(installed.describe().contains(", through " + pools + " max pooling(s) in that layout"), installed.describe());
        }
        ComputationGraph nchw = BatchNormFusionTest.copy(stock);
        String property = TrainingLayers.Switch.BLOCKED_ACTIVATIONS.property();
        System.setProperty(property, "false");
        try {
            TrainingLayers.Installed inNchw = TrainingLayers.install(nchw);
            assertEquals(pairs, inNchw.blocked(), "the same batch norms through oneDNN");
            assertEquals(0, inNchw.handedOn());
        } finally {
            System.clearProperty(property);
        }

        MultiDataSet data = BatchNormFusionTest.batch(side, 1);
        BatchNormFusionTest.computeGradients(data, nchw, blocked);
        for (Map.Entry<String, INDArray> g : nchw.gradient().gradientForVariable().entrySet()) {
            assertClose(g.getValue(), blocked.gradient().gradientForVariable().get(g.getKey()), preset + " gradient of " + g.getKey());
        }
        if (!preset.equals("googlenet")) {
            // googlenet's deep batch norms on four 16-pixel images turn the rounding of its overlapping pooling's summed
            // gradients (1e-7, summed in another order) into percents within three steps (see OneDnnConvolutionTest)
            BatchNormFusionTest.threeSteps(side, nchw, blocked);
            assertClose(nchw.params(), blocked.params(), preset + " parameters after 3 steps");
        }
        INDArray image = BatchNormFusionTest.batch(side, 30).getFeatures(0);
        assertClose(nchw.outputSingle(image), blocked.outputSingle(image), preset + " inference output");

        ComputationGraph resumed = BatchNormFusionTest.reload(blocked);
        assertEquals(handedOn, TrainingLayers.install(resumed).handedOn(), "the saved model links again");
        MultiDataSet next = BatchNormFusionTest.batch(side, 20);
        blocked.fit(next);
        resumed.fit(next);
        assertClose(blocked.params(), resumed.params(), preset + " parameters after the resume");
    }

    @ParameterizedTest
    @CsvSource({"resnet20", "main-job"})
    void stopsOnceDl4jRanItsOwnBatchNormOnBlockedValues(String preset) throws Exception {
        ComputationGraph graph = network(preset, 32);
        assertTrue(TrainingLayers.install(graph).blocked() > 0);
        MultiDataSet data = BatchNormFusionTest.batch(32, 1);
        graph.fit(data);
        // what DL4J's layer does after its helper threw: count the failure and compute with its own code from then on
        BatchNormalization bn = (BatchNormalization) java.util.Arrays.stream(graph.getLayers())
                .filter(l -> l instanceof BatchNormalization).findFirst().orElseThrow();
        Field failures = BatchNormalization.class.getDeclaredField("helperCountFail");
        failures.setAccessible(true);
        failures.setInt(bn, 1);
        INDArray before = graph.params().dup();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> graph.fit(data));
        assertTrue(e.getMessage().contains("-Dcnn.oneDnnBatchNorm=false"), e.getMessage());
        assertEquals(before, graph.params(), "no update from gradients computed on misread values");
    }

    /**
     * A 1×1 stride-2 convolution in Same mode never reads its input's last row: it converts the window it reads out of
     * the blocked tensor, and the gradient back into it, with zeros in the row it left.
     */
    @ParameterizedTest(name = "kernel {0}, stride {1}: {2} handed on")
    @CsvSource({"3,1,1", "3,2,1", "1,2,1", "1,1,1"})
    void handsOnToAConvolutionOfAnyStride(int kernel, int stride, int handedOn) throws Exception {
        List<LayerSpec> layers = List.of(LayerSpec.of("conv").filters(16).kernel(3).activation("identity"),
                LayerSpec.of("batchnorm"), LayerSpec.of("conv").filters(16).kernel(kernel).stride(stride).activation("identity"),
                LayerSpec.of("batchnorm"), LayerSpec.of("dense").units(8));
        ComputationGraph graph = network(layers, 16);
        ComputationGraph nchw = BatchNormFusionTest.copy(graph);
        assertEquals(handedOn, TrainingLayers.install(graph).handedOn());
        String property = TrainingLayers.Switch.BLOCKED_ACTIVATIONS.property();
        System.setProperty(property, "false");
        try {
            TrainingLayers.install(nchw);
        } finally {
            System.clearProperty(property);
        }
        BatchNormFusionTest.computeGradients(BatchNormFusionTest.batch(16, 1), nchw, graph);
        assertClose(nchw.gradient().gradient(), graph.gradient().gradient(), "kernel " + kernel + ", stride " + stride);
    }

    /**
     * A preset; "residual-pool": residual layers of the plugin's own with a max pooling after a stage; "odd-pools": a max
     * pooling in Same mode that pads an odd size and one in Truncate mode that leaves a row and a column out;
     * "overlapping-pools": the same with 3×3 windows at stride 2; "padded-pools": 3×3 windows at stride 2 padded by 1 in
     * Truncate mode, as a ResNet's ImageNet stem pools; or "main-job": the sample project's network, whose convolutions
     * have a ReLU of their own before each batch norm (its dropout left out: masks drawn in another order would differ).
     */
    private static ComputationGraph network(String preset, int side) throws Exception {
        if (preset.equals("residual-pool")) {
            return network(List.of(LayerSpec.of("conv").filters(16).kernel(3).activation("identity"), LayerSpec.of("batchnorm"),
                    LayerSpec.of("residual").filters(16), LayerSpec.of("residual").filters(16), LayerSpec.of("maxpool").kernel(2),
                    LayerSpec.of("residual").filters(32), LayerSpec.of("dense").units(8)), side);
        }
        if (preset.equals("padded-pools")) {
            return paddedPools(side);
        }
        if (preset.equals("odd-pools") || preset.equals("overlapping-pools")) {
            int k = preset.equals("odd-pools") ? 2 : 3;
            return network(List.of(LayerSpec.of("conv").filters(16).kernel(3).activation("identity"), LayerSpec.of("batchnorm"),
                    LayerSpec.of("maxpool").kernel(k).stride(2).padding("same"), LayerSpec.of("conv").filters(16).kernel(3).activation("identity"),
                    LayerSpec.of("batchnorm"), LayerSpec.of("maxpool").kernel(k).stride(2), LayerSpec.of("dense").units(8)), side);
        }
        if (!preset.equals("main-job")) {
            return BatchNormFusionTest.network(preset, side, true);
        }
        return network(List.of(LayerSpec.of("conv").filters(32).kernel(3), LayerSpec.of("batchnorm"),
                LayerSpec.of("conv").filters(32).kernel(3), LayerSpec.of("batchnorm"), LayerSpec.of("maxpool").kernel(2),
                LayerSpec.of("conv").filters(64).kernel(3), LayerSpec.of("batchnorm"),
                LayerSpec.of("conv").filters(64).kernel(3), LayerSpec.of("batchnorm"), LayerSpec.of("maxpool").kernel(2),
                LayerSpec.of("dense").units(32)), side);
    }

    /**
     * Two blocks of convolution → batch norm → 3×3 stride-2 max pooling padded by 1, in Truncate mode (explicit
     * padding, which {@code <layers>} does not take).
     */
    private static ComputationGraph paddedPools(int side) {
        var graph = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(11).updater(new Nesterovs(0.05, 0.9))
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(side, side, 3));
        String previous = "in";
        for (int block = 1; block <= 2; block++) {
            graph.addLayer("conv" + block, new ConvolutionLayer.Builder(3, 3).nOut(16).convolutionMode(ConvolutionMode.Same)
                            .activation(Activation.IDENTITY).build(), previous)
                    .addLayer("bn" + block, new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().build(), "conv" + block)
                    .addLayer("pool" + block, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX,
                            new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}).convolutionMode(ConvolutionMode.Truncate).build(),
                            "bn" + block);
            previous = "pool" + block;
        }
        graph.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5).activation(Activation.SOFTMAX).build(),
                previous).setOutputs("out");
        ComputationGraph network = new ComputationGraph(graph.build());
        network.init();
        return network;
    }

    private static ComputationGraph network(List<LayerSpec> layers, int side) throws Exception {
        TrainingConfig c = TrainingConfig.builder().network(null).layers(layers).epochs(1).batchSize(4)
                .optimizer(Optimizer.SGD).learningRate(0.05).momentum(0.9).seed(11).build();
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(c, new InputShape(3, side, side, 5), 1).configuration());
        graph.init();
        return graph;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = distance(expected, actual);
        assertTrue(Double.isFinite(diff) && diff <= TOLERANCE * Math.max(1, scale), what + ": differs by " + diff + " (largest value " + scale + ")");
    }

    private static double distance(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
