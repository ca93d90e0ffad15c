package io.github.cnnmaven.training;

/** One line of {@code history.json} (DESIGN.md keys). Losses are mean cross-entropy; accuracies fractions. */
public record EpochRecord(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                          double validationAccuracy, double learningRate, double seconds, double imagesPerSecond) {
}
