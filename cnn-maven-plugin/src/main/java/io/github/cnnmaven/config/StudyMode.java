package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/** {@code <study><mode>}: which combinations of the axes' values are trained. */
public enum StudyMode implements Choice {
    /** The base, then each axis value alone around the base: one hyperparameter at a time. */
    ONE_AT_A_TIME,
    /** Every combination of the axes' values. */
    GRID;

    @JsonCreator
    public static StudyMode fromJson(String value) {
        return Choice.fromJson(StudyMode.class, value);
    }

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id();
    }
}
