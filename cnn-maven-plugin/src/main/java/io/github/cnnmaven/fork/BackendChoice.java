package io.github.cnnmaven.fork;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.cnnmaven.config.Choice;

/** {@code cnn.backend}: which ND4J backend the forked JVM gets. */
public enum BackendChoice implements Choice {
    /** CUDA when an NVIDIA driver is present, else the CPU. */
    AUTO("auto"),
    CPU("cpu"),
    /** CUDA, or fail when there is no driver. */
    CUDA("cuda");

    private final String id;

    BackendChoice(String id) {
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
    public static BackendChoice fromJson(String value) {
        return Choice.fromJson(BackendChoice.class, value);
    }
}
