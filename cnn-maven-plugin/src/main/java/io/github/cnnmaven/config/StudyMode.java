package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code <study><mode>}: which combinations of the axes' values are trained. */
public enum StudyMode implements Choice {
    /** The base, then each axis value alone around the base: one hyperparameter at a time. */
    ONE_AT_A_TIME("one-at-a-time"),
    /** Every combination of the axes' values. */
    GRID("grid");

    private final String id;

    StudyMode(String id) {
        this.id = id;
    }

    @Override
    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static StudyMode fromJson(String value) {
        return Choice.fromJson(StudyMode.class, value);
    }

    @Override
    public String toString() {
        return id; // part of the study's fingerprint and of the log
    }
}
