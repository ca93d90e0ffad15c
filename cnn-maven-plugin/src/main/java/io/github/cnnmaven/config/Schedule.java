package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/** {@code cnn.schedule}: how the learning rate changes over training (network.Schedules builds each). */
public enum Schedule implements Choice {
    CONSTANT,
    /** Multiplied by {@code cnn.gamma} every {@code cnn.stepSize} epochs. */
    STEP,
    /** Multiplied by {@code cnn.gamma} at each of {@code cnn.milestones}. */
    MULTISTEP,
    /** Multiplied by {@code cnn.gamma} when validation accuracy has not improved for {@code cnn.patience} epochs. */
    PLATEAU,
    COSINE,
    /** Up to the peak and down again, with momentum cycling against it. */
    ONECYCLE;

    @JsonCreator
    public static Schedule fromJson(String value) {
        return Choice.fromJson(Schedule.class, value);
    }

    /** Whether the rate depends on validation results, so the trainer changes it between epochs. */
    public boolean followsValidation() {
        return this == PLATEAU;
    }

    /** Whether the schedule is laid out over the run's length, so a time budget re-plans it (training.callback.BudgetPlanner). */
    public boolean dependsOnLength() {
        return this == STEP || this == MULTISTEP || this == COSINE || this == ONECYCLE;
    }

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id();
    }
}
