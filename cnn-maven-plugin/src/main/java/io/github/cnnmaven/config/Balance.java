package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/** {@code cnn.balance}: whether each epoch oversamples the smaller classes up to the largest. */
public enum Balance implements Choice {
    NONE,
    OVERSAMPLE;

    @JsonCreator
    public static Balance fromJson(String value) {
        return Choice.fromJson(Balance.class, value);
    }

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id();
    }
}
