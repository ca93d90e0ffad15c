package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.training.TrainingDivergedException;

import java.util.Locale;

/**
 * Stops training when it has diverged, whatever the optimizer: the loss is not a number, or its
 * smoothed value (an exponential average, bias-corrected, as the learning-rate finder smooths) has
 * risen far above both its best so far and the loss of guessing (ln of the class count). Adaptive
 * optimizers such as Adam rarely reach NaN at too high a rate; their loss climbs into the
 * thousands while accuracy stays at chance, which only the second test catches. The smoothing and
 * best value are its state, so a resumed run judges as an uninterrupted one would.
 */
public final class DivergenceGuard extends StatefulCallback<DivergenceGuard.State> {

    /** The smoothing of the loss: the learning-rate finder's. */
    static final double BETA = 0.98;
    /** Diverged once the smoothed loss exceeds this multiple of its best and of the chance-level loss. */
    static final double FACTOR = 4;
    /** Batches before the smoothed loss is judged: the first few are noisy. */
    static final int WARM_UP = 5;

    /** @param average the exponential average of the loss before bias correction */
    public record State(long batches, double average, double best) {
    }

    private final double configuredRate;
    private final double chanceLoss;

    /**
     * @param configuredRate {@code cnn.learningRate}, which the message names
     * @param classes        the number of classes: guessing has a loss of ln(classes)
     */
    public DivergenceGuard(double configuredRate, int classes) {
        super(State.class, new State(0, 0, Double.POSITIVE_INFINITY));
        this.configuredRate = configuredRate;
        this.chanceLoss = Math.log(Math.max(2, classes));
    }

    @Override
    public String name() {
        return "divergence";
    }

    @Override
    public void afterBatch(BatchEnd batch) throws TrainingDivergedException {
        if (!Double.isFinite(batch.loss())) {
            throw diverged(batch, "the loss is " + batch.loss());
        }
        long n = state.batches() + 1;
        double average = BETA * state.average() + (1 - BETA) * batch.loss();
        double smoothed = average / (1 - Math.pow(BETA, n));
        double best = Math.min(state.best(), smoothed);
        state = new State(n, average, best);
        if (n > WARM_UP && smoothed > FACTOR * Math.max(best, chanceLoss)) {
            throw diverged(batch, String.format(Locale.ROOT, "the smoothed loss is %.4g, more than %.0f times its best"
                    + " (%.4g) and the loss of guessing (%.4g)", smoothed, FACTOR, best, chanceLoss));
        }
    }

    private TrainingDivergedException diverged(BatchEnd batch, String why) {
        double rate = batch.graph().getLearningRate(batch.graph().getLayers()[0].conf().getLayer().getLayerName());
        return new TrainingDivergedException(String.format(Locale.ROOT,
                "Training diverged in epoch %d, iteration %d: %s at learning rate %s (cnn.learningRate=%s)."
                        + " No model was written. Lower the learning rate, or run mvn cnn:find-lr (or set"
                        + " cnn.learningRate=auto) to pick one.",
                batch.epoch(), batch.iteration(), why, rate, configuredRate));
    }
}
