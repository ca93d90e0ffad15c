package io.github.cnnmaven.fork;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.output.OutputDirectory;

import java.nio.file.Path;

/**
 * What every goal that reads the dataset hands its forked JVM, one record inside each request
 * (train, study, find-lr, evaluate), so that no goal can drop a field the others pass.
 *
 * @param dataset         the dataset Maven's side fetched and verified
 * @param datasetSpec     how to read it (limits, image size, split)
 * @param outputDirectory where the goal writes
 * @param fresh           {@code cnn.fresh}: ignore checkpoints and up-to-date outputs
 * @param interactive     a person watches (not {@code -B}): progress within epochs
 * @param threads         the numeric backend's threads
 * @param gpus            {@code cnn.gpus}: devices to train on at once; null for all
 * @param pretrained      {@code cnn.pretrained}, resolved: the model the network starts from; null for none
 */
public record ForkContext(PreparedDataset dataset, DatasetSpec datasetSpec, Path outputDirectory, boolean fresh,
                          boolean interactive, int threads, Integer gpus, Path pretrained) {

    /** The same context writing to {@code directory} (a study variant's). */
    public ForkContext writingTo(Path directory) {
        return new ForkContext(dataset, datasetSpec, directory, fresh, interactive, threads, gpus, pretrained);
    }

    @JsonIgnore
    public OutputDirectory output() {
        return new OutputDirectory(outputDirectory);
    }
}
