package io.github.cnnmaven.training.callback;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.math.BigDecimal;

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
}
