package io.github.cnnmaven.lrfinder;

import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;

import java.nio.file.Path;

/** What the forked find-lr JVM needs ({@link FindLrMain}). */
public record FindLrRequest(PreparedDataset dataset, DatasetSpec datasetSpec, TrainingConfig config, LrFinder.Settings settings,
                            String fingerprint, Path outputDirectory) {
}
