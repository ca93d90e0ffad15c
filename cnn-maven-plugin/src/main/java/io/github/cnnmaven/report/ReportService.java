package io.github.cnnmaven.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.gate.AccuracyGate;
import io.github.cnnmaven.output.DatasetDescription;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.output.LrFinderResult;
import io.github.cnnmaven.output.ModelSummary;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.output.ReleaseHistory;
import io.github.cnnmaven.output.RunRecord;
import io.github.cnnmaven.output.StudyResult;
import io.github.cnnmaven.output.TrainingHistory;
import io.github.cnnmaven.config.StudyMode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@code report/index.html} from the hand-off files in the output directory alone
 * ({@code dataset.json}, {@code run.json}, {@code history.json}, {@code evaluation.json},
 * {@code lr-finder.json}); it never loads DL4J. Charts are inline SVG and thumbnails inline
 * images, so the page opens from disk with no network. Whatever is missing is named on the page.
 */
public final class ReportService {


    /** Renders the report into {@code outputDirectory/report/index.html} and returns that file. */
    public Path render(Path outputDirectory, String projectName) throws CnnException {
        Path target = new OutputDirectory(outputDirectory).reportFile();
        String html = html(outputDirectory, projectName);
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.write(target, tmp -> Files.writeString(tmp, html, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CnnException("Could not write the report " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    /**
     * The rendered page, what it could not show yet (each naming the goal that produces it), and the
     * model it was rendered from (which the site page renders through Doxia).
     */
    public record Page(String html, List<String> missing, Map<String, Object> model) {
    }

    /** The page's HTML (also what the site report carries). */
    public String html(Path outputDirectory, String projectName) throws CnnException {
        return page(outputDirectory, projectName).html();
    }

    @SuppressWarnings("unchecked")
    public Page page(Path outputDirectory, String projectName) throws CnnException {
        try {
            Map<String, Object> model = model(outputDirectory, projectName);
            Mustache template = new DefaultMustacheFactory("io/github/cnnmaven/report").compile("report.mustache");
            Writer out = new StringWriter();
            template.execute(out, model).flush();
            return new Page(out.toString(), (List<String>) model.get("missing"), model);
        } catch (IOException e) {
            throw new CnnException("Could not render the report from " + outputDirectory + ": " + e.getMessage(), e);
        }
    }

    Map<String, Object> model(Path dir, String projectName) throws CnnException, IOException {
        OutputDirectory out = new OutputDirectory(dir);
        RunRecord run = out.run();
        TrainingHistory history = out.history();
        EvaluationResult evaluation = out.evaluation();
        LrFinderResult finder = out.lrFinder();
        StudyResult study = out.study();
        ReleaseHistory releases = out.releases();
        DatasetDescription dataset = out.dataset();
        if (dataset == null && run != null) {
            dataset = run.dataset();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", projectName);
        // Titled by what was trained, which the project's name need not say.
        String network = run != null && run.model() != null ? run.model().network() : null;
        m.put("title", network == null && dataset == null ? "CNN report" : (network == null ? "" : network + " on ")
                + (dataset == null ? "?" : dataset.name()));
        m.put("generated", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        List<String> missing = new ArrayList<>();
        // Every section shows the trained model's files only: one of another fingerprint (a retrain
        // without evaluate, an interrupted build) is named instead of shown beside the wrong model.
        String trained = run != null ? run.fingerprint() : null;
        if (history != null && trained != null && history.fingerprint() != null && !trained.equals(history.fingerprint())) {
            missing.add(OutputDirectory.HISTORY + " belongs to another model (fingerprint " + history.fingerprint()
                    + "; the trained model's is " + trained + "): run the train goal");
            history = null;
        }
        if (evaluation != null && trained != null && evaluation.fingerprint() != null
                && !trained.equals(evaluation.fingerprint())) {
            missing.add(OutputDirectory.EVALUATION + " belongs to another model (fingerprint " + evaluation.fingerprint()
                    + "; the trained model's is " + trained + "): run the evaluate goal");
            evaluation = null;
        }

        List<Map<String, String>> summary = new ArrayList<>();
        if (dataset != null) {
            summary.add(row("Dataset", dataset.name() + " — " + String.format(Locale.ROOT, "%,d", dataset.trainCount())
                    + " training, " + String.format(Locale.ROOT, "%,d", dataset.testCount()) + " test images, "
                    + dataset.classes().size() + " classes"));
            summary.add(row("Source", dataset.source()));
        } else {
            missing.add(OutputDirectory.DATASET + " (run the download-dataset or train goal)");
        }
        if (run != null) {
            RunRecord.Model model = run.model();
            summary.add(row("Network", model.network()));
            summary.add(row("Parameters", String.format(Locale.ROOT, "%,d", model.parameters())));
            summary.add(row("FLOPs per image", String.format(Locale.ROOT, "%.2f M", model.flopsPerImage() / 1e6)));
            summary.add(row("Backend", run.backend() + " (" + run.device() + "), " + run.threads() + " threads"));
            summary.add(row("Training time", String.format(Locale.ROOT, "%.0f s for %d epochs", run.trainingSeconds(),
                    run.epochsRun())));
            summary.add(row("Fingerprint", run.fingerprint()));
            m.put("hyperparameters", Hyperparameters.rows(run.configuration()));
            m.put("layers", layers(model.layers()));
            m.put("modelTotal", Map.of("parameters", String.format(Locale.ROOT, "%,d", model.parameters()),
                    "multiplyAdds", String.format(Locale.ROOT, "%,d", model.multiplyAddsPerImage())));
        } else {
            missing.add(OutputDirectory.RUN + " and " + OutputDirectory.HISTORY + " (run the train goal)");
        }
        if (history != null) {
            charts(m, history);
            if (history.bestValidationAccuracy() != null) {
                summary.add(row("Best validation accuracy", f(history.bestValidationAccuracy())
                        + " (epoch " + history.bestEpoch() + ")"));
            }
        }
        if (finder != null) {
            m.put("lrFinder", lrFinder(finder));
        }
        if (study != null) {
            m.put("study", study(study));
            summary.add(row("Study winner", study.winner() + " (of " + study.variants().size()
                    + " variants, by validation accuracy)"));
        }
        if (evaluation != null) {
            summary.add(row("Test accuracy", f(evaluation.accuracy()) + (evaluation.testSet() != null
                    && evaluation.testSet().testTimeAugmentation() != null ? " (test-time augmentation: "
                    + evaluation.testSet().testTimeAugmentation() + ")" : "")));
            if (evaluation.top5Accuracy() != null) {
                summary.add(row("Top-5 accuracy", f(evaluation.top5Accuracy())));
            }
            evaluationSections(m, evaluation, dir);
            if (releases != null && !releases.releases().isEmpty()) {
                m.put("releases", releases(releases));
            }
        } else if (missing.stream().noneMatch(s -> s.startsWith(OutputDirectory.EVALUATION))) {
            missing.add(OutputDirectory.EVALUATION + " (run the evaluate goal)");
        }
        m.put("summary", summary);
        // Mustache has no "non-empty list" test: one flag per optional section.
        for (String section : List.of("baseline", "charts", "perClass", "misclassified", "hyperparameters", "layers")) {
            Object value = m.get(section);
            m.put("has" + Character.toUpperCase(section.charAt(0)) + section.substring(1),
                    value instanceof List<?> list && !list.isEmpty());
        }
        m.put("missing", missing);
        m.put("hasMissing", !missing.isEmpty());
        return m;
    }

    private void charts(Map<String, Object> m, TrainingHistory history) throws IOException {
        List<Number> epochs = new ArrayList<>();
        List<Number> trainLoss = new ArrayList<>();
        List<Number> valLoss = new ArrayList<>();
        List<Number> trainAcc = new ArrayList<>();
        List<Number> valAcc = new ArrayList<>();
        List<Number> lr = new ArrayList<>();
        for (EpochRecord e : history.epochs()) {
            epochs.add(e.epoch());
            trainLoss.add(e.trainLoss());
            valLoss.add(e.validationLoss());
            trainAcc.add(e.trainAccuracy());
            valAcc.add(e.validationAccuracy());
            lr.add(e.learningRate());
        }
        List<Map<String, String>> charts = new ArrayList<>();
        charts.add(chart("loss", Charts.lineChart("Loss", "epoch", "cross-entropy", List.of(
                new Charts.Series("train", epochs, trainLoss), new Charts.Series("validation", epochs, valLoss)), false, null, null)));
        charts.add(chart("accuracy", Charts.lineChart("Accuracy", "epoch", "accuracy", List.of(
                new Charts.Series("train", epochs, trainAcc), new Charts.Series("validation", epochs, valAcc)), false, null, null,
                0.0, 1.0)));
        charts.add(chart("learning-rate", Charts.lineChart("Learning rate", "epoch", "rate (end of epoch)", List.of(
                new Charts.Series("learning rate", epochs, lr)), false, null, null)));
        m.put("charts", charts);
        m.put("stopReason", history.stopReason());
    }

    /**
     * The study section: one row per variant, and per axis the validation curves of the variants
     * that differ along it (one-at-a-time: the base and that axis's variants; grid: all of them).
     */
    private Map<String, Object> study(StudyResult study) throws IOException {
        String winner = study.winner();
        boolean grid = StudyMode.GRID.id().equals(study.mode());
        Map<String, String> base = study.base() == null ? Map.of() : study.base();
        List<Map<String, String>> rows = new ArrayList<>();
        for (StudyResult.Variant v : study.variants()) {
            boolean won = v.name().equals(winner);
            boolean diverged = v.diverged();
            Map<String, String> row = new LinkedHashMap<>();
            row.put("name", v.name());
            row.put("best", diverged ? "diverged" : f(v.bestValidationAccuracy()));
            row.put("epoch", diverged ? "" : String.valueOf(v.bestEpoch()));
            row.put("gap", diverged ? "" : String.format(Locale.ROOT, "%+.4f", v.trainValidationGap()));
            row.put("time", diverged ? "" : String.format(Locale.ROOT, "%.0f s", v.seconds()));
            row.put("parameters", diverged ? "" : String.format(Locale.ROOT, "%,d", v.parameters()));
            row.put("class", won ? "winner" : diverged ? "diverged" : "");
            row.put("mark", won ? "winner" : "");
            rows.add(row);
        }
        List<Map<String, String>> charts = new ArrayList<>();
        for (String axis : study.axes().keySet()) {
            List<Charts.Series> accuracy = new ArrayList<>();
            List<Charts.Series> loss = new ArrayList<>();
            for (StudyResult.Variant v : study.variants()) {
                Map<String, String> settings = v.settings() == null ? Map.of() : v.settings();
                if (!grid && !settings.isEmpty() && !settings.containsKey(axis)) {
                    continue; // one-at-a-time: another axis's variant
                }
                String name = v.name();
                if (!grid && settings.isEmpty() && base.containsKey(axis)) {
                    name += " (" + axis + "=" + base.get(axis) + ")";
                }
                if (v.name().equals(winner)) {
                    name += " (winner)";
                } else if (v.diverged()) {
                    name += " (diverged)";
                }
                List<Number> epochs = new ArrayList<>();
                List<Number> acc = new ArrayList<>();
                List<Number> lossValues = new ArrayList<>();
                for (EpochRecord e : v.history() == null ? List.<EpochRecord>of() : v.history()) {
                    epochs.add(e.epoch());
                    acc.add(e.validationAccuracy());
                    lossValues.add(e.validationLoss());
                }
                accuracy.add(new Charts.Series(name, epochs, acc));
                loss.add(new Charts.Series(name, epochs, lossValues));
            }
            // XChart draws text as outlines, so the caption names the curves in text too.
            String caption = accuracy.stream().map(Charts.Series::name).collect(java.util.stream.Collectors.joining("; "));
            charts.add(Map.of("id", "study-" + axis + "-accuracy", "caption", caption, "svg", Charts.lineChart(
                    "Validation accuracy by " + axis, "epoch", "validation accuracy", accuracy, false, null, null, 0.0, 1.0)));
            charts.add(Map.of("id", "study-" + axis + "-loss", "caption", caption, "svg", Charts.lineChart(
                    "Validation loss by " + axis, "epoch", "cross-entropy", loss, false, null, null)));
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mode", study.mode());
        s.put("axes", String.join(", ", study.axes().keySet()));
        s.put("winner", winner);
        s.put("rows", rows);
        s.put("charts", charts);
        return s;
    }

    private Map<String, Object> lrFinder(LrFinderResult finder) throws IOException {
        List<Number> lr = new ArrayList<>();
        List<Number> loss = new ArrayList<>();
        List<Number> smoothed = new ArrayList<>();
        for (LrFinderResult.Point p : finder.points()) {
            lr.add(p.lr());
            loss.add(p.loss());
            smoothed.add(p.smoothedLoss());
        }
        double suggestion = finder.suggestion();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("svg", Charts.lineChart("Learning-rate range test", "learning rate (log)", "loss", List.of(
                new Charts.Series("loss", lr, loss), new Charts.Series("smoothed", lr, smoothed)), true, suggestion,
                "suggestion " + String.format(Locale.ROOT, "%.3g", suggestion)));
        f.put("suggestion", String.format(Locale.ROOT, "%.3g", suggestion));
        f.put("method", finder.method());
        return f;
    }

    private void evaluationSections(Map<String, Object> m, EvaluationResult evaluation, Path dir) throws IOException {
        List<String> classes = evaluation.classes() == null ? List.of() : evaluation.classes();
        long[][] confusion = evaluation.confusionMatrix() == null ? new long[0][] : evaluation.confusionMatrix();
        long max = 1;
        for (long[] row : confusion) {
            for (long cell : row) {
                max = Math.max(max, cell);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 0; r < confusion.length; r++) {
            List<Map<String, Object>> cells = new ArrayList<>();
            for (int c = 0; c < confusion[r].length; c++) {
                long v = confusion[r][c];
                double intensity = Math.sqrt((double) v / max);
                String colour = r == c ? String.format(Locale.ROOT, "rgba(44,160,44,%.2f)", 0.1 + 0.9 * intensity)
                        : String.format(Locale.ROOT, "rgba(214,39,40,%.2f)", v == 0 ? 0 : 0.1 + 0.9 * intensity);
                cells.add(Map.of("value", v, "style", "background:" + colour));
            }
            rows.add(Map.of("label", r < classes.size() ? classes.get(r) : String.valueOf(r), "cells", cells));
        }
        m.put("confusion", Map.of("classes", classes, "rows", rows));

        List<Map<String, String>> perClass = new ArrayList<>();
        for (EvaluationResult.ClassMetrics c : evaluation.perClass() == null ? List.<EvaluationResult.ClassMetrics>of()
                : evaluation.perClass()) {
            perClass.add(Map.of("label", c.label(), "precision", f(c.precision()), "recall", f(c.recall()), "f1", f(c.f1()),
                    "accuracy", f(c.accuracy()), "support", String.valueOf(c.support())));
        }
        m.put("perClass", perClass);

        List<EvaluationResult.Misclassified> misclassified = evaluation.misclassified() == null ? List.of()
                : evaluation.misclassified();
        List<Map<String, String>> wrong = new ArrayList<>();
        for (EvaluationResult.Misclassified w : misclassified) {
            if (w.image() == null || !Files.isRegularFile(dir.resolve(w.image()))) {
                continue;
            }
            byte[] png = Files.readAllBytes(dir.resolve(w.image()));
            wrong.add(Map.of("src", "data:image/png;base64," + Base64.getEncoder().encodeToString(png),
                    "label", w.label(), "predicted", w.predicted(),
                    "confidence", String.format(Locale.ROOT, "%.0f%%", 100 * w.confidence()),
                    "index", String.valueOf(w.index())));
        }
        m.put("misclassified", wrong);
        m.put("misclassifiedShown", String.format(Locale.ROOT, "%,d", wrong.size()));
        m.put("misclassifiedCount", String.format(Locale.ROOT, "%,d", misclassified.size()));

        EvaluationResult.Gate gate = evaluation.gate();
        if (gate != null && !gate.rules().isEmpty()) {
            List<Map<String, String>> rules = new ArrayList<>();
            for (EvaluationResult.Rule rule : gate.rules()) {
                rules.add(Map.of("rule", rule.rule(), "actual", f(rule.actual()), "expected", f(rule.expected()),
                        "passed", rule.passed() ? "met" : "violated", "class", rule.passed() ? "ok" : "bad",
                        "message", AccuracyGate.describe(rule)));
            }
            m.put("gate", Map.of("passed", gate.passed(), "verdict", gate.passed() ? "passed" : "failed",
                    "class", gate.passed() ? "ok" : "bad", "rules", rules));
        }
        List<EvaluationResult.Comparison> comparison = evaluation.baselineComparison();
        if (comparison != null && !comparison.isEmpty()) {
            List<Map<String, String>> diff = new ArrayList<>();
            for (EvaluationResult.Comparison d : comparison) {
                diff.add(Map.of("metric", d.metric(), "baseline", f(d.baseline()), "now", f(d.now()),
                        "change", String.format(Locale.ROOT, "%+.4f", d.change()), "class", d.change() < 0 ? "bad" : "ok"));
            }
            m.put("baseline", diff);
            if (evaluation.baseline() != null) {
                m.put("baselineName", evaluation.baseline());
            }
        }
    }

    private static List<Map<String, String>> layers(List<ModelSummary.LayerRow> layers) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (ModelSummary.LayerRow l : layers == null ? List.<ModelSummary.LayerRow>of() : layers) {
            rows.add(Map.of("name", l.name(), "type", l.type(), "output", l.outputShape(),
                    "parameters", String.format(Locale.ROOT, "%,d", l.parameters()),
                    "multiplyAdds", String.format(Locale.ROOT, "%,d", l.multiplyAdds())));
        }
        return rows;
    }

    /** The release history: accuracy per version as a chart and a table, and every class's accuracy per version. */
    private static Map<String, Object> releases(ReleaseHistory history) throws IOException {
        List<ReleaseHistory.Release> versions = history.releases();
        List<Number> x = new ArrayList<>();
        List<Number> accuracy = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            ReleaseHistory.Release r = versions.get(i);
            x.add(i + 1);
            accuracy.add(r.accuracy());
            double change = i == 0 ? 0 : r.accuracy() - versions.get(i - 1).accuracy();
            rows.add(Map.of("version", r.version() + (r.current() ? " (this build)" : ""), "accuracy", f(r.accuracy()),
                    "change", i == 0 ? "" : String.format(Locale.ROOT, "%+.4f", change), "class", change < 0 ? "bad" : "ok"));
        }
        List<Map<String, Object>> classes = new ArrayList<>();
        for (String label : history.classes()) {
            List<String> cells = new ArrayList<>();
            versions.forEach(r -> cells.add(r.perClass().containsKey(label) ? f(r.perClass().get(label)) : "–"));
            classes.add(Map.of("label", label, "cells", cells));
        }
        String caption = "Test accuracy of " + history.artifact() + " by version: " + versions.stream()
                .map(r -> r.version()).collect(java.util.stream.Collectors.joining(", "));
        return Map.of("artifact", history.artifact(), "rows", rows, "versions", versions.stream().map(r -> r.version()).toList(),
                "classes", classes, "caption", caption, "svg", Charts.lineChart("Test accuracy by version", "version (oldest = 1)",
                        "test accuracy", List.of(new Charts.Series("test accuracy", x, accuracy)), false, null, null, 0.0, 1.0));
    }

    private static Map<String, String> chart(String id, String svg) {
        return Map.of("id", id, "svg", svg);
    }

    private static Map<String, String> row(String name, String value) {
        return Map.of("name", name, "value", value);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
