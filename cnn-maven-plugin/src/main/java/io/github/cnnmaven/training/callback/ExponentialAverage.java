package io.github.cnnmaven.training.callback;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.math.BigDecimal;
import java.nio.FloatBuffer;

/**
 * {@code cnn.ema}: an exponential moving average of the weights, updated after every training step. The decay
 * is at most (1 + n)/(10 + n) after n updates, as in TensorFlow's ExponentialMovingAverage, so the first epochs'
 * average is not dominated by the random initial weights.
 */
public final class ExponentialAverage extends WeightAverage {

    private final double decay;

    public ExponentialAverage(double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("decay " + decay);
        }
        this.decay = decay;
    }

    /** The decay of the next update, after {@code updates} of them. */
    static double decayAfter(double decay, long updates) {
        return Math.min(decay, (1.0 + updates) / (10.0 + updates));
    }

    @Override
    public String describe() {
        return "Weight averaging (cnn.ema): an exponential moving average of the weights, decay "
                + BigDecimal.valueOf(Math.round(decay * 1e6) / 1e6).stripTrailingZeros().toPlainString() + " per step; validation, the kept model and the"
                + " export use the average";
    }

    @Override
    public void afterBatch(BatchEnd batch) {
        update(batch.graph().params());
    }

    /** One step: average ← d·average + (1 − d)·params. */
    void update(INDArray params) {
        if (average == null) {
            average = params.dup();
        } else {
            blend(average, params, decayAfter(decay, updates));
        }
        updates++;
        changed();
    }

    /**
     * {@code average ← d·average + (1 − d)·params} in place. Not {@code average.muli(d).addi(params.mul(1 - d))}:
     * allocating an array of the network's size on every step cost more than the arithmetic, and ND4J's pairwise
     * ops on one long row were several times slower than one pass over the two float buffers.
     */
    static void blend(INDArray average, INDArray params, double d) {
        if (average.dataType() != DataType.FLOAT || params.dataType() != DataType.FLOAT || !dense(average) || !dense(params)
                || average.length() != params.length()) {
            average.subi(params).muli(d).addi(params); // (a − p)·d + p, still in place
            return;
        }
        FloatBuffer a = average.data().asNioFloat();
        FloatBuffer p = params.data().asNioFloat();
        int ao = (int) average.offset();
        int po = (int) params.offset();
        float keep = (float) d;
        float take = (float) (1 - d);
        for (int i = 0, n = (int) average.length(); i < n; i++) {
            a.put(ao + i, a.get(ao + i) * keep + p.get(po + i) * take);
        }
    }

    /** Its elements lie one after another in its buffer. */
    private static boolean dense(INDArray x) {
        return x.ordering() == 'c' && x.elementWiseStride() == 1 && x.length() <= Integer.MAX_VALUE;
    }

    @Override
    public void epochTrained(int epoch, int plannedEpochs, ComputationGraph graph) {
        // updated after every step already
    }
}
