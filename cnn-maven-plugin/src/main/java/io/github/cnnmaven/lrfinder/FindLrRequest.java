package io.github.cnnmaven.lrfinder;

import io.github.cnnmaven.fork.ForkRequest;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;

import java.nio.file.Path;

/**
 * What the forked find-lr JVM needs ({@link FindLrMain}).
 *
 * @param pretrained {@code cnn.pretrained}: the model.zip the sweep starts from, as training does; null for none
 */
public record FindLrRequest(PreparedDataset dataset, DatasetSpec datasetSpec, TrainingConfig config, LrFinder.Settings settings,
                            String fingerprint, Path outputDirectory, Path pretrained) implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return FindLrMain.class;
    }

}
