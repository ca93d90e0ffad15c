package io.github.cnnmaven.training.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.cnnmaven.common.Json;

/** A callback whose state is one record, saved to and restored from the checkpoint as JSON. */
abstract class StatefulCallback<S> implements TrainingCallback {

    private final Class<S> type;
    protected S state;

    StatefulCallback(Class<S> type, S initial) {
        this.type = type;
        this.state = initial;
    }

    public S state() {
        return state;
    }

    @Override
    public JsonNode saveState() {
        return Json.MAPPER.valueToTree(state);
    }

    @Override
    public void restoreState(JsonNode saved) {
        try {
            S restored = Json.MAPPER.treeToValue(saved, type);
            if (restored != null) {
                state = restored;
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("The checkpoint's state of " + name() + " is unreadable: " + e.getMessage(), e);
        }
    }
}
