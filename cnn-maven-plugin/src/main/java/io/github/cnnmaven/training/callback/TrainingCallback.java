package io.github.cnnmaven.training.callback;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cnnmaven.common.CnnException;

/**
 * One concern of the training loop, in the shape of Lightning's callbacks and fastai's tracker
 * callbacks: it sees every batch and every finished epoch, may stop the run, and keeps its own
 * state, which the checkpoint saves and a resumed run restores.
 */
public interface TrainingCallback {

    /** The key of its state in the checkpoint. */
    String name();

    /** After each training batch. Throwing stops training at once (divergence). */
    default void afterBatch(BatchEnd batch) throws CnnException {
    }

    /** After each epoch's validation; returns why training should stop after this epoch, or null to go on. */
    default String afterEpoch(EpochEnd epoch) throws CnnException {
        return null;
    }

    /** Its state for the checkpoint, as JSON; null when it has none. */
    default JsonNode saveState() {
        return null;
    }

    /** Restores what {@link #saveState()} saved. */
    default void restoreState(JsonNode state) {
    }
}
