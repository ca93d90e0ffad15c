package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Tta;

/**
 * The accuracy gate's settings.
 *
 * @param minAccuracy      {@code cnn.minAccuracy}; null for no minimum
 * @param baseline         {@code cnn.baseline}: a committed evaluation.json or a release's; null for none
 * @param maxAccuracyDrop  {@code cnn.maxAccuracyDrop}: the allowed drop against the baseline
 * @param minClassAccuracy {@code cnn.minClassAccuracy}; null for none
 * @param haltOnFailure    {@code cnn.haltOnFailure}: false turns a violated gate into warnings
 * @param maxThumbnails    at most this many misclassified thumbnails for the report
 * @param tta              {@code cnn.tta}: test-time augmentation
 */
public record GateSettings(Double minAccuracy, Baseline baseline, double maxAccuracyDrop, Double minClassAccuracy,
                           boolean haltOnFailure, int maxThumbnails, Tta tta) {

    /** Settings without test-time augmentation. */
    public GateSettings(Double minAccuracy, Baseline baseline, double maxAccuracyDrop, Double minClassAccuracy,
                        boolean haltOnFailure, int maxThumbnails) {
        this(minAccuracy, baseline, maxAccuracyDrop, minClassAccuracy, haltOnFailure, maxThumbnails, Tta.NONE);
    }

    public GateSettings validate() throws InvalidConfigurationException {
        fraction("cnn.minAccuracy", minAccuracy);
        fraction("cnn.minClassAccuracy", minClassAccuracy);
        fraction("cnn.maxAccuracyDrop", maxAccuracyDrop);
        return this;
    }

    /** A limit as written in the POM or on the command line; null when unset. */
    public static Double fraction(String property, String text) throws InvalidConfigurationException {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw InvalidConfigurationException.of(property, text, "use a fraction from 0 to 1, such as 0.8");
        }
    }

    private static void fraction(String property, Double value) throws InvalidConfigurationException {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw InvalidConfigurationException.of(property, value, "use a fraction from 0 to 1, such as 0.8");
        }
    }
}
