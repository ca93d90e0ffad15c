package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/** {@code cnn.tta}: test-time augmentation in {@code evaluate}. */
public enum Tta implements Choice {
    /** Each test image once, as it is. */
    NONE,
    /** The mean of the probabilities of each test image and its mirror image. */
    FLIP;

    @JsonCreator
    public static Tta fromJson(String value) {
        return Choice.fromJson(Tta.class, value);
    }

    /** The id, so messages and logs show what users write. */
    @Override
    public String toString() {
        return id();
    }
}
