package io.github.cnnmaven.training;

import io.github.cnnmaven.fork.BatchSplit;
import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.fork.ForkRequest;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.output.OutputDirectory;

import java.nio.file.Path;

/**
 * Everything the training process needs, as one JSON document: the Maven side prepares the
 * dataset and writes this; the forked JVM reads it ({@link TrainMain}).
 *
 * @param context     the dataset, the output directory and the fork's settings
 * @param fingerprint identifies configuration + data; outputs and checkpoints carry it
 */
public record TrainRequest(ForkContext context, TrainingConfig config, String fingerprint) implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return TrainMain.class;
    }

    @Override
    public boolean trainsOnSpark() {
        return context.spark() != null;
    }

    @Override
    public int batchWorkers(boolean cpu, boolean switchOn) {
        return BatchSplit.workers(context, config.batchSize(), cpu, switchOn);
    }

    @JsonIgnore
    public OutputDirectory output() {
        return context.output();
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
