package io.github.cnnmaven.training;

import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;

import java.nio.file.Path;

/**
 * Everything the training process needs, as one JSON document: the Maven side prepares the
 * dataset and writes this; the forked JVM reads it ({@link TrainMain}).
 *
 * @param fingerprint identifies configuration + data; outputs and checkpoints carry it
 * @param fresh       ignore checkpoints ({@code cnn.fresh})
 * @param interactive log progress within epochs (not in {@code -B} mode)
 */
public record TrainRequest(PreparedDataset dataset, DatasetSpec datasetSpec, TrainingConfig config, Path outputDirectory,
                           String fingerprint, boolean fresh, boolean interactive, int threads) {

    public Path modelFile() {
        return outputDirectory.resolve("model.zip");
    }

    public Path historyFile() {
        return outputDirectory.resolve("history.json");
    }

    public Path runFile() {
        return outputDirectory.resolve("run.json");
    }

    public Path checkpointDirectory() {
        return outputDirectory.resolve("checkpoints");
    }
}
