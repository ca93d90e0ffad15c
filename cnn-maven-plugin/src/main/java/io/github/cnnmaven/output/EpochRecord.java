package io.github.cnnmaven.output;

/** One line of {@code history.json} (the keys of docs/output-files.md). Losses are mean cross-entropy; accuracies fractions. */
public record EpochRecord(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                          double validationAccuracy, double learningRate, double seconds, double imagesPerSecond) {
}
