package io.github.cnnmaven.kernels;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.lang.reflect.Field;
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

    @ParameterizedTest(name = "{0}: {1} pairs")
    @CsvSource({"resnet20,21", "resnet18,20", "alexnet-cifar,4", "vgg11,8"})
    void computesWhatTheSamePrimitivesComputeInNchw(String preset, int pairs) throws Exception {
        int side = 32;
        ComputationGraph stock = BatchNormFusionTest.network(preset, side, true);
        ComputationGraph blocked = BatchNormFusionTest.copy(stock);
        assertEquals(pairs, TrainingLayers.install(blocked).blocked(), preset + ": every convolution → batch norm pair");
        ComputationGraph nchw = BatchNormFusionTest.copy(stock);
        String property = TrainingLayers.Switch.BLOCKED_ACTIVATIONS.property();
        System.setProperty(property, "false");
        try {
            assertEquals(pairs, TrainingLayers.install(nchw).blocked(), "the same batch norms through oneDNN");
        } finally {
            System.clearProperty(property);
        }

        MultiDataSet data = BatchNormFusionTest.batch(side, 1);
        BatchNormFusionTest.computeGradients(data, nchw, blocked);
        for (Map.Entry<String, INDArray> g : nchw.gradient().gradientForVariable().entrySet()) {
            assertClose(g.getValue(), blocked.gradient().gradientForVariable().get(g.getKey()), preset + " gradient of " + g.getKey());
        }
        BatchNormFusionTest.threeSteps(side, nchw, blocked);
        assertClose(nchw.params(), blocked.params(), preset + " parameters after 3 steps");
        INDArray image = BatchNormFusionTest.batch(side, 30).getFeatures(0);
        assertClose(nchw.outputSingle(image), blocked.outputSingle(image), preset + " inference output");

        ComputationGraph resumed = BatchNormFusionTest.reload(blocked);
        assertEquals(pairs, TrainingLayers.install(resumed).blocked(), "the saved model links again");
        MultiDataSet next = BatchNormFusionTest.batch(side, 20);
        blocked.fit(next);
        resumed.fit(next);
        assertClose(blocked.params(), resumed.params(), preset + " parameters after the resume");
    }

    @Test
    void stopsOnceDl4jRanItsOwnBatchNormOnBlockedValues() throws Exception {
        ComputationGraph graph = BatchNormFusionTest.network("resnet20", 32, true);
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

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = distance(expected, actual);
        assertTrue(Double.isFinite(diff) && diff <= TOLERANCE * Math.max(1, scale), what + ": differs by " + diff + " (largest value " + scale + ")");
    }

    private static double distance(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
