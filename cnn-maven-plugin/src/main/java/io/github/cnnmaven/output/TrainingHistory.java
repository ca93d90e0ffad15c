package io.github.cnnmaven.output;

import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.CnnException;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code history.json}: one {@link EpochRecord} per epoch, the best epoch by validation accuracy,
 * and why training stopped early (null when it ran every epoch).
 *
 * @param fingerprint the configuration and data this history belongs to
 */
public record TrainingHistory(String fingerprint, List<EpochRecord> epochs, int bestEpoch, Double bestValidationAccuracy,
                              String stopReason) {

    public TrainingHistory {
        epochs = epochs == null ? List.of() : List.copyOf(epochs);
    }

    public EpochRecord lastEpoch() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    public static TrainingHistory read(Path file) throws CnnException {
        return Json.read(file, TrainingHistory.class);
    }

    public void write(Path file) throws CnnException {
        Json.write(file, this);
    }
}
