package io.github.cnnmaven.fork;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.github.cnnmaven.config.Choice;

/** {@code cnn.backend}: which ND4J backend the forked JVM gets. */
public enum BackendChoice implements Choice {
    /** CUDA when an NVIDIA driver is present, else the CPU. */
    AUTO,
    CPU,
    /** CUDA, or fail when there is no driver. */
    CUDA;

    @JsonCreator
    public static BackendChoice fromJson(String value) {
        return Choice.fromJson(BackendChoice.class, value);
    }

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id();
    }
}
