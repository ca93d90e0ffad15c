package io.github.cnnmaven.spark;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.training.ClusterTraining;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.TrainingInputs;

/** What {@link ClusterTraining#open} finds through {@link java.util.ServiceLoader}: training on Spark. */
public final class SparkTrainingProvider implements ClusterTraining.Provider {

    @Override
    public ClusterTraining open(TrainRequest request, TrainingInputs inputs, Console console) throws CnnException {
        return SparkTraining.open(request, inputs, console);
    }
}
