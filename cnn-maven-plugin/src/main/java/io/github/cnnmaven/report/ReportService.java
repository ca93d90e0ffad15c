package io.github.cnnmaven.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;

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
import java.util.Iterator;
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

    public static final String REPORT_DIRECTORY = "report";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Renders the report into {@code outputDirectory/report/index.html} and returns that file. */
    public Path render(Path outputDirectory, String projectName) throws CnnException {
        Path target = outputDirectory.resolve(REPORT_DIRECTORY).resolve("index.html");
        String html = html(outputDirectory, projectName);
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.write(target, tmp -> Files.writeString(tmp, html, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CnnException("Could not write the report " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    /** The rendered page, and what it could not show yet (each naming the goal that produces it). */
    public record Page(String html, List<String> missing) {
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
            return new Page(out.toString(), (List<String>) model.get("missing"));
        } catch (IOException e) {
            throw new CnnException("Could not render the report from " + outputDirectory + ": " + e.getMessage(), e);
        }
    }

    Map<String, Object> model(Path dir, String projectName) throws IOException {
        JsonNode dataset = read(dir.resolve("dataset.json"));
        JsonNode run = read(dir.resolve("run.json"));
        JsonNode history = read(dir.resolve("history.json"));
        JsonNode evaluation = read(dir.resolve("evaluation.json"));
        JsonNode finder = read(dir.resolve("lr-finder.json"));
        JsonNode study = read(dir.resolve("study.json"));
        if (dataset == null && run != null) {
            dataset = run.get("dataset");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", projectName);
        m.put("generated", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        List<String> missing = new ArrayList<>();

        List<Map<String, String>> summary = new ArrayList<>();
        if (dataset != null) {
            summary.add(row("Dataset", text(dataset, "dataset") + " — " + text(dataset, "trainCount") + " training, "
                    + text(dataset, "testCount") + " test images, " + dataset.path("classes").size() + " classes"));
            summary.add(row("Source", text(dataset, "source")));
        } else {
            missing.add("dataset.json (run the download-dataset or train goal)");
        }
        if (run != null) {
            JsonNode model = run.path("model");
            summary.add(row("Network", text(model, "network")));
            summary.add(row("Parameters", String.format(Locale.ROOT, "%,d", model.path("parameters").asLong())));
            summary.add(row("FLOPs per image", String.format(Locale.ROOT, "%.2f M", model.path("flopsPerImage").asDouble() / 1e6)));
            summary.add(row("Backend", text(run, "backend") + " (" + text(run, "device") + "), " + text(run, "threads") + " threads"));
            summary.add(row("Training time", String.format(Locale.ROOT, "%.0f s for %d epochs", run.path("trainingSeconds").asDouble(),
                    run.path("epochsRun").asInt())));
            summary.add(row("Fingerprint", text(run, "fingerprint")));
            m.put("hyperparameters", hyperparameters(run.path("configuration")));
            m.put("layers", layers(model.path("layers")));
        } else {
            missing.add("run.json and history.json (run the train goal)");
        }
        if (history != null) {
            charts(m, history);
            if (history.hasNonNull("bestValidationAccuracy")) {
                summary.add(row("Best validation accuracy", f(history.path("bestValidationAccuracy").asDouble())
                        + " (epoch " + history.path("bestEpoch").asInt() + ")"));
            }
        }
        if (finder != null) {
            m.put("lrFinder", lrFinder(finder));
        }
        if (study != null) {
            m.put("study", study(study));
            summary.add(row("Study winner", study.path("winner").asText() + " (of " + study.path("variants").size()
                    + " variants, by validation accuracy)"));
        }
        if (evaluation != null) {
            summary.add(row("Test accuracy", f(evaluation.path("accuracy").asDouble())));
            if (evaluation.hasNonNull("top5Accuracy")) {
                summary.add(row("Top-5 accuracy", f(evaluation.path("top5Accuracy").asDouble())));
            }
            evaluationSections(m, evaluation, dir);
        } else {
            missing.add("evaluation.json (run the evaluate goal)");
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

    private void charts(Map<String, Object> m, JsonNode history) throws IOException {
        List<Number> epochs = new ArrayList<>();
        List<Number> trainLoss = new ArrayList<>();
        List<Number> valLoss = new ArrayList<>();
        List<Number> trainAcc = new ArrayList<>();
        List<Number> valAcc = new ArrayList<>();
        List<Number> lr = new ArrayList<>();
        for (JsonNode e : history.path("epochs")) {
            epochs.add(e.path("epoch").asInt());
            trainLoss.add(e.path("trainLoss").asDouble());
            valLoss.add(number(e.get("validationLoss")));
            trainAcc.add(e.path("trainAccuracy").asDouble());
            valAcc.add(number(e.get("validationAccuracy")));
            lr.add(e.path("learningRate").asDouble());
        }
        List<Map<String, String>> charts = new ArrayList<>();
        charts.add(chart("loss", Charts.lineChart("Loss", "epoch", "cross-entropy", List.of(
                new Charts.Series("train", epochs, trainLoss), new Charts.Series("validation", epochs, valLoss)), false, null, null)));
        charts.add(chart("accuracy", Charts.lineChart("Accuracy", "epoch", "accuracy", List.of(
                new Charts.Series("train", epochs, trainAcc), new Charts.Series("validation", epochs, valAcc)), false, null, null)));
        charts.add(chart("learning-rate", Charts.lineChart("Learning rate", "epoch", "rate (end of epoch)", List.of(
                new Charts.Series("learning rate", epochs, lr)), false, null, null)));
        m.put("charts", charts);
        m.put("stopReason", history.hasNonNull("stopReason") ? history.path("stopReason").asText() : null);
    }

    /**
     * The study section: one row per variant, and per axis the validation curves of the variants
     * that differ along it (one-at-a-time: the base and that axis's variants; grid: all of them).
     */
    private Map<String, Object> study(JsonNode study) throws IOException {
        String winner = study.path("winner").asText();
        boolean grid = "grid".equals(study.path("mode").asText());
        JsonNode base = study.path("base");
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode v : study.path("variants")) {
            boolean won = v.path("name").asText().equals(winner);
            boolean diverged = "diverged".equals(v.path("status").asText());
            Map<String, String> row = new LinkedHashMap<>();
            row.put("name", v.path("name").asText());
            row.put("best", diverged ? "diverged" : f(v.path("bestValidationAccuracy").asDouble()));
            row.put("epoch", diverged ? "" : v.path("bestEpoch").asText());
            row.put("gap", diverged ? "" : String.format(Locale.ROOT, "%+.4f", v.path("trainValidationGap").asDouble()));
            row.put("time", diverged ? "" : String.format(Locale.ROOT, "%.0f s", v.path("seconds").asDouble()));
            row.put("parameters", diverged ? "" : String.format(Locale.ROOT, "%,d", v.path("parameters").asLong()));
            row.put("class", won ? "winner" : diverged ? "diverged" : "");
            row.put("mark", won ? "winner" : "");
            rows.add(row);
        }
        List<Map<String, String>> charts = new ArrayList<>();
        for (Iterator<String> axes = study.path("axes").fieldNames(); axes.hasNext(); ) {
            String axis = axes.next();
            List<Charts.Series> accuracy = new ArrayList<>();
            List<Charts.Series> loss = new ArrayList<>();
            for (JsonNode v : study.path("variants")) {
                JsonNode settings = v.path("settings");
                if (!grid && settings.size() > 0 && !settings.has(axis)) {
                    continue; // one-at-a-time: another axis's variant
                }
                String name = v.path("name").asText();
                if (!grid && settings.size() == 0 && base.has(axis)) {
                    name += " (" + axis + "=" + base.path(axis).asText() + ")";
                }
                if (v.path("name").asText().equals(winner)) {
                    name += " (winner)";
                } else if ("diverged".equals(v.path("status").asText())) {
                    name += " (diverged)";
                }
                List<Number> epochs = new ArrayList<>();
                List<Number> acc = new ArrayList<>();
                List<Number> lossValues = new ArrayList<>();
                for (JsonNode e : v.path("history")) {
                    epochs.add(e.path("epoch").asInt());
                    acc.add(number(e.get("validationAccuracy")));
                    lossValues.add(number(e.get("validationLoss")));
                }
                accuracy.add(new Charts.Series(name, epochs, acc));
                loss.add(new Charts.Series(name, epochs, lossValues));
            }
            // XChart draws text as outlines, so the caption names the curves in text too.
            String caption = accuracy.stream().map(Charts.Series::name).collect(java.util.stream.Collectors.joining("; "));
            charts.add(Map.of("id", "study-" + axis + "-accuracy", "caption", caption, "svg", Charts.lineChart(
                    "Validation accuracy by " + axis, "epoch", "validation accuracy", accuracy, false, null, null)));
            charts.add(Map.of("id", "study-" + axis + "-loss", "caption", caption, "svg", Charts.lineChart(
                    "Validation loss by " + axis, "epoch", "cross-entropy", loss, false, null, null)));
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mode", study.path("mode").asText());
        List<String> axisNames = new ArrayList<>();
        study.path("axes").fieldNames().forEachRemaining(axisNames::add);
        s.put("axes", String.join(", ", axisNames));
        s.put("winner", winner);
        s.put("rows", rows);
        s.put("charts", charts);
        return s;
    }

    private Map<String, Object> lrFinder(JsonNode finder) throws IOException {
        List<Number> lr = new ArrayList<>();
        List<Number> loss = new ArrayList<>();
        List<Number> smoothed = new ArrayList<>();
        for (JsonNode p : finder.path("points")) {
            lr.add(p.path("lr").asDouble());
            loss.add(number(p.get("loss")));
            smoothed.add(number(p.get("smoothedLoss")));
        }
        double suggestion = finder.path("suggestion").asDouble();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("svg", Charts.lineChart("Learning-rate range test", "learning rate (log)", "loss", List.of(
                new Charts.Series("loss", lr, loss), new Charts.Series("smoothed", lr, smoothed)), true, suggestion,
                "suggestion " + String.format(Locale.ROOT, "%.3g", suggestion)));
        f.put("suggestion", String.format(Locale.ROOT, "%.3g", suggestion));
        f.put("method", text(finder, "method"));
        return f;
    }

    private void evaluationSections(Map<String, Object> m, JsonNode evaluation, Path dir) throws IOException {
        List<String> classes = new ArrayList<>();
        evaluation.path("classes").forEach(c -> classes.add(c.asText()));
        JsonNode confusion = evaluation.path("confusionMatrix");
        long max = 1;
        for (JsonNode row : confusion) {
            for (JsonNode cell : row) {
                max = Math.max(max, cell.asLong());
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        int r = 0;
        for (JsonNode row : confusion) {
            List<Map<String, Object>> cells = new ArrayList<>();
            int c = 0;
            for (JsonNode cell : row) {
                long v = cell.asLong();
                double intensity = Math.sqrt((double) v / max);
                String colour = r == c ? String.format(Locale.ROOT, "rgba(44,160,44,%.2f)", 0.1 + 0.9 * intensity)
                        : String.format(Locale.ROOT, "rgba(214,39,40,%.2f)", v == 0 ? 0 : 0.1 + 0.9 * intensity);
                cells.add(Map.of("value", v, "style", "background:" + colour));
                c++;
            }
            rows.add(Map.of("label", r < classes.size() ? classes.get(r) : String.valueOf(r), "cells", cells));
            r++;
        }
        m.put("confusion", Map.of("classes", classes, "rows", rows));

        List<Map<String, String>> perClass = new ArrayList<>();
        for (JsonNode c : evaluation.path("perClass")) {
            perClass.add(Map.of("label", c.path("label").asText(), "precision", f(c.path("precision").asDouble()),
                    "recall", f(c.path("recall").asDouble()), "f1", f(c.path("f1").asDouble()),
                    "accuracy", f(c.path("accuracy").asDouble()), "support", c.path("support").asText()));
        }
        m.put("perClass", perClass);

        List<Map<String, String>> wrong = new ArrayList<>();
        int total = evaluation.path("misclassified").size();
        for (JsonNode w : evaluation.path("misclassified")) {
            if (!w.hasNonNull("image") || !Files.isRegularFile(dir.resolve(w.path("image").asText()))) {
                continue;
            }
            byte[] png = Files.readAllBytes(dir.resolve(w.path("image").asText()));
            wrong.add(Map.of("src", "data:image/png;base64," + Base64.getEncoder().encodeToString(png),
                    "label", w.path("label").asText(), "predicted", w.path("predicted").asText(),
                    "confidence", String.format(Locale.ROOT, "%.0f%%", 100 * w.path("confidence").asDouble()),
                    "index", w.path("index").asText()));
        }
        m.put("misclassified", wrong);
        m.put("misclassifiedCount", total);

        JsonNode gate = evaluation.get("gate");
        if (gate != null && gate.path("rules").size() > 0) {
            List<Map<String, String>> rules = new ArrayList<>();
            for (JsonNode rule : gate.path("rules")) {
                rules.add(Map.of("rule", rule.path("rule").asText(), "actual", f(rule.path("actual").asDouble()),
                        "expected", f(rule.path("expected").asDouble()), "passed", rule.path("passed").asBoolean() ? "met" : "violated",
                        "class", rule.path("passed").asBoolean() ? "ok" : "bad",
                        "message", rule.path("passed").asBoolean() ? "" : "Rule violated: " + rule.path("message").asText()));
            }
            boolean passed = gate.path("passed").asBoolean();
            m.put("gate", Map.of("passed", passed, "verdict", passed ? "passed" : "failed", "class", passed ? "ok" : "bad",
                    "rules", rules));
        }
        JsonNode comparison = evaluation.get("baselineComparison");
        if (comparison != null && comparison.size() > 0) {
            List<Map<String, String>> diff = new ArrayList<>();
            for (JsonNode d : comparison) {
                double change = d.path("change").asDouble();
                diff.add(Map.of("metric", d.path("metric").asText(), "baseline", f(d.path("baseline").asDouble()),
                        "now", f(d.path("now").asDouble()), "change", String.format(Locale.ROOT, "%+.4f", change),
                        "class", change < 0 ? "bad" : "ok"));
            }
            m.put("baseline", diff);
        }
    }

    private static List<Map<String, String>> hyperparameters(JsonNode config) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull() || e.getKey().equals("layers")) {
                continue;
            }
            rows.add(row(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        }
        return rows;
    }

    private static List<Map<String, String>> layers(JsonNode layers) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode l : layers) {
            rows.add(Map.of("name", l.path("name").asText(), "type", l.path("type").asText(), "output", l.path("outputShape").asText(),
                    "parameters", String.format(Locale.ROOT, "%,d", l.path("parameters").asLong())));
        }
        return rows;
    }

    private static Map<String, String> chart(String id, String svg) {
        return Map.of("id", id, "svg", svg);
    }

    private static Map<String, String> row(String name, String value) {
        return Map.of("name", name, "value", value);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? "?" : v.asText();
    }

    private static Number number(JsonNode v) {
        return v == null || v.isNull() || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static JsonNode read(Path file) throws IOException {
        return Files.isRegularFile(file) ? JSON.readTree(file.toFile()) : null;
    }
}
