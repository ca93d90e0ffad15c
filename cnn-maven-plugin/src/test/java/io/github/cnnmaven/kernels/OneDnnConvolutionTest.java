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
 */
class OneDnnConvolutionTest {

    /**
     * @param tolerance relative, of the gradients and outputs
     * @param steps     relative, of the parameters after three SGD steps: DL4J's own parameters move by 4e-4 when the
     *                  input is nudged by 1e-6 in resnet18 (measured), so that is the floor there
     */
    @ParameterizedTest(name = "{0}, side {1}, batch norm {2}")
    @CsvSource({"lenet5,32,true,2,1e-4,1e-4", "lenet5,32,false,2,1e-4,1e-4", "alexnet-cifar,32,true,4,1e-4,1e-4",
            "alexnet-cifar,32,false,4,1e-4,1e-4", "resnet20,32,true,21,1e-4,1e-4", "resnet18,32,true,20,1e-4,1e-3"})
    void trainsAsDl4jsOwnConvolutionsDo(String preset, int side, boolean batchNorm, int convolutions, double tolerance,
                                        double steps) throws Exception {
        assertNull(OneDnnConvolution.unavailable(), "the preset loads on the machines the tests run on");
        ComputationGraph stock = BatchNormFusionTest.network(preset, side, batchNorm);
        ComputationGraph direct = BatchNormFusionTest.copy(stock);
        ConvolutionBackprop.install(direct);
        ComputationGraph reference = BatchNormFusionTest.copy(stock);
        ConvolutionBackprop.install(reference); // the same layers, DL4J's arithmetic in them
        assertEquals(0, OneDnnConvolution.install(BatchNormFusionTest.copy(reference)), "on trial: off unless switched on");
        assertEquals(convolutions, OneDnnConvolution.installOn(direct), preset + ": plain convolutions now call oneDNN");

        MultiDataSet data = BatchNormFusionTest.batch(side, 1);
        BatchNormFusionTest.computeGradients(data, reference, direct);
        for (Map.Entry<String, INDArray> g : reference.gradient().gradientForVariable().entrySet()) {
            assertClose(g.getValue(), direct.gradient().gradientForVariable().get(g.getKey()),
                    preset + " gradient of " + g.getKey(), tolerance);
        }
        BatchNormFusionTest.threeSteps(side, reference, direct);
        assertClose(reference.params(), direct.params(), preset + " parameters after 3 steps", steps);
        assertClose(reference.outputSingle(data.getFeatures(0)), direct.outputSingle(data.getFeatures(0)),
                preset + " output", tolerance);

        ComputationGraph resumed = BatchNormFusionTest.reload(direct);
        ConvolutionBackprop.install(resumed);
        assertEquals(convolutions, OneDnnConvolution.installOn(resumed));
        MultiDataSet next = BatchNormFusionTest.batch(side, 20);
        direct.fit(next);
        resumed.fit(next);
        assertClose(direct.params(), resumed.params(), preset + " parameters after the resume", tolerance);
    }

    private static void assertClose(INDArray expected, INDArray actual, String what, double tolerance) {
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(diff <= tolerance * Math.max(1, scale), what + ": differs by " + diff + " (largest value " + scale + ")");
    }
}
