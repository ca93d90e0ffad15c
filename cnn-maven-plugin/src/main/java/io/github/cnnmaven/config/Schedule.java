package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code cnn.schedule}: how the learning rate changes over training (network.Schedules builds each). */
public enum Schedule implements Choice {
    CONSTANT("constant"),
    /** Multiplied by {@code cnn.gamma} every {@code cnn.stepSize} epochs. */
    STEP("step"),
    /** Multiplied by {@code cnn.gamma} at each of {@code cnn.milestones}. */
    MULTISTEP("multistep"),
    /** Multiplied by {@code cnn.gamma} when validation accuracy has not improved for {@code cnn.patience} epochs. */
    PLATEAU("plateau"),
    COSINE("cosine"),
    /** Up to the peak and down again, with momentum cycling against it. */
    ONECYCLE("onecycle");

    private final String id;

    Schedule(String id) {
        this.id = id;
    }

    @Override
    @JsonValue
    public String id() {
        return id;
    }

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id;
    }

    @JsonCreator
    public static Schedule fromJson(String value) {
        return Choice.fromJson(Schedule.class, value);
    }

    /** Whether the rate depends on validation results, so the trainer changes it between epochs. */
    public boolean followsValidation() {
        return this == PLATEAU;
    }

    /** Whether the schedule is planned over the whole run (so a run stopped early never reaches its end). */
    public boolean plannedOverRun() {
        return this == COSINE || this == ONECYCLE;
    }
}
