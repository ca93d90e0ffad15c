package io.github.cnnmaven.evaluation;

import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;

import java.nio.file.Path;

/** What the forked evaluation JVM needs ({@link EvaluateMain}). */
public record EvaluateRequest(PreparedDataset dataset, DatasetSpec datasetSpec, Path modelFile, Path outputDirectory,
                              int maxThumbnails) {
}
