package io.github.cnnmaven.training.callback;

/**
 * {@code cnn.maxMinutes}: stops after the epoch in which the training time (resumed runs included)
 * reaches the budget. The time so far is the run's own state (the checkpoint's), so this has none.
 */
public final class TimeBudget implements TrainingCallback {

    private final int minutes;
    private final int minEpochs;

    /** @param minEpochs {@code cnn.minEpochs}: the epochs it never stops before */
    public TimeBudget(int minutes, int minEpochs) {
        this.minutes = minutes;
        this.minEpochs = minEpochs;
    }

    @Override
    public String name() {
        return "timeBudget";
    }

    @Override
    public String afterEpoch(EpochEnd epoch) {
        return epoch.secondsSoFar() >= minutes * 60.0 && epoch.epoch() < epoch.epochs() && epoch.epoch() >= minEpochs
                ? "time budget of " + minutes + " minutes (cnn.maxMinutes) used up" : null;
    }
}
