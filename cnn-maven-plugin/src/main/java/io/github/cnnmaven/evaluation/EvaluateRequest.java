package io.github.cnnmaven.evaluation;

import io.github.cnnmaven.fork.ForkRequest;
import io.github.cnnmaven.config.Tta;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;

import java.nio.file.Path;

/** What the forked evaluation JVM needs ({@link EvaluateMain}); {@code tta} is {@code cnn.tta}. */
public record EvaluateRequest(PreparedDataset dataset, DatasetSpec datasetSpec, Path modelFile, Path outputDirectory,
                              int maxThumbnails, Tta tta) implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return EvaluateMain.class;
    }


    /** A request without test-time augmentation. */
    public EvaluateRequest(PreparedDataset dataset, DatasetSpec datasetSpec, Path modelFile, Path outputDirectory,
                           int maxThumbnails) {
        this(dataset, datasetSpec, modelFile, outputDirectory, maxThumbnails, Tta.NONE);
    }
}
