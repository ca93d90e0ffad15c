package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Fingerprint;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.evaluation.EvaluateMain;
import io.github.cnnmaven.evaluation.EvaluateRequest;
import io.github.cnnmaven.evaluation.EvaluationResult;
import io.github.cnnmaven.gate.AccuracyGate;
import io.github.cnnmaven.gate.JUnitGateReport;
import io.github.cnnmaven.report.ReportService;
import io.github.cnnmaven.study.StudyResult;
import io.github.cnnmaven.training.ModelMetadata;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
    private Double minAccuracy;

    /** A committed evaluation.json from an earlier run to compare against. */
    @Parameter(property = "cnn.baseline")
    private File baseline;

    /** The allowed absolute drop in test accuracy against the baseline. */
    @Parameter(property = "cnn.maxAccuracyDrop", defaultValue = "0.01")
    private double maxAccuracyDrop;

    /** The minimum accuracy of every class (0..1); off by default. */
    @Parameter(property = "cnn.minClassAccuracy")
    private Double minClassAccuracy;

    /** false turns a violated gate into warnings. */
    @Parameter(property = "cnn.haltOnFailure", defaultValue = "true")
    private boolean haltOnFailure;

    /** At most this many misclassified thumbnails are written for the report. */
    @Parameter(property = "cnn.maxThumbnails", defaultValue = "64")
    private int maxThumbnails;

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
        fraction("cnn.minAccuracy", minAccuracy);
        fraction("cnn.minClassAccuracy", minClassAccuracy);
        fraction("cnn.maxAccuracyDrop", maxAccuracyDrop);
        EvaluationResult baselineResult = null;
        if (baseline != null) {
            if (!baseline.isFile()) {
                throw new InvalidConfigurationException("cnn.baseline " + baseline + " does not exist: commit the"
                        + " evaluation.json of a good run (target/cnn/evaluation.json) and point cnn.baseline at it");
            }
            baselineResult = EvaluationResult.read(baseline.toPath(), "the baseline (cnn.baseline)");
        }
        Path out = outputDirectory.toPath();
        Path model = out.resolve("model.zip");
        if (!Files.isRegularFile(model)) {
            throw new CnnException("No trained model at " + model + ": the train goal produces it (mvn cnn:train, or"
                    + " bind train in the POM so that mvn verify runs it before evaluate)");
        }
        TrainingConfig configured = trainingConfig();
        DatasetSpec spec = datasetSpec();
        PreparedDataset prepared = datasetService(spec).prepare(spec);
        TrainingConfig config = configured.withLearningRate(learningRateFor(configured, prepared, spec, false));
        String fingerprint = Fingerprint.of(config, dataIdentity(prepared, spec));
        requireCurrent(model, fingerprint);

        Path evaluationFile = out.resolve(EvaluationResult.FILE_NAME);
        fork(EvaluateMain.class.getName(), "evaluate", new EvaluateRequest(prepared, spec, model, out, maxThumbnails));
        EvaluationResult result = EvaluationResult.read(evaluationFile, "the evaluation");

        EvaluationResult.Gate gate = AccuracyGate.check(result,
                new AccuracyGate.Limits(minAccuracy, baselineResult, maxAccuracyDrop, minClassAccuracy));
        List<EvaluationResult.Comparison> comparison = baselineResult == null ? null
                : AccuracyGate.compare(baselineResult, result);
        result.withGate(gate, comparison).write(evaluationFile);
        JUnitGateReport.write(gate, out.resolve(JUnitGateReport.FILE_NAME));
        if (comparison != null) {
            getLog().info("Compared with the baseline " + baseline + ":");
            AccuracyGate.diffTable(comparison).forEach(getLog()::info);
        }
        // The report is rendered before the gate can fail the build, so a failed gate still leaves one.
        getLog().info("Report: " + new ReportService().render(out, ReportMojo.projectName(project)));
        if (gate.rules().isEmpty()) {
            getLog().info("No gate rule is set (cnn.minAccuracy, cnn.baseline, cnn.minClassAccuracy): nothing to check");
            return;
        }
        List<String> lines = AccuracyGate.messages(gate, relative(evaluationFile));
        if (gate.passed()) {
            lines.forEach(getLog()::info);
        } else if (haltOnFailure) {
            lines.forEach(getLog()::error);
            throw new MojoFailureException(lines.get(lines.size() - 1));
        } else {
            lines.forEach(getLog()::warn);
            getLog().warn("cnn.haltOnFailure is false: the build goes on");
        }
    }

    private void requireCurrent(Path model, String fingerprint) throws CnnException {
        try {
            ModelMetadata metadata = ModelMetadata.read(model);
            StudyResult study = metadata == null ? null
                    : StudyResult.winnerFor(model.getParent(), fingerprint, metadata.fingerprint());
            if (study != null) {
                getLog().info("Testing the winner of the study, '" + study.winner() + "' (" + study.variants().size()
                        + " variants compared on validation; " + model.resolveSibling(StudyResult.FILE_NAME) + ")");
            } else if (metadata == null || !fingerprint.equals(metadata.fingerprint())) {
                throw new CnnException("The model " + model + " is stale: it was trained with fingerprint "
                        + (metadata == null ? "unknown" : metadata.fingerprint()) + ", but the configuration and data now give "
                        + fingerprint + ". Run the train goal first (mvn cnn:train), or the study goal when the model comes from a study.");
            }
        } catch (IOException e) {
            throw new CnnException("Could not read " + model + ": " + e.getMessage(), e);
        }
    }

    private String relative(Path file) {
        Path base = project != null && project.getBasedir() != null ? project.getBasedir().toPath() : null;
        return base != null && file.startsWith(base) ? base.relativize(file).toString().replace('\\', '/') : file.toString();
    }

    private static void fraction(String property, Double value) throws InvalidConfigurationException {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw InvalidConfigurationException.of(property, value, "use a fraction from 0 to 1, such as 0.8");
        }
    }
}
