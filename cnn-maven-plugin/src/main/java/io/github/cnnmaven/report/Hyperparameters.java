package io.github.cnnmaven.report;

import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.config.TrainingProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report's hyperparameter table: only the settings that acted on this run (momentum only for an
 * optimizer that uses it, the decay factor only for a schedule that decays, the kernel size only for
 * a preset that takes it…), each under its property name and written for people (0.0005, not 5.0E-4),
 * in the order and the words of the {@link TrainingProperty} catalogue.
 */
final class Hyperparameters {

    private Hyperparameters() {
    }

    static List<Map<String, String>> rows(TrainingConfig c) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (TrainingProperty property : c == null ? new TrainingProperty[0] : TrainingProperty.values()) {
            String shown = property.shown(c);
            if (shown != null) {
                rows.add(Map.of("name", property.id(), "value", shown, "description", property.description()));
            }
        }
        return rows;
    }
}
