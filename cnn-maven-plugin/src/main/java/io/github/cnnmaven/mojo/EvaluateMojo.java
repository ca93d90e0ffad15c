package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.config.Tta;
import io.github.cnnmaven.workflow.EvaluateModel;
import io.github.cnnmaven.workflow.GateSettings;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;

/**
 * Measures the trained model once on the held-out test set, writes {@code evaluation.json},
 * misclassified thumbnails and {@code TEST-cnn-gate.xml}, then gates the build: minimum accuracy,
 * allowed drop against a committed baseline, minimum per-class accuracy.
 */
@Mojo(name = "evaluate", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class EvaluateMojo extends AbstractTrainingMojo {

    /** Skips this goal only. */
    @Parameter(property = "cnn.evaluate.skip", defaultValue = "false")
    private boolean skipEvaluate;

    /** The build fails when test accuracy is below this fraction (0..1). */
    @Parameter(property = "cnn.minAccuracy")
    private String minAccuracy;

    /** A committed evaluation.json from an earlier run to compare against. */
    @Parameter(property = "cnn.baseline")
    private File baseline;

    /** The allowed absolute drop in test accuracy against the baseline. */
    @Parameter(property = "cnn.maxAccuracyDrop", defaultValue = "0.01")
    private String maxAccuracyDrop;

    /** The minimum accuracy of every class (0..1); off by default. */
    @Parameter(property = "cnn.minClassAccuracy")
    private String minClassAccuracy;

    /** false turns a violated gate into warnings. */
    @Parameter(property = "cnn.haltOnFailure", defaultValue = "true")
    private boolean haltOnFailure;

    /** At most this many misclassified thumbnails are written for the report. */
    @Parameter(property = "cnn.maxThumbnails", defaultValue = "64")
    private int maxThumbnails;

    /** Test-time augmentation: none, or flip (the mean of each test image's and its mirror's predictions). */
    @Parameter(property = "cnn.tta", defaultValue = "none")
    private String tta;

    @Override
    protected String goal() {
        return "evaluate";
    }

    @Override
    protected boolean isGoalSkipped() {
        return skipEvaluate;
    }

    @Override
    protected void run() throws CnnException, MojoFailureException {
        // The limits are read as text so that 'abc' gets the documented message, not Maven's conversion error.
        GateSettings gate = new GateSettings(GateSettings.fraction("cnn.minAccuracy", minAccuracy),
                baseline == null ? null : baseline.toPath(), GateSettings.fraction("cnn.maxAccuracyDrop", maxAccuracyDrop),
                GateSettings.fraction("cnn.minClassAccuracy", minClassAccuracy), haltOnFailure, maxThumbnails,
                Choice.parse(Tta.class, tta == null ? "none" : tta, "cnn.tta"));
        EvaluateModel.Verdict verdict = new EvaluateModel(datasets(), forks(), output(), console())
                .run(trainingSetup(), gate, projectName(), this::display);
        if (verdict.failed()) {
            throw new MojoFailureException(verdict.summary());
        }
    }
}
