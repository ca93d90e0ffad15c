package io.github.cnnmaven.kernels;

import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.inference.InferenceGraph;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inference graph's convolutions that call oneDNN themselves compute what DL4J's layer computes (libnd4j's
 * conv2d in the unit tests' generic ND4J build): with the direct algorithm and with Winograd, with the ReLU as a
 * post-op, in both padding modes, and with the tensor between two Winograd convolutions left blocked.
 */
class OneDnnInferenceConvolutionTest {

    /** Winograd's other float operations: its outputs differ from the direct algorithm's in the last bits. */
    private static final double WINOGRAD_TOLERANCE = 1e-4;
    private static final double DIRECT_TOLERANCE = 1e-5;

    /**
     * A chain of three 3×3 stride-1 convolutions of 32 channels (Winograd, the first two handing their output on
     * blocked), then one of 16 channels after a stride-2 one (direct), in both padding modes, ReLU and identity.
     */
    @Test
    void winogradAndBlockedHandOnComputeDl4jsConvolution() {
        ComputationGraphConfiguration conf = nhwc(12, 32)
                .addLayer("a", conv(3, 1, 1, ConvolutionMode.Same, 32, Activation.RELU), "in")
                .addLayer("b", conv(3, 1, 1, ConvolutionMode.Truncate, 32, Activation.IDENTITY), "a")
                .addLayer("c", conv(3, 1, 1, ConvolutionMode.Same, 48, Activation.RELU), "b")
                .addLayer("d", conv(3, 2, 1, ConvolutionMode.Truncate, 16, Activation.RELU), "c")
                .addLayer("e", conv(3, 1, 1, ConvolutionMode.Same, 16, Activation.IDENTITY), "d")
                .setOutputs("e").build();
        Compared compared = compare(conf, new long[] {3, 12, 12, 32});

        int winograd = OneDnnInferenceConvolution.WINOGRAD_HERE ? 3 : 0;
        assertEquals(new InferenceLayers.Installed(5, 5, winograd, 0, winograd > 0 ? 3 : 0), compared.installed(),
                "a, b, c suit Winograd; their outputs (32, 32, 48 channels) stay blocked, d's (16) and e's do not");
        assertTrue(compared.diff() <= WINOGRAD_TOLERANCE * compared.scale(), compared.toString());
        OneDnnInferenceConvolution c = helper(compared.lean(), "c");
        OneDnnInferenceConvolution e = helper(compared.lean(), "e");
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 12, 12, 32);
        assertEquals(OneDnnInferenceConvolution.WINOGRAD_HERE, c.winograd(x, Nd4j.rand(DataType.FLOAT, 48, 32, 3, 3), new int[] {3, 3},
                new int[] {1, 1}, new int[] {1, 1}, ConvolutionMode.Same, new int[] {1, 1}), "Winograd where oneDNN has it");
        assertTrue(!e.winograd(Nd4j.rand(DataType.FLOAT, 3, 5, 5, 16), Nd4j.rand(DataType.FLOAT, 16, 16, 3, 3),
                new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, ConvolutionMode.Same, new int[] {1, 1}), "16 channels: direct");
    }

    /**
     * A residual block of 32 channels stays blocked, addition included, and the addition converts its output to NHWC
     * for the DL4J layer after it: the same output as DL4J's convolutions; without the conversion it is not. The
     * addition calls oneDNN, or with {@code cnn.oneDnnAddition=false} runs the Java kernel.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aResidualStageStaysBlockedAndItsLastAdditionConverts(boolean oneDnnAddition) {
        ComputationGraphConfiguration conf = nhwc(8, 16)
                .addLayer("stem", conv(3, 1, 1, ConvolutionMode.Same, 32, Activation.RELU), "in")
                .addLayer("a", conv(3, 1, 1, ConvolutionMode.Same, 32, Activation.RELU), "stem")
                .addLayer("b", conv(3, 1, 1, ConvolutionMode.Same, 32, Activation.IDENTITY), "a")
                .addVertex("sum", new ReluSumVertex(), "b", "stem")
                .addLayer("after", new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
                        .activation(Activation.IDENTITY).build(), "sum")
                .setOutputs("after").build();
        Compared compared = compare(conf, new long[] {2, 8, 8, 16}, oneDnnAddition ? new String[0] : new String[] {"cnn.oneDnnAddition"});

        boolean here = OneDnnInferenceConvolution.WINOGRAD_HERE;
        assertEquals(new InferenceLayers.Installed(3, 3, here ? 2 : 0, oneDnnAddition ? 1 : 0, here ? 3 : 0), compared.installed(),
                "stem, a and b blocked; the sum read by a DL4J layer is not");
        assertTrue(compared.diff() <= WINOGRAD_TOLERANCE * compared.scale(), compared.toString());
    }

    /** An activation that reads across channels (softmax) gets its convolution's output in NHWC, never blocked. */
    @Test
    void aConvolutionWhoseActivationReadsAcrossChannelsHandsOnNhwc() {
        ComputationGraphConfiguration conf = nhwc(8, 32)
                .addLayer("a", conv(3, 1, 1, ConvolutionMode.Same, 32, Activation.SOFTMAX), "in")
                .addLayer("b", conv(3, 1, 1, ConvolutionMode.Same, 32, Activation.IDENTITY), "a")
                .setOutputs("b").build();
        Compared compared = compare(conf, new long[] {2, 8, 8, 32});

        assertEquals(0, compared.installed().blocked(), compared.installed().toString());
        assertTrue(compared.diff() <= WINOGRAD_TOLERANCE * compared.scale(), compared.toString());
    }

    /** The direct algorithm's shapes: uneven Same padding, rows Truncate leaves unread, a 1×1 shortcut, dilation. */
    @ParameterizedTest
    @CsvSource({"3,2,0,Same,1", "3,2,1,Truncate,1", "1,2,0,Truncate,1", "3,1,0,Same,2", "5,1,2,Truncate,1", "4,3,0,Same,1"})
    void directShapesComputeDl4jsConvolution(int kernel, int stride, int pad, ConvolutionMode mode, int dilation) {
        ComputationGraphConfiguration conf = nhwc(11, 3)
                .addLayer("a", new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(pad, pad)
                        .dilation(dilation, dilation).convolutionMode(mode).nOut(8).activation(Activation.RELU)
                        .dataFormat(CNN2DFormat.NHWC).build(), "in")
                .addLayer("b", conv(3, 1, 1, ConvolutionMode.Same, 6, Activation.IDENTITY), "a")
                .setOutputs("b").build();
        Compared compared = compare(conf, new long[] {4, 11, 11, 3});

        assertEquals(new InferenceLayers.Installed(2, 2, 0, 0, 0), compared.installed());
        assertTrue(compared.diff() <= DIRECT_TOLERANCE * compared.scale(), compared.toString());
    }

    /**
     * The converted weights are reused only while the layer's weights are what they were converted from: new values
     * in the same array give the new convolution, with Winograd (whose conversion transforms them) and without.
     */
    @ParameterizedTest
    @CsvSource({"32", "16"})
    void changedWeightsAreConvertedAgain(int channels) {
        ComputationGraphConfiguration conf = nhwc(8, channels)
                .addLayer("a", conv(3, 1, 1, ConvolutionMode.Same, channels, Activation.IDENTITY), "in")
                .setOutputs("a").build();
        Twins twins = twins(conf);
        ComputationGraph stock = twins.stock();
        ComputationGraph lean = twins.lean();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 8, 8, channels).subi(0.5);
        lean.outputSingle(false, x);

        INDArray w = Nd4j.rand(DataType.FLOAT, channels, channels, 3, 3).subi(0.5);
        stock.getLayer("a").setParam("W", w);
        lean.getLayer("a").setParam("W", w);
        INDArray expected = stock.outputSingle(false, x);
        INDArray actual = lean.outputSingle(false, x);

        double scale = expected.amaxNumber().doubleValue();
        assertTrue(expected.sub(actual).amaxNumber().doubleValue() <= WINOGRAD_TOLERANCE * scale,
                "the old weights' convolution: " + expected.sub(actual).amaxNumber());
    }

    /** The presets' counts, as the evaluation log gives them. */
    @ParameterizedTest
    @CsvSource({"resnet20,21,10,9,19", "alexnet-cifar,4,2,0,1", "lenet5,2,0,0,0"})
    void presetsGetWinogradWhereTheirShapesSuitIt(String preset, int convolutions, int winograd, int sums, int blocked) throws Exception {
        TrainingConfig config = TrainingConfig.builder().network(preset).epochs(1).batchSize(8).build();
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(config, new InputShape(3, 32, 32, 10), 10).configuration());
        graph.init();

        InferenceGraph.Folded folded = InferenceGraph.fold(graph, true);

        boolean here = OneDnnInferenceConvolution.WINOGRAD_HERE;
        assertEquals(new InferenceLayers.Installed(convolutions, convolutions, here ? winograd : 0, sums, here ? blocked : 0), folded.layers());
        assertTrue(folded.layers().describe().startsWith(convolutions + " convolution(s) calling oneDNN directly"),
                folded.layers().describe());
    }

    /** Each switch is honoured, and the log says which. */
    @Test
    void switchesKeepLibnd4jOrTheDirectAlgorithm() {
        ComputationGraphConfiguration conf = nhwc(8, 32)
                .addLayer("a", conv(3, 1, 1, ConvolutionMode.Same, 32, Activation.RELU), "in")
                .addLayer("b", conv(3, 1, 1, ConvolutionMode.Same, 32, Activation.RELU), "a")
                .setOutputs("b").build();
        Twins libnd4j = twins(conf, "cnn.oneDnnConvolution");
        InferenceLayers.Installed off = libnd4j.installed();
        // DL4J's oneDNN helper then, which the layers of the unit tests' generic ND4J build do not have
        boolean dl4jHelper = ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) libnd4j.stock().getLayer("a")).getHelper() != null;
        assertEquals(new InferenceLayers.Installed(dl4jHelper ? 2 : 0, 0, 0, 0, 0, " (cnn.oneDnnConvolution=false)"), off);

        Compared direct = compare(conf, new long[] {2, 8, 8, 32}, "cnn.winogradInference");
        assertEquals(new InferenceLayers.Installed(2, 2, 0, 0, 0, " (cnn.winogradInference=false)"), direct.installed());
        assertTrue(direct.installed().describe().contains("Winograd on 0 (3x3, stride 1, 32+ channels, AVX-512 (cnn.winogradInference=false))"),
                direct.installed().describe());
        assertTrue(direct.diff() <= DIRECT_TOLERANCE * direct.scale(), direct.toString());
    }

    /**
     * Convolutions that run the direct algorithm (where oneDNN has no Winograd for a shape) around a blocked tensor
     * keep one layout through the primitive and convert the other side: still DL4J's convolution.
     */
    @Test
    void directConvolutionsAroundABlockedTensorConvert() {
        ComputationGraphConfiguration conf = nhwc(8, 32)
                .addLayer("a", conv(3, 1, 1, ConvolutionMode.Same, 32, Activation.RELU), "in")
                .addLayer("b", conv(3, 2, 1, ConvolutionMode.Truncate, 48, Activation.IDENTITY), "a")
                .setOutputs("b").build();
        Twins twins = twins(conf, "cnn.winogradInference");
        helper(twins.lean(), "a").keepBlocked(false, true);
        helper(twins.lean(), "b").keepBlocked(true, false);

        Compared compared = compare(twins, new long[] {2, 8, 8, 32});

        assertTrue(compared.diff() <= DIRECT_TOLERANCE * compared.scale(), compared.toString());
    }

    /** A convolution that reads a blocked input has no DL4J path to fall back to: an input it cannot take is an error. */
    @Test
    void aConvolutionReadingBlockedRefusesAnInputItDoesNotCover() {
        OneDnnInferenceConvolution from = new OneDnnInferenceConvolution(new org.nd4j.linalg.activations.impl.ActivationReLU());
        OneDnnInferenceConvolution to = new OneDnnInferenceConvolution(new org.nd4j.linalg.activations.impl.ActivationIdentity());
        from.keepBlocked(false, true);
        to.keepBlocked(true, false);
        INDArray doubles = Nd4j.rand(DataType.DOUBLE, 1, 4, 4, 32);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> to.preOutput(doubles,
                Nd4j.rand(DataType.FLOAT, 32, 32, 3, 3), Nd4j.zeros(DataType.FLOAT, 32), new int[] {3, 3}, new int[] {1, 1},
                new int[] {1, 1}, null, null, ConvolutionMode.Same, new int[] {1, 1}, CNN2DFormat.NHWC,
                LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(e.getMessage().contains("blocked"), e.getMessage());
        OneDnnInferenceConvolution alone = new OneDnnInferenceConvolution(new org.nd4j.linalg.activations.impl.ActivationIdentity());
        assertEquals(null, alone.preOutput(doubles, Nd4j.rand(DataType.FLOAT, 32, 32, 3, 3), null, new int[] {3, 3},
                new int[] {1, 1}, new int[] {1, 1}, null, null, ConvolutionMode.Same, new int[] {1, 1}, CNN2DFormat.NHWC,
                LayerWorkspaceMgr.noWorkspaces()), "in NHWC, DL4J's path computes it");
    }

    private record Compared(InferenceLayers.Installed installed, ComputationGraph lean, double diff, double scale) {
    }

    /** DL4J's graph of {@code conf} and a copy with the inference layers installed, and what was installed. */
    private record Twins(ComputationGraph stock, ComputationGraph lean, InferenceLayers.Installed installed) {
    }

    /** The twins, the copy's layers installed with each {@code off} property set to false. */
    private static Twins twins(ComputationGraphConfiguration conf, String... off) {
        ComputationGraph stock = new ComputationGraph(conf);
        stock.init();
        ComputationGraph lean = stock.clone();
        for (String property : off) {
            System.setProperty(property, "false");
        }
        try {
            return new Twins(stock, lean, InferenceLayers.install(lean));
        } finally {
            for (String property : off) {
                System.clearProperty(property);
            }
        }
    }

    private static Compared compare(ComputationGraphConfiguration conf, long[] shape, String... off) {
        return compare(twins(conf, off), shape);
    }

    /** Both twins' outputs for one random batch of {@code shape}, the copy's at its second call. */
    private static Compared compare(Twins twins, long[] shape) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
        INDArray expected = twins.stock().outputSingle(false, x).dup();
        twins.lean().outputSingle(false, x); // the second call reuses the primitives and the converted weights
        INDArray actual = twins.lean().outputSingle(false, x);
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(scale > 0.01, "a meaningful output");
        return new Compared(twins.installed(), twins.lean(), expected.sub(actual).amaxNumber().doubleValue(), scale);
    }

    private static OneDnnInferenceConvolution helper(ComputationGraph graph, String layer) {
        return (OneDnnInferenceConvolution) ((ChannelsLastConvolutionLayer) ((LayerVertex) graph.getVertex(layer)).getLayer()).helper();
    }

    private static ComputationGraphConfiguration.GraphBuilder nhwc(int side, int channels) {
        return new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(side, side, channels, CNN2DFormat.NHWC));
    }

    private static ConvolutionLayer conv(int kernel, int stride, int pad, ConvolutionMode mode, int out, Activation activation) {
        ConvolutionLayer.Builder builder = new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).convolutionMode(mode)
                .nOut(out).activation(activation).dataFormat(CNN2DFormat.NHWC);
        return (mode == ConvolutionMode.Same ? builder : builder.padding(pad, pad)).build();
    }
}
