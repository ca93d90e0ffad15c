package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.workflow.FindLearningRate;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The learning-rate range test. Runs when {@code cnn.learningRate=auto} (training then uses its
 * suggestion) or {@code cnn.findLr=true}; otherwise it says why it skipped. Writes {@code lr-finder.json}.
 */
@Mojo(name = "find-lr", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true)
public class FindLrMojo extends AbstractTrainingMojo {

    /** Skips this goal only. */
    @Parameter(property = "cnn.find-lr.skip", defaultValue = "false")
    private boolean skipFindLr;

    @Override
    protected String goal() {
        return "find-lr";
    }

    @Override
    protected boolean isGoalSkipped() {
        return skipFindLr;
    }

    @Override
    protected void run() throws CnnException {
        new FindLearningRate(datasets(), forks(), output(), console()).run(trainingSetup());
    }
}
