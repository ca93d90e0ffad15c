package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.workflow.TrainModel;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Trains the network on the dataset (fetching it first when needed) in a forked JVM, writes
 * {@code model.zip}, {@code history.json}, {@code run.json} and checkpoints, exports {@code model.onnx},
 * and attaches both to the build (types zip and onnx, classifier model). With an unchanged fingerprint it says "up to date".
 */
@Mojo(name = "train", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class TrainMojo extends AbstractTrainingMojo {

    /** Skips this goal only. */
    @Parameter(property = "cnn.train.skip", defaultValue = "false")
    private boolean skipTrain;

    @Override
    protected String goal() {
        return "train";
    }

    @Override
    protected boolean isGoalSkipped() {
        return skipTrain;
    }

    @Override
    protected void run() throws CnnException {
        attach(new TrainModel(datasets(), forks(), output(), console()).run(trainingSetup()));
    }
}
