package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One batch-norm layer (and its ReLU) against DL4J's own: the training output, the gradient to the
 * previous layer, dγ and dβ, the running-statistics updates DL4J derives from the helper's batch
 * statistics, and the inference output, on the shapes the presets produce.
 */
class FusedBatchNormHelperTest {

    static final double TOLERANCE = 1e-4;
    static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    record Pass(INDArray output, INDArray inputGradient, Gradient gradient, INDArray inference) {
    }

    static ComputationGraph layers(int channels, int side, boolean relu) {
        return layers(channels, side, relu, true);
    }

    /** @param logStd DL4J's default: the running σ kept as log10(σ); else as the variance */
    static ComputationGraph layers(int channels, int side, boolean relu, boolean logStd) {
        var graph = new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(side, side, channels))
                .addLayer("bn", new BatchNormalization.Builder().useLogStd(logStd).build(), "in");
        String last = "bn";
        if (relu) {
            graph.addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn");
            last = "relu";
        }
        // something to end the graph with; the test drives the two layers by hand
        graph.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last).setOutputs("gap");
        ComputationGraph g = new ComputationGraph(graph.build());
        g.init();
        g.initGradientsView();
        Nd4j.getRandom().setSeed(channels * 31L + side);
        g.getLayer("bn").setParam("gamma", Nd4j.rand(DataType.FLOAT, 1, channels).addi(0.5));
        g.getLayer("bn").setParam("beta", Nd4j.randn(DataType.FLOAT, 1, channels).muli(0.5));
        g.getLayer("bn").setParam("mean", Nd4j.randn(DataType.FLOAT, 1, channels));
        if (logStd) {
            g.getLayer("bn").setParam("log10stdev", Nd4j.rand(DataType.FLOAT, 1, channels).muli(0.6).subi(0.3));
        } else {
            g.getLayer("bn").setParam("var", Nd4j.rand(DataType.FLOAT, 1, channels).muli(3.75).addi(0.25));
        }
        return g;
    }

    static Pass run(ComputationGraph g, INDArray x, INDArray dy, boolean relu) {
        Layer bn = g.getLayer("bn");
        Layer act = relu ? g.getLayer("relu") : null;
        bn.setInput(x.dup(), NO_WORKSPACES);
        INDArray out = bn.activate(true, NO_WORKSPACES);
        if (act != null) {
            act.setInput(out, NO_WORKSPACES);
            out = act.activate(true, NO_WORKSPACES);
        }
        out = out.dup();
        INDArray eps = dy.dup();
        if (act != null) {
            eps = act.backpropGradient(eps, NO_WORKSPACES).getSecond();
        }
        Pair<Gradient, INDArray> back = bn.backpropGradient(eps, NO_WORKSPACES);
        Gradient gradient = back.getFirst();
        gradient.gradientForVariable().replaceAll((k, v) -> v.dup());
        bn.setInput(x.dup(), NO_WORKSPACES);
        INDArray inference = bn.activate(false, NO_WORKSPACES);
        if (act != null) {
            act.setInput(inference, NO_WORKSPACES);
            inference = act.activate(false, NO_WORKSPACES);
        }
        return new Pass(out, back.getSecond().dup(), gradient, inference.dup());
    }

    /**
     * DL4J's own convolution (without oneDNN) hands its gradient on as a permuted array: flagged as
     * C-ordered and not a view, yet channel-major in memory. Read as if in its shape's order, it gave
     * a batch norm that a convolution follows directly wrong gradients.
     */
    @Test
    void readsArraysWhoseMemoryIsNotInTheirShapesOrder() {
        ComputationGraph stock = layers(4, 5, false);
        ComputationGraph fused = layers(4, 5, false);
        BatchNormFusion.install(fused);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 5, 5).muli(2).addi(1).permute(1, 0, 2, 3);
        INDArray dy = Nd4j.randn(DataType.FLOAT, 4, 3, 5, 5).permute(1, 0, 2, 3);
        assertTrue(dy.ordering() == 'c' && !dy.isView() && dy.offset() == 0, "the arrays DL4J's convolution returns");

        Pair<Gradient, INDArray> expected = forwardBackward(stock.getLayer("bn"), x, dy);
        Pair<Gradient, INDArray> actual = forwardBackward(fused.getLayer("bn"), x, dy);

        assertClose(expected.getSecond(), actual.getSecond(), "gradient to the previous layer");
        for (String name : List.of("gamma", "beta")) {
            assertClose(expected.getFirst().getGradientFor(name), actual.getFirst().getGradientFor(name), name);
        }
    }

    private static Pair<Gradient, INDArray> forwardBackward(Layer bn, INDArray x, INDArray dy) {
        bn.setInput(x, NO_WORKSPACES);
        bn.activate(true, NO_WORKSPACES);
        Pair<Gradient, INDArray> back = bn.backpropGradient(dy, NO_WORKSPACES);
        back.getFirst().gradientForVariable().replaceAll((k, v) -> v.dup());
        return back;
    }

    @ParameterizedTest(name = "{0} images × {1} channels of {2}×{2}, ReLU {3}, oneDNN {4}, running σ as log10 {5}")
    @CsvSource({
            "8,16,32,true,true,true", "6,64,16,true,true,true", "4,192,8,true,true,true", "16,512,1,true,true,true", "3,7,5,true,true,true",
            "8,16,32,false,true,true", "4,192,8,false,true,true", "16,512,1,false,true,true", "3,7,5,false,true,true",
            "8,16,32,true,false,true", "6,64,16,true,false,true", "4,192,8,true,false,true", "16,512,1,true,false,true", "3,7,5,true,false,true",
            "8,16,32,false,false,true", "4,192,8,false,false,true", "16,512,1,false,false,true", "3,7,5,false,false,true",
            // the running variance kept as it is (useLogStd false)
            "8,16,32,true,true,false", "6,64,16,true,false,false", "4,192,8,false,true,false", "3,7,5,false,false,false"})
    void computesWhatDl4jsBatchNormAndReluCompute(int images, int channels, int side, boolean relu, boolean oneDnn, boolean logStd) {
        ComputationGraph stock = layers(channels, side, relu, logStd);
        ComputationGraph fused = layers(channels, side, relu, logStd);
        assertEquals(new BatchNormFusion.Installed(1, relu ? 1 : 0), BatchNormFusion.install(fused));
        assertInstanceOf(LeanBatchNormLayer.class, fused.getLayer("bn"), "the running statistics move in Java");
        FusedBatchNormHelper helper = (FusedBatchNormHelper) ((org.deeplearning4j.nn.layers.normalization.BatchNormalization)
                fused.getLayer("bn")).getHelper();
        if (oneDnn) {
            helper.computeWith(new OneDnnBatchNorm(relu)); // NCHW in and out: what -Dcnn.blockedActivations=false runs
        }
        if (relu) {
            assertInstanceOf(FusedReluLayer.class, fused.getLayer("relu"));
        }
        Nd4j.getRandom().setSeed(images * 7L + channels);
        // activations after a convolution: an offset and a spread of their own per channel
        INDArray x = Nd4j.randn(DataType.FLOAT, images, channels, side, side)
                .muli(Nd4j.rand(DataType.FLOAT, 1, channels, 1, 1).muli(3).addi(0.2))
                .addi(Nd4j.randn(DataType.FLOAT, 1, channels, 1, 1).muli(2));
        INDArray dy = Nd4j.randn(DataType.FLOAT, images, channels, side, side);
        if (relu) {
            // Where the ReLU's input is within float rounding of 0 either side of the mask is right,
            // and DL4J's and this arithmetic may round it differently: no gradient arrives there.
            INDArray normalised = run(layers(channels, side, false), x, dy, false).output();
            dy.muli(Transforms.abs(normalised, true).gt(1e-4).castTo(DataType.FLOAT));
        }

        Pass expected = run(stock, x, dy, relu);
        Pass actual = run(fused, x, dy, relu);
        boolean ranThroughOneDnn = helper.trainedThroughOneDnn();
        if (!oneDnn || channels % 16 == 0) { // a channel count off oneDNN's blocks may or may not have a JIT kernel
            assertEquals(oneDnn, ranThroughOneDnn, "which kernels ran the training passes");
        }

        assertClose(expected.output(), actual.output(), "training output");
        assertClose(expected.inputGradient(), actual.inputGradient(), "gradient to the previous layer");
        assertEquals(expected.gradient().gradientForVariable().keySet(), actual.gradient().gradientForVariable().keySet());
        for (String name : expected.gradient().gradientForVariable().keySet()) {
            // gamma, beta, and the running-statistics updates (mean, log10stdev or var), made from the batch statistics
            assertClose(expected.gradient().getGradientFor(name), actual.gradient().getGradientFor(name), name);
        }
        assertClose(expected.inference(), actual.inference(), "inference output (running statistics)");
        if (relu) {
            assertTrue(actual.output().minNumber().doubleValue() >= 0, "rectified");
        }
        assertTrue(actual.inputGradient().amaxNumber().doubleValue() > 0.01, "a real gradient");
    }

    @Test
    void statisticsHoldForChannelsFarFromZero() {
        // Means large against the spread, where E[x²] − E[x]² in float would lose the variance.
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 16, 3, 7, 7).muli(Nd4j.createFromArray(0.01f, 1f, 50f).reshape(1, 3, 1, 1))
                .addi(Nd4j.createFromArray(300f, -2f, 1000f).reshape(1, 3, 1, 1));
        FusedBatchNormHelper helper = new FusedBatchNormHelper(false);
        INDArray out = helper.preOutput(x, true, new long[] {1, 3}, Nd4j.ones(DataType.FLOAT, 1, 3), Nd4j.zeros(DataType.FLOAT, 1, 3),
                Nd4j.zeros(DataType.FLOAT, 3), Nd4j.ones(DataType.FLOAT, 3), 0.9, 0, org.deeplearning4j.nn.conf.CNN2DFormat.NCHW,
                NO_WORKSPACES);
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray variance = xd.var(false, 0, 2, 3);
        INDArray relative = variance.sub(helper.getVarCache(DataType.FLOAT).castTo(DataType.DOUBLE)).divi(variance);
        assertTrue(relative.amaxNumber().doubleValue() < 1e-4, "variance, relative error " + relative);
        assertClose(xd.mean(0, 2, 3), helper.getMeanCache(DataType.FLOAT), "mean");
        assertClose(Nd4j.ones(DataType.DOUBLE, 3), out.castTo(DataType.DOUBLE).std(false, 0, 2, 3), "unit spread after normalising");
    }

    @Test
    void aConstantChannelHasZeroVarianceNotANegativeOne() {
        INDArray x = Nd4j.valueArrayOf(new long[] {4, 2, 3, 3}, 1000.5f, DataType.FLOAT);
        FusedBatchNormHelper helper = new FusedBatchNormHelper(true);
        INDArray out = helper.preOutput(x, true, new long[] {1, 2}, Nd4j.ones(DataType.FLOAT, 1, 2), Nd4j.zeros(DataType.FLOAT, 1, 2),
                Nd4j.zeros(DataType.FLOAT, 2), Nd4j.ones(DataType.FLOAT, 2), 0.9, 1e-5, org.deeplearning4j.nn.conf.CNN2DFormat.NCHW,
                NO_WORKSPACES);
        assertEquals(1000.5, helper.getMeanCache(DataType.FLOAT).getDouble(0), 1e-3);
        assertEquals(0.0, helper.getVarCache(DataType.FLOAT).minNumber().doubleValue(), 0.0);
        assertEquals(0.0, out.amaxNumber().doubleValue(), 1e-3, "every value is the mean: 0 after normalising");
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(Arrays.toString(expected.reshape(expected.length()).shape()), Arrays.toString(actual.reshape(actual.length()).shape()),
                what + ": size");
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double diff = expected.reshape(expected.length()).castTo(DataType.DOUBLE)
                .sub(actual.reshape(actual.length()).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= TOLERANCE * scale, what + ": differs by " + diff + " (largest value " + scale + ")");
    }
}
