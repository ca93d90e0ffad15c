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
 * @param spark           {@code cnn.spark.*}: the Spark cluster to train on; null to train in this JVM
 */
public record ForkContext(PreparedDataset dataset, DatasetSpec datasetSpec, Path outputDirectory, boolean fresh,
                          boolean interactive, int threads, Integer gpus, Path pretrained, SparkSettings spark) {

    /** A context that trains in this JVM. */
    public ForkContext(PreparedDataset dataset, DatasetSpec datasetSpec, Path outputDirectory, boolean fresh,
                       boolean interactive, int threads, Integer gpus, Path pretrained) {
        this(dataset, datasetSpec, outputDirectory, fresh, interactive, threads, gpus, pretrained, null);
    }

    /** The same context writing to {@code directory} (a study variant's). */
    public ForkContext writingTo(Path directory) {
        return new ForkContext(dataset, datasetSpec, directory, fresh, interactive, threads, gpus, pretrained, spark);
    }

    /** The same context training in this JVM, whatever cnn.spark.master says (find-lr's sweep, evaluation). */
    public ForkContext withoutSpark() {
        return new ForkContext(dataset, datasetSpec, outputDirectory, fresh, interactive, threads, gpus, pretrained, null);
    }

    @JsonIgnore
    public OutputDirectory output() {
        return new OutputDirectory(outputDirectory);
    }
}
