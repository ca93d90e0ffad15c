package io.github.cnnmaven.kernels;

import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.inference.InferenceGraphTest;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.TrainingConfig;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused batch norm (with its ReLU) must compute what DL4J's own batch-norm and ReLU layers
 * compute: the training forward pass, every gradient, the running statistics after steps, and the
 * same again after a save and a resume, for each preset that uses batch norm.
 */
class BatchNormFusionTest {

    static final double TOLERANCE = 1e-4;

    static ComputationGraph network(String preset, int side) throws Exception {
        return network(preset, side, true);
    }

    static ComputationGraph network(String preset, int side, boolean batchNorm) throws Exception {
        // SGD: Adam's first steps divide by the gradient's own size, so a 1e-7 difference in a
        // near-zero gradient becomes a full learning-rate step and hides what is being compared.
        TrainingConfig c = TrainingConfig.builder().network(preset).epochs(1).batchSize(4).batchNorm(batchNorm).dropout(0.0)
                .optimizer(Optimizer.SGD).learningRate(0.05).momentum(0.9).seed(11).build();
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(c, new InputShape(3, side, side, 5), 1).configuration());
        graph.init();
        return graph;
    }

    static MultiDataSet batch(int side, long seed) {
        int images = 4;
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, images, 3, side, side).muli(3).subi(1);
        INDArray y = Nd4j.zeros(DataType.FLOAT, images, 5);
        for (int i = 0; i < images; i++) {
            y.putScalar(i, (i * 3 + seed) % 5, 1);
        }
        return new MultiDataSet(x, y);
    }

    @ParameterizedTest
    @CsvSource({
            "lenet5,32,2,2", "alexnet-cifar,32,4,4", "vgg11,32,8,8", "nin,32,9,9", "resnet20,32,21,10",
            "resnet18,16,20,9", "resnet50,16,53,33", "googlenet,16,55,55", "alexnet,32,5,5"})
    void trainsAsDl4jsOwnLayersDo(String preset, int side, int batchNorms, int relus) throws Exception {
        ComputationGraph stock = network(preset, side);
        InferenceGraphTest.randomiseBatchNorms(stock);
        ComputationGraph fused = copy(stock);
        // The same batch-norm arithmetic, with DL4J's own ReLU layers after it (see below).
        ComputationGraph unfused = copy(stock);
        int[] helpers = {0};
        for (Layer layer : unfused.getLayers()) {
            if (layer instanceof BatchNormalization) {
                Field helper = BatchNormalization.class.getDeclaredField("helper");
                helper.setAccessible(true);
                helper.set(layer, new FusedBatchNormHelper(false));
                helpers[0]++;
            }
        }

        BatchNormFusion.Installed installed = BatchNormFusion.install(fused);

        assertEquals(new BatchNormFusion.Installed(batchNorms, relus), installed);
        assertEquals(batchNorms, helpers[0]);
        assertEquals(stock.getConfiguration().toJson(), fused.getConfiguration().toJson(), "the network's description is untouched");
        MultiDataSet first = batch(side, 1);

        // The training forward pass against DL4J's own layers, layer by layer (a fused batch norm's
        // own output is already rectified).
        Map<String, INDArray> expected = stock.feedForward(first.getFeatures(0), true);
        Map<String, INDArray> actual = fused.feedForward(first.getFeatures(0), true);
        for (Layer layer : fused.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            boolean rectified = layer instanceof BatchNormalization bn && ((FusedBatchNormHelper) bn.getHelper()).fusesRelu();
            assertClose(rectified ? Transforms.relu(expected.get(name), true) : expected.get(name), actual.get(name),
                    preset + " activations of " + name);
        }
        assertClose(stock.outputSingle(false, first.getFeatures(0)), fused.outputSingle(false, first.getFeatures(0)),
                preset + " inference output");

        // Gradients and steps: against the same arithmetic with DL4J's ReLU layers. (Against DL4J's
        // own batch norm a ReLU input within rounding of 0 may fall either side of the mask, and in a
        // deep network one such value in a million moves a whole row of a weight gradient;
        // FusedBatchNormHelperTest compares the gradients of each layer with DL4J's.)
        computeGradients(first, unfused, fused);
        assertEquals(unfused.score(), fused.score(), TOLERANCE, "loss");
        for (Map.Entry<String, INDArray> g : unfused.gradient().gradientForVariable().entrySet()) {
            assertClose(g.getValue(), fused.gradient().gradientForVariable().get(g.getKey()), preset + " gradient of " + g.getKey());
        }
        threeSteps(side, unfused, fused);
        // the parameters, the batch-norm running statistics among them
        assertClose(unfused.params(), fused.params(), preset + " parameters after 3 steps");
        assertRunningStatisticsMoved(fused);

        // Resume: the model saved mid-run is DL4J's own; reloaded and fused again, it trains on alike.
        ComputationGraph resumed = reload(fused);
        assertEquals(installed, BatchNormFusion.install(resumed));
        for (int step = 0; step < 2; step++) {
            MultiDataSet data = batch(side, 20 + step);
            unfused.fit(data);
            resumed.fit(data);
        }
        assertClose(unfused.params(), resumed.params(), preset + " parameters after the resume");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"plain,1,1", "ReLU with dropout,1,0", "batch norm read twice,1,0", "leaky ReLU,1,0", "NHWC,0,0", "double precision,0,0"})
    void fusesOnlyWhatItCanComputeExactly(String shape, int batchNorms, int relus) {
        CNN2DFormat format = shape.equals("NHWC") ? CNN2DFormat.NHWC : CNN2DFormat.NCHW;
        var graph = new NeuralNetConfiguration.Builder().dataType(shape.equals("double precision") ? DataType.DOUBLE : DataType.FLOAT)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(8, 8, 3, format))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .dataFormat(format).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().dataFormat(format).build(), "conv");
        var relu = new ActivationLayer.Builder().activation(shape.equals("leaky ReLU") ? Activation.LEAKYRELU : Activation.RELU);
        if (shape.equals("ReLU with dropout")) {
            relu.dropOut(0.5);
        }
        graph.addLayer("relu", relu.build(), "bn");
        String last = "relu";
        if (shape.equals("batch norm read twice")) {
            graph.addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "relu", "bn");
            last = "sum";
        }
        graph.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out");
        ComputationGraph network = new ComputationGraph(graph.build());
        network.init();

        assertEquals(new BatchNormFusion.Installed(batchNorms, relus), BatchNormFusion.install(network));
        INDArray x = format == CNN2DFormat.NHWC ? Nd4j.rand(network.getConfiguration().getDataType(), 2, 8, 8, 3)
                : Nd4j.rand(network.getConfiguration().getDataType(), 2, 3, 8, 8);
        assertEquals(2, network.outputSingle(true, x).size(0), "the network still runs");
    }

    @Test
    void refusesWhatItWasNotInstalledFor() {
        FusedBatchNormHelper helper = new FusedBatchNormHelper(true);
        INDArray nhwc = Nd4j.rand(DataType.FLOAT, 2, 4, 4, 3);
        assertThrows(IllegalStateException.class, () -> helper.preOutput(nhwc, true, new long[] {1, 3}, Nd4j.ones(DataType.FLOAT, 1, 3),
                Nd4j.zeros(DataType.FLOAT, 1, 3), Nd4j.zeros(DataType.FLOAT, 3), Nd4j.ones(DataType.FLOAT, 3), 0.9, 1e-5,
                CNN2DFormat.NHWC, LayerWorkspaceMgr.noWorkspaces()));
        assertThrows(IllegalStateException.class, () -> helper.backpropGradient(Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4),
                Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4), new long[] {1, 3}, Nd4j.ones(DataType.FLOAT, 1, 3), Nd4j.zeros(DataType.FLOAT, 1, 3),
                Nd4j.zeros(DataType.FLOAT, 1, 3), Nd4j.zeros(DataType.FLOAT, 1, 3), 1e-5, CNN2DFormat.NCHW,
                LayerWorkspaceMgr.noWorkspaces()), "no backward pass before a training forward pass");
    }

    private static void assertRunningStatisticsMoved(ComputationGraph graph) {
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof BatchNormalization) {
                INDArray mean = layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN);
                assertNotEquals(0.0, mean.amaxNumber().doubleValue(), "running mean of " + layer.conf().getLayer().getLayerName());
                return;
            }
        }
    }

    /** Both networks' gradients on one batch; the reference's must not be trivially zero. */
    static void computeGradients(MultiDataSet data, ComputationGraph reference, ComputationGraph other) {
        for (ComputationGraph g : new ComputationGraph[] {reference, other}) {
            g.setInputs(data.getFeatures());
            g.setLabels(data.getLabels());
            g.computeGradientAndScore();
        }
        assertTrue(reference.gradient().gradient().amaxNumber().doubleValue() > 1e-3, "the gradient is not trivially zero");
    }

    /** Every gradient of the last {@link #computeGradients}, float for float. */
    static void assertSameGradients(ComputationGraph expected, ComputationGraph actual, String preset) {
        for (Map.Entry<String, INDArray> g : expected.gradient().gradientForVariable().entrySet()) {
            assertArrayEquals(floats(g.getValue()), floats(actual.gradient().gradientForVariable().get(g.getKey())),
                    preset + " gradient of " + g.getKey());
        }
    }

    static float[] floats(INDArray a) {
        return a.reshape(a.length()).toFloatVector();
    }

    /** Three training steps of both networks on the same batches. */
    static void threeSteps(int side, ComputationGraph a, ComputationGraph b) {
        for (int step = 0; step < 3; step++) {
            MultiDataSet data = batch(side, 10 + step);
            a.fit(data);
            b.fit(data);
        }
    }

    static ComputationGraph copy(ComputationGraph graph) {
        ComputationGraph copy = new ComputationGraph(graph.getConfiguration().clone());
        copy.init(graph.params().dup(), false);
        return copy;
    }

    /** The same gradients on one batch, parameters after three steps and inference outputs, float for float. */
    static void assertTrainsExactly(ComputationGraph stock, ComputationGraph lean, int side, String what) {
        computeGradients(batch(side, 1), stock, lean);
        assertSameGradients(stock, lean, what);
        threeSteps(side, stock, lean);
        assertArrayEquals(floats(stock.params()), floats(lean.params()), what + " parameters after 3 steps");
        MultiDataSet test = batch(side, 30);
        assertArrayEquals(floats(stock.outputSingle(test.getFeatures(0))), floats(lean.outputSingle(test.getFeatures(0))),
                what + " inference");
    }

    /**
     * The saved model is DL4J's own: {@code lean} saved, reloaded and given the plugin's layers again by {@code install}
     * (which must report {@code installed} of them) takes the next step exactly as {@code stock} does.
     */
    static void assertResumesExactly(ComputationGraph stock, ComputationGraph lean, int side,
                                     java.util.function.ToIntFunction<ComputationGraph> install, int installed, String what)
            throws Exception {
        ComputationGraph resumed = reload(lean);
        assertEquals(installed, install.applyAsInt(resumed));
        MultiDataSet next = batch(side, 20);
        stock.fit(next);
        resumed.fit(next);
        assertArrayEquals(floats(stock.params()), floats(resumed.params()),
                what + " parameters after the resume");
    }

    static ComputationGraph reload(ComputationGraph graph) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(graph, bytes, true);
        return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + ": shape");
        double diff = expected.reshape(expected.length()).castTo(DataType.DOUBLE)
                .sub(actual.reshape(actual.length()).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(diff <= TOLERANCE * Math.max(1, scale), what + ": differs by " + diff + " (largest value " + scale + ")");
    }
}
