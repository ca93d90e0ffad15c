package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.evaluation.EvaluateRequest;
import io.github.cnnmaven.gate.AccuracyGate;
import io.github.cnnmaven.gate.CiSummary;
import io.github.cnnmaven.gate.JUnitGateReport;
import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.output.ReleaseHistory;
import io.github.cnnmaven.report.ModelCard;
import io.github.cnnmaven.report.ReportService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code evaluate} goal: measures the up-to-date model once on the test set in the forked JVM,
 * writes {@code evaluation.json} and the JUnit XML, renders the report (so a failed gate still
 * leaves one), then applies the gate.
 */
public final class EvaluateModel {

    /**
     * The gate's outcome.
     *
     * @param failed  a rule was violated and {@code cnn.haltOnFailure} is set: the build must fail
     * @param summary the last line of the gate's messages
     */
    public record Verdict(boolean failed, String summary) {
    }

    private final Datasets datasets;
    private final ForkRunner forks;
    private final OutputDirectory output;
    private final Console console;

    public EvaluateModel(Datasets datasets, ForkRunner forks, OutputDirectory output, Console console) {
        this.datasets = datasets;
        this.forks = forks;
        this.output = output;
        this.console = console;
    }

    /**
     * @param projectName what the report is titled by
     * @param display     how messages show a path (relative to the project, as users see it)
     */
    public Verdict run(TrainingSetup setup, GateSettings gateSettings, String projectName, Function<Path, String> display)
            throws CnnException {
        return run(setup, gateSettings, new ModelCard.Project(projectName, projectName, null, null), null, display);
    }

    /**
     * @param project  what the report is titled by and the model card describes
     * @param releases the last released versions' evaluations, for the release history; null for none
     * @param display  what messages show for a path (relative to the project, as users see it)
     */
    public Verdict run(TrainingSetup setup, GateSettings gateSettings, ModelCard.Project project, Releases releases,
                       Function<Path, String> display) throws CnnException {
        setup.validate();
        gateSettings.validate();
        forks.settings().validate();
        EvaluationResult baseline = baseline(gateSettings.baseline());
        try (ProcessLock lock = output.lock("evaluate", console)) {
            return evaluate(setup, gateSettings, baseline, project, releases, display);
        }
    }

    private Verdict evaluate(TrainingSetup setup, GateSettings gateSettings, EvaluationResult baseline, ModelCard.Project project,
                             Releases releases, Function<Path, String> display) throws CnnException {
        String projectName = project.name();
        CurrentModel current = CurrentModel.require(datasets, forks, output, console, setup);
        PreparedDataset prepared = current.prepared();
        TrainingConfig config = current.config();

        forks.run(output, "evaluate", new EvaluateRequest(forks.context(prepared, setup, output),
                output.modelFile(), gateSettings.maxThumbnails(), gateSettings.tta()));
        EvaluationResult result = output.evaluation();
        EvaluationResult.Gate gate = AccuracyGate.check(result, new AccuracyGate.Limits(gateSettings.minAccuracy(), baseline,
                gateSettings.maxAccuracyDrop(), gateSettings.minClassAccuracy(),
                baseline != null && gateSettings.baseline().release() ? gateSettings.baseline().name() : null));
        List<EvaluationResult.Comparison> comparison = baseline == null ? null : AccuracyGate.compare(baseline, result);
        result.withGate(gate, comparison, baseline == null ? null : gateSettings.baseline().name()).write(output.evaluationFile());
        JUnitGateReport.write(gate, output.gateXmlFile());
        if (comparison != null) {
            console.info("Compared with the baseline " + gateSettings.baseline().name() + ":");
            AccuracyGate.diffTable(comparison).forEach(console::info);
        }
        writeReleaseHistory(releases, project.version(), output.evaluation());
        ModelCard.write(output.modelCardFile(), project, output.dataset(), output.run(), output.history(), output.evaluation(),
                gateSettings.minClassAccuracy());
        // The report and the CI summary are written before the gate can fail the build, so a failed gate leaves both.
        console.info("Report: " + new ReportService().render(output.root(), projectName));
        String title = config.networkName() + " on " + prepared.kind().displayName();
        CiSummary.write(output.summaryFile(), CiSummary.markdown(title, output.evaluation(), output.history(), output.run(),
                output.releases(), display.apply(output.reportFile())), System.getenv());
        return verdict(gate, gateSettings.haltOnFailure(), display.apply(output.evaluationFile()));
    }

    /** releases.json: each release's accuracy, then this build's; removed when there is no history to show. */
    private void writeReleaseHistory(Releases releases, String version, EvaluationResult now) throws CnnException {
        if (releases == null || releases.versions().isEmpty()) {
            AtomicFiles.deleteQuietly(output.releasesFile());
            return;
        }
        List<ReleaseHistory.Release> rows = new ArrayList<>();
        for (Releases.Released r : releases.versions()) {
            EvaluationResult e = Json.read(r.evaluation(), EvaluationResult.class, "the evaluation of " + releases.artifact()
                    + ":" + r.version(), "it is the repository's copy: delete it from the local repository to resolve it again");
            rows.add(ReleaseHistory.Release.of(r.version(), false, e));
        }
        rows.add(ReleaseHistory.Release.of(version == null ? "this build" : version, true, now));
        new ReleaseHistory(releases.artifact(), rows).write(output.releasesFile());
        console.info("Release history of " + releases.artifact() + ": " + rows.stream().map(r -> r.version() + " "
                + String.format(Locale.ROOT, "%.4f", r.accuracy())).collect(Collectors.joining(", ")));
    }

    private EvaluationResult baseline(Baseline baseline) throws CnnException {
        if (baseline == null) {
            return null;
        }
        if (baseline.file() == null) {
            console.info(baseline.note());
            return null;
        }
        Path file = baseline.file();
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigurationException("cnn.baseline " + file + " does not exist: commit the evaluation.json of"
                    + " a good run (target/cnn/evaluation.json) and point cnn.baseline at it");
        }
        // A committed file of the user's: say what it must be, never to delete it.
        try {
            return Json.read(file, EvaluationResult.class, "evaluation.json", "point cnn.baseline at an evaluation.json"
                    + " that the evaluate goal wrote (target/cnn/evaluation.json of a good run)");
        } catch (CnnException e) {
            throw new InvalidConfigurationException("cnn.baseline " + e.getMessage());
        }
    }

    private Verdict verdict(EvaluationResult.Gate gate, boolean haltOnFailure, String evaluationFile) {
        if (gate.rules().isEmpty()) {
            console.info("No gate rule is set (cnn.minAccuracy, cnn.baseline, cnn.minClassAccuracy): nothing to check");
            return new Verdict(false, null);
        }
        List<String> lines = AccuracyGate.messages(gate, evaluationFile);
        String summary = lines.get(lines.size() - 1);
        if (gate.passed()) {
            lines.forEach(console::info);
            return new Verdict(false, summary);
        }
        if (haltOnFailure) {
            lines.forEach(console::error);
            return new Verdict(true, summary);
        }
        lines.forEach(console::warn);
        console.warn("cnn.haltOnFailure is false: the build goes on");
        return new Verdict(false, summary);
    }
}
