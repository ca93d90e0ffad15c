package io.github.cnnmaven.training;

import io.github.cnnmaven.fork.ForkRequest;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.output.OutputDirectory;

import java.nio.file.Path;

/**
 * Everything the training process needs, as one JSON document: the Maven side prepares the
 * dataset and writes this; the forked JVM reads it ({@link TrainMain}).
 *
 * @param fingerprint identifies configuration + data; outputs and checkpoints carry it
 * @param fresh       ignore checkpoints ({@code cnn.fresh})
 * @param interactive log progress within epochs (not in {@code -B} mode)
 * @param gpus        {@code cnn.gpus}: devices to train on at once; null for all
 * @param pretrained  {@code cnn.pretrained}: the model.zip whose weights the network starts from; null for none
 */
public record TrainRequest(PreparedDataset dataset, DatasetSpec datasetSpec, TrainingConfig config, Path outputDirectory,
                           String fingerprint, boolean fresh, boolean interactive, int threads, Integer gpus,
                           Path pretrained) implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return TrainMain.class;
    }


    /** A request that trains from scratch. */
    public TrainRequest(PreparedDataset dataset, DatasetSpec datasetSpec, TrainingConfig config, Path outputDirectory,
                        String fingerprint, boolean fresh, boolean interactive, int threads, Integer gpus) {
        this(dataset, datasetSpec, config, outputDirectory, fingerprint, fresh, interactive, threads, gpus, null);
    }

    /** A request for every device the backend sees. */
    public TrainRequest(PreparedDataset dataset, DatasetSpec datasetSpec, TrainingConfig config, Path outputDirectory,
                        String fingerprint, boolean fresh, boolean interactive, int threads) {
        this(dataset, datasetSpec, config, outputDirectory, fingerprint, fresh, interactive, threads, null);
    }

    @JsonIgnore
    public OutputDirectory output() {
        return new OutputDirectory(outputDirectory);
    }

    @JsonIgnore
    public Path modelFile() {
        return output().modelFile();
    }

    @JsonIgnore
    public Path historyFile() {
        return output().historyFile();
    }

    @JsonIgnore
    public Path runFile() {
        return output().runFile();
    }

    @JsonIgnore
    public Path checkpointDirectory() {
        return output().checkpointDirectory();
    }
}
