package io.github.cnnmaven.network;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The faster statistics must not change the arithmetic: forward output, the batch statistics the
 * layer folds into its running averages, and every gradient match DL4J's own oneDNN helper.
 * (The helpers call libnd4j's batchnorm op, which the generic test build also has.)
 */
class FastBatchNormHelperTest {

    static final double EPS = 1e-5;

    record Outcome(INDArray output, INDArray mean, INDArray variance, INDArray epsilonOut, INDArray dGamma, INDArray dBeta) {
    }

    static Outcome run(BatchNormalizationHelper helper, INDArray x, INDArray gamma, INDArray beta, INDArray dy) {
        long c = x.size(1);
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        INDArray out = helper.preOutput(x, true, new long[] {1, c}, gamma, beta, Nd4j.zeros(DataType.FLOAT, c),
                Nd4j.ones(DataType.FLOAT, c), 0.9, EPS, CNN2DFormat.NCHW, noWorkspaces).dup();
        INDArray mean = helper.getMeanCache(DataType.FLOAT).dup();
        INDArray variance = helper.getVarCache(DataType.FLOAT).dup();
        INDArray dGamma = Nd4j.zeros(DataType.FLOAT, 1, c);
        INDArray dBeta = Nd4j.zeros(DataType.FLOAT, 1, c);
        Pair<Gradient, INDArray> back = helper.backpropGradient(x, dy, new long[] {1, c}, gamma, beta, dGamma, dBeta, EPS,
                CNN2DFormat.NCHW, noWorkspaces);
        return new Outcome(out, mean, variance, back.getSecond().dup(), dGamma, dBeta);
    }

    @Test
    void matchesDl4jsOwnHelperForwardAndBackward() {
        Nd4j.getRandom().setSeed(7);
        // an offset mean and uneven scales per channel, as activations after a convolution have
        INDArray x = Nd4j.randn(DataType.FLOAT, 16, 6, 9, 9).muli(Nd4j.createFromArray(0.5f, 1f, 1.5f, 2f, 2.5f, 3f).reshape(1, 6, 1, 1))
                .addi(Nd4j.createFromArray(-2f, -1f, 0f, 1f, 2.5f, 4f).reshape(1, 6, 1, 1));
        INDArray gamma = Nd4j.rand(DataType.FLOAT, 1, 6).addi(0.5);
        INDArray beta = Nd4j.randn(DataType.FLOAT, 1, 6);
        INDArray dy = Nd4j.randn(DataType.FLOAT, 16, 6, 9, 9);

        Outcome stock = run(new MKLDNNBatchNormHelper(DataType.FLOAT), x, gamma, beta, dy);
        Outcome fast = run(new FastBatchNormHelper(DataType.FLOAT), x, gamma, beta, dy);

        assertClose(x.mean(0, 2, 3), fast.mean(), 1e-5, "batch mean");
        assertClose(x.var(false, 0, 2, 3), fast.variance(), 1e-4, "batch variance (biased, as batch norm uses)");
        assertClose(stock.mean(), fast.mean(), 1e-5, "mean as the stock helper has it");
        assertClose(stock.variance(), fast.variance(), 1e-4, "variance as the stock helper has it");
        assertClose(stock.output(), fast.output(), 1e-4, "normalised output");
        assertClose(stock.epsilonOut(), fast.epsilonOut(), 1e-4, "gradient to the previous layer");
        assertClose(stock.dGamma(), fast.dGamma(), 1e-3, "gamma gradient");
        assertClose(stock.dBeta(), fast.dBeta(), 1e-3, "beta gradient");
        assertTrue(fast.output().std(0, 2, 3).minNumber().doubleValue() > 0.1, "a real normalisation happened");
    }

    @Test
    void aConstantChannelHasZeroVarianceNotANegativeOne() {
        INDArray x = Nd4j.valueArrayOf(new long[] {4, 2, 3, 3}, 1000.5f, DataType.FLOAT);
        FastBatchNormHelper helper = new FastBatchNormHelper(DataType.FLOAT);
        helper.preOutput(x, true, new long[] {1, 2}, Nd4j.ones(DataType.FLOAT, 1, 2), Nd4j.zeros(DataType.FLOAT, 1, 2),
                Nd4j.zeros(DataType.FLOAT, 2), Nd4j.ones(DataType.FLOAT, 2), 0.9, EPS, CNN2DFormat.NCHW,
                LayerWorkspaceMgr.noWorkspaces());
        assertEquals(1000.5, helper.getMeanCache(DataType.FLOAT).getDouble(0), 1e-3);
        assertTrue(helper.getVarCache(DataType.FLOAT).minNumber().doubleValue() >= 0);
    }

    static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        double diff = expected.reshape(expected.length()).castTo(DataType.DOUBLE)
                .sub(actual.reshape(actual.length()).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= tolerance, what + ": differs by " + diff);
    }
}
