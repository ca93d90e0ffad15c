package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.FloatBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Max pooling with its backward pass in Java must train exactly as DL4J's subsampling layer: a routed gradient is exact. */
class MaxPoolLayerTest {

    @ParameterizedTest(name = "{0}, batch norm {2}")
    @CsvSource({"lenet5,32,false,2", "lenet5,32,true,2", "alexnet-cifar,32,true,2", "vgg11,32,true,5"})
    void trainsExactlyAsDl4jsOwnLayerDoes(String preset, int side, boolean batchNorm, int pools) throws Exception {
        ComputationGraph stock = BatchNormFusionTest.network(preset, side, batchNorm);
        ComputationGraph lean = BatchNormFusionTest.copy(stock);
        assertEquals(pools, TrainingLayers.installMaxPool(lean));
        assertEquals(pools, Arrays.stream(lean.getLayers()).filter(l -> l instanceof MaxPoolLayer).count());
        assertEquals(stock.getConfiguration().toJson(), lean.getConfiguration().toJson(), "the network's description is untouched");
        BatchNormFusionTest.assertTrainsExactly(stock, lean, side, preset);

        BatchNormFusionTest.assertResumesExactly(stock, lean, side, TrainingLayers::installMaxPool, pools, preset);
    }

    /**
     * A 9×9 map after a ReLU (ties at zero in every dead window) pooled by 2 in Truncate mode (the last row and column
     * left out) and by 3 in Same mode; an overlapping pooling runs DL4J's passes in its place, and an average pooling
     * stays DL4J's layer.
     */
    @Test
    void coversNonOverlappingMaxPoolingAndLeavesTheRest() throws Exception {
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(5).updater(new Sgd(0.1)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(9, 9, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(), "in")
                .addLayer("truncate", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[] {2, 2}, new int[] {2, 2})
                        .convolutionMode(ConvolutionMode.Truncate).build(), "conv")
                .addLayer("same", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[] {3, 3}, new int[] {3, 3})
                        .convolutionMode(ConvolutionMode.Same).build(), "conv")
                .addLayer("overlapping", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[] {3, 3}, new int[] {2, 2})
                        .convolutionMode(ConvolutionMode.Truncate).build(), "conv")
                .addLayer("average", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG, new int[] {2, 2}, new int[] {2, 2})
                        .convolutionMode(ConvolutionMode.Truncate).build(), "conv")
                .addLayer("gap1", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "truncate")
                .addLayer("gap2", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "same")
                .addLayer("gap3", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "overlapping")
                .addLayer("gap4", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "average")
                .addVertex("merge", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "gap1", "gap2", "gap3", "gap4")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5).activation(Activation.SOFTMAX).build(), "merge")
                .setOutputs("out").build();
        ComputationGraph stock = new ComputationGraph(conf);
        stock.init();
        ComputationGraph lean = BatchNormFusionTest.copy(stock);
        assertEquals(3, TrainingLayers.installMaxPool(lean));
        assertTrue(((MaxPoolLayer) lean.getLayer("truncate")).backwardInJava());
        assertTrue(((MaxPoolLayer) lean.getLayer("same")).backwardInJava());
        assertFalse(((MaxPoolLayer) lean.getLayer("overlapping")).backwardInJava());
        assertEquals(org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class, lean.getLayer("average").getClass());

        MultiDataSet data = BatchNormFusionTest.batch(9, 3);
        assertArrayEquals(new long[] {4, 4, 4, 4}, lean.feedForward(data.getFeatures(0), false).get("truncate").shape());
        BatchNormFusionTest.assertTrainsExactly(stock, lean, 9, "9x9");
    }

    /** On ties (a window of zeros, as after a ReLU) the gradient goes to the window's first element, as libnd4j's and oneDNN's. */
    @Test
    void kernelsRouteTheGradientToTheFirstMaximum() {
        // one plane of 4×5: windows of 2×2 over the first 4 columns; the fifth column is left out (Truncate). Ties: the
        // zeros at the top left, the 3s at the top right, the 5s at the bottom left, the -2s at the bottom right
        float[] x = {
            -0f, 0, 1, 3, 9,
            0, 0, 3, 2, 9,
            -1, 5, -2, -2, 9,
            2, 5, -3, -2, 9};
        float[] dy = {10, 20, 30, 40};
        float[] dx = new float[20];
        MaxPoolKernels.Geometry g = new MaxPoolKernels.Geometry(1, 4, 5, 2, 2, 2, 2);
        MaxPoolKernels.backward(FloatBuffer.wrap(x), FloatBuffer.wrap(dy), FloatBuffer.wrap(dx), g);
        assertArrayEquals(new float[] {
            10, 0, 0, 20, 0,
            0, 0, 0, 0, 0,
            0, 30, 40, 0, 0,
            0, 0, 0, 0, 0}, dx, 0f);
    }

    @Test
    void greaterIsTheStrictComparisonWithoutABranch() {
        float[][] pairs = {{2, 1}, {1, 2}, {0f, -0f}, {-0f, 0f}, {3, 3}, {Float.MIN_VALUE, 0}, {0, Float.MIN_VALUE},
            {-1e30f, -Float.MAX_VALUE}, {Float.MAX_VALUE, -Float.MAX_VALUE}, {Float.POSITIVE_INFINITY, 1}};
        for (float[] p : pairs) {
            assertEquals(p[0] > p[1] ? 1 : 0, MaxPoolKernels.greater(p[0], p[1]), p[0] + " > " + p[1]);
        }
    }

    @Test
    void offWhenSwitchedOff() throws Exception {
        String property = TrainingLayers.Switch.JAVA_MAX_POOL.property();
        System.setProperty(property, "false");
        try {
            ComputationGraph graph = BatchNormFusionTest.network("lenet5", 32, false);
            TrainingLayers.Installed installed = TrainingLayers.install(graph);
            assertEquals(0, installed.maxPool());
            assertTrue(installed.describe().contains(", max pooling as DL4J's (cnn.javaMaxPool=false)"), installed.describe());
        } finally {
            System.clearProperty(property);
        }
        TrainingLayers.Installed installed = TrainingLayers.install(BatchNormFusionTest.network("lenet5", 32, false));
        assertTrue(installed.describe().contains(", max pooling backward pass in Java on 2 layers"), installed.describe());
    }
}
