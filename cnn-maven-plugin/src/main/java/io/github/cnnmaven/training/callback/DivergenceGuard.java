package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.training.TrainingDivergedException;

import java.util.Locale;

/** Stops training when the loss is no longer a number: nothing after that can be trusted. */
public final class DivergenceGuard implements TrainingCallback {

    private final double configuredRate;

    /** @param configuredRate {@code cnn.learningRate}, which the message names */
    public DivergenceGuard(double configuredRate) {
        this.configuredRate = configuredRate;
    }

    @Override
    public String name() {
        return "divergence";
    }

    @Override
    public void afterBatch(BatchEnd batch) throws TrainingDivergedException {
        if (!Double.isFinite(batch.loss())) {
            throw diverged(batch, String.valueOf(batch.loss()));
        }
    }

    private TrainingDivergedException diverged(BatchEnd batch, String loss) {
        double rate = batch.graph().getLearningRate(batch.graph().getLayers()[0].conf().getLayer().getLayerName());
        return new TrainingDivergedException(String.format(Locale.ROOT,
                "Training diverged in epoch %d, iteration %d: the loss is %s at learning rate %s (cnn.learningRate=%s)."
                        + " No model was written. Lower the learning rate, or run mvn cnn:find-lr (or set"
                        + " cnn.learningRate=auto) to pick one.",
                batch.epoch(), batch.iteration(), loss, rate, configuredRate));
    }
}
