package io.github.cnnmaven.training;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.output.ClusterRun;
import io.github.cnnmaven.training.callback.TrainingCallback;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Training an epoch on a cluster instead of in this JVM ({@code cnn.spark.master}). The loop, the callbacks
 * and the outputs stay the {@link Trainer}'s, on the driver; only the epoch's steps move. The implementation
 * is found through {@link ServiceLoader}, so this package never links to Spark, whose jars the training JVM
 * has only when a build trains on it.
 */
public interface ClusterTraining extends AutoCloseable {

    /**
     * Trains one epoch of {@code order} (indices into the training images) and updates {@code graph}'s parameters
     * and updater state in place; the callbacks see a {@link io.github.cnnmaven.training.callback.BatchEnd} after
     * each averaging round. Returns the mean training loss of the epoch.
     */
    double fitEpoch(ComputationGraph graph, int[] order, int epoch, List<TrainingCallback> callbacks, EpochProgress progress)
            throws CnnException;

    /** What run.json records of it so far. */
    ClusterRun describe();

    @Override
    void close();

    /** Opens a {@link ClusterTraining} for a request whose context names a cluster. */
    interface Provider {
        ClusterTraining open(TrainRequest request, TrainingInputs inputs, Console console) throws CnnException;
    }

    /** The cluster the request trains on, or null when it trains in this JVM. */
    static ClusterTraining open(TrainRequest request, TrainingInputs inputs, Console console) throws CnnException {
        if (request.context().spark() == null) {
            return null;
        }
        for (Provider provider : ServiceLoader.load(Provider.class)) {
            return provider.open(request, inputs, console);
        }
        throw new CnnException("cnn.spark.master is set, but this training JVM has no Spark engine on its classpath");
    }
}
