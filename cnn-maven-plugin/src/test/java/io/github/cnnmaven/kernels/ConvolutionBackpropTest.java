package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A convolution without an activation of its own, or with a ReLU, and a dense layer with a ReLU must
 * backpropagate exactly as DL4J's do, without running their forward pass a second time.
 */
class ConvolutionBackpropTest {

    @ParameterizedTest(name = "{0}, batch norm {2}")
    @CsvSource({"lenet5,32,true,2,0,2", "alexnet-cifar,32,true,4,0,2", "resnet20,32,true,21,0,0", "resnet50,16,true,53,0,0",
            "lenet5,32,false,0,2,2", "alexnet-cifar,32,false,0,4,2"})
    void trainsExactlyAsDl4jsOwnLayerDoes(String preset, int side, boolean batchNorm, int identity, int reluConvolutions,
                                          int reluDense) throws Exception {
        ComputationGraph stock = BatchNormFusionTest.network(preset, side, batchNorm);
        ComputationGraph lean = BatchNormFusionTest.copy(stock);

        assertEquals(identity + reluConvolutions + reluDense, ConvolutionBackprop.install(lean));
        assertEquals(stock.getConfiguration().toJson(), lean.getConfiguration().toJson(), "the network's description is untouched");
        assertEquals(identity, count(lean, IdentityConvolutionLayer.class));
        assertEquals(reluConvolutions, count(lean, ReluConvolutionLayer.class));
        assertEquals(reluDense, count(lean, ReluDenseLayer.class));

        MultiDataSet first = BatchNormFusionTest.batch(side, 1);
        BatchNormFusionTest.computeGradients(first, stock, lean);
        // the same arithmetic in the same order: the same floats, not merely close ones
        BatchNormFusionTest.assertSameGradients(stock, lean, preset);
        BatchNormFusionTest.threeSteps(side, stock, lean);
        assertArrayEquals(BatchNormFusionTest.floats(stock.params()), BatchNormFusionTest.floats(lean.params()), preset + " parameters after 3 steps");

        BatchNormFusionTest.assertResumesExactly(stock, lean, side, ConvolutionBackprop::install,
                identity + reluConvolutions + reluDense, preset);
    }

    /**
     * The backward pass reads the copy of the output: zeroed between the forward and the backward
     * pass, it zeroes the layers' gradients, which a recomputed output would not.
     */
    @Test
    void reluLayersBackpropagateThroughTheCopyOfTheirOutput() throws Exception {
        ComputationGraph lean = BatchNormFusionTest.network("lenet5", 32, false);
        ConvolutionBackprop.install(lean);
        List<ReluOutputCopy> copies = new ArrayList<>();
        for (Layer layer : lean.getLayers()) {
            if (layer instanceof ReluDenseLayer dense) {
                copies.add(dense.output);
            } else if (layer instanceof ReluConvolutionLayer convolution) {
                copies.add(convolution.output);
            }
        }
        assertEquals(4, copies.size());
        lean.setListeners(new BaseTrainingListener() {
            @Override
            public void onForwardPass(Model model, Map<String, INDArray> activations) {
                copies.forEach(c -> c.copy().assign(0));
            }
        });
        MultiDataSet first = BatchNormFusionTest.batch(32, 1);
        lean.setInputs(first.getFeatures());
        lean.setLabels(first.getLabels());
        lean.computeGradientAndScore();

        for (Map.Entry<String, INDArray> g : lean.gradient().gradientForVariable().entrySet()) {
            if (!g.getKey().startsWith("output")) {
                assertEquals(0, g.getValue().amaxNumber().doubleValue(), g.getKey());
            }
        }
    }

    private static long count(ComputationGraph graph, Class<?> type) {
        return java.util.Arrays.stream(graph.getLayers()).filter(type::isInstance).count();
    }

    @Test
    void runsEachConvolutionOncePerStep() throws Exception {
        ComputationGraph stock = convBatchNormReluConvRelu();
        ComputationGraph lean = BatchNormFusionTest.copy(stock);
        assertEquals(2, ConvolutionBackprop.install(lean), "the convolution without an activation and the one with a ReLU");
        Map<String, int[]> stockCalls = countForwardPasses(stock);
        Map<String, int[]> leanCalls = countForwardPasses(lean);

        MultiDataSet data = new MultiDataSet(Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8), Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}}));
        stock.fit(data);
        lean.fit(data);

        assertEquals(2, stockCalls.get("conv")[0], "DL4J runs the convolution again in its backward pass");
        assertEquals(1, leanCalls.get("conv")[0], "forward only");
        assertEquals(2, stockCalls.get("conv2")[0]);
        assertEquals(1, leanCalls.get("conv2")[0], "a ReLU convolution's derivative reads a copy of its output");
        assertArrayEquals(BatchNormFusionTest.floats(stock.params()), BatchNormFusionTest.floats(lean.params()));
    }

    @Test
    void offWhenSwitchedOff() {
        System.setProperty(TrainingLayers.Switch.CONVOLUTION_BACKPROP.property(), "false");
        try {
            ComputationGraph graph = convBatchNormReluConvRelu();
            TrainingLayers.Installed installed = TrainingLayers.install(graph);
            assertEquals(0, installed.convolutions());
            assertTrue(installed.describe().contains("convolution backward pass as DL4J's (cnn.convolutionBackprop=false)"),
                    installed.describe());
        } finally {
            System.clearProperty(TrainingLayers.Switch.CONVOLUTION_BACKPROP.property());
        }
        ComputationGraph graph = convBatchNormReluConvRelu();
        TrainingLayers.Installed installed = TrainingLayers.install(graph);
        assertEquals("fused batch norm on 1 layers (1 with their ReLU), convolution backward pass without recomputing the output on 2 layers,"
                + " ReLU in one pass on 1 layers, max pooling as DL4J's, convolutions calling oneDNN directly on 2 layers", installed.describe());
        // the second convolution's ReLU runs in the plugin's kernels; its configuration in the network stays DL4J's
        ReluConvolutionLayer conv2 = (ReluConvolutionLayer) graph.getLayer("conv2");
        assertTrue(conv2.kernelRelu());
        assertTrue(conv2.layerConf().getActivationFn() instanceof KernelRelu);
        assertTrue(TrainingLayers.plainRelu(((org.deeplearning4j.nn.conf.layers.ConvolutionLayer) conv2.conf().getLayer()).getActivationFn()));
    }

    private static ComputationGraph convBatchNormReluConvRelu() {
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(3).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("conv", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("conv2", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "relu")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /**
     * Gives every convolution a helper that counts its forward passes and declines them (returns
     * nothing), so DL4J's built-in path computes as before.
     */
    private static Map<String, int[]> countForwardPasses(ComputationGraph graph) throws Exception {
        Field helper = ConvolutionLayer.class.getDeclaredField("helper");
        helper.setAccessible(true);
        Map<String, int[]> calls = new HashMap<>();
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof ConvolutionLayer) {
                int[] count = calls.computeIfAbsent(layer.conf().getLayer().getLayerName(), k -> new int[1]);
                helper.set(layer, Proxy.newProxyInstance(ConvolutionHelper.class.getClassLoader(), new Class<?>[] {ConvolutionHelper.class},
                        (proxy, method, args) -> switch (method.getName()) {
                            case "preOutput" -> {
                                count[0]++;
                                yield null;
                            }
                            case "checkSupported" -> true;
                            case "helperMemoryUse" -> Map.of();
                            default -> null;
                        }));
            }
        }
        return calls;
    }
}
