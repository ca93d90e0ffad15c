package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.config.Tta;
import io.github.cnnmaven.report.ModelCard;
import io.github.cnnmaven.workflow.EvaluateModel;
import io.github.cnnmaven.workflow.GateSettings;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;


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

    /**
     * What to compare against: a committed evaluation.json, or the evaluation a release carries, by coordinates:
     * last-release (this project's newest release older than its version), groupId:artifactId (the same for
     * another artifact), or groupId:artifactId:version, where the version may be a range such as [1.0,), RELEASE
     * or LATEST. Resolved from the project's repositories.
     */
    @Parameter(property = "cnn.baseline")
    private String baseline;

    /**
     * With cnn.baseline naming releases: the report and summary.md show the accuracy of this many of the last releases
     * beside this build's; 0 is off.
     */
    @Parameter(property = "cnn.historyVersions", defaultValue = "10")
    private int historyVersions;

    /** Fail when cnn.baseline names releases but none exists yet; by default the first release gets a note and no rule. */
    @Parameter(property = "cnn.requireBaseline", defaultValue = "false")
    private boolean requireBaseline;

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

    /** The classifier of the attached model card. */
    static final String MODEL_CARD_CLASSIFIER = "model-card";

    private ModelCard.Project modelCardProject() {
        return project == null ? new ModelCard.Project(projectName(), projectName(), null, null) : new ModelCard.Project(projectName(),
                project.getGroupId() + ":" + project.getArtifactId() + ":" + project.getVersion(), project.getDescription(),
                project.getVersion());
    }

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
        BaselineResolver releases = project == null ? null : BaselineResolver.of(repositorySystem, session, project);
        GateSettings gate = new GateSettings(GateSettings.fraction("cnn.minAccuracy", minAccuracy),
                releases == null ? null : releases.resolve(baseline, requireBaseline),
                GateSettings.fraction("cnn.maxAccuracyDrop", maxAccuracyDrop),
                GateSettings.fraction("cnn.minClassAccuracy", minClassAccuracy), haltOnFailure, maxThumbnails,
                Choice.parse(Tta.class, tta == null ? "none" : tta, "cnn.tta"));
        EvaluateModel.Verdict verdict = new EvaluateModel(datasets(), forks(), output(), console())
                .run(trainingSetup(), gate, modelCardProject(), releases == null ? null
                        : releases.history(baseline, historyVersions, getLog()::warn), this::display);
        if (verdict.failed()) {
            throw new MojoFailureException(verdict.summary());
        }
        // Beside the model in the repository: what a later release's gate compares against, and what it is.
        attach(BaselineResolver.TYPE, BaselineResolver.CLASSIFIER, output().evaluationFile());
        attach("md", MODEL_CARD_CLASSIFIER, output().modelCardFile());
    }
}
