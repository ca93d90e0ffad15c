package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code cnn.balance}: whether each epoch oversamples the smaller classes up to the largest. */
public enum Balance implements Choice {
    NONE("none"),
    OVERSAMPLE("oversample");

    private final String id;

    Balance(String id) {
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
    public static Balance fromJson(String value) {
        return Choice.fromJson(Balance.class, value);
    }
}
