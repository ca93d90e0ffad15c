package io.github.cnnmaven.gate;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Markdown;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.output.ReleaseHistory;
import io.github.cnnmaven.output.RunRecord;
import io.github.cnnmaven.output.TrainingHistory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * {@code summary.md}: what a CI job page should show of the gate, in Markdown: the verdict, one row
 * per rule (actual, expected, outcome), the comparison with the baseline (metric, baseline, now,
 * change, as DVC's {@code metrics diff} shows it), the best epoch, the training time and where the
 * report is. On GitHub Actions it is also appended to the job summary ({@code GITHUB_STEP_SUMMARY}).
 */
public final class CiSummary {

    /** The environment variable GitHub Actions sets to the job summary's file. */
    public static final String GITHUB_STEP_SUMMARY = "GITHUB_STEP_SUMMARY";

    private CiSummary() {
    }

    /**
     * @param title  what was trained, such as "lenet5 on Fashion-MNIST"
     * @param report the report's path as users see it
     */
    public static String markdown(String title, EvaluationResult result, TrainingHistory history, RunRecord run, String report) {
        return markdown(title, result, history, run, null, report);
    }

    /** @param releases the release history (releases.json); null for none */
    public static String markdown(String title, EvaluationResult result, TrainingHistory history, RunRecord run,
                                  ReleaseHistory releases, String report) {
        StringBuilder md = new StringBuilder();
        EvaluationResult.Gate gate = result.gate();
        String verdict = gate == null || gate.rules().isEmpty() ? "no rule set" : gate.passed() ? "passed" : "failed";
        md.append("## CNN accuracy gate: ").append(verdict).append("\n\n");
        md.append("**").append(Markdown.text(title)).append("**: test accuracy ").append(f(result.accuracy()));
        if (result.top5Accuracy() != null) {
            md.append(", top-5 ").append(f(result.top5Accuracy()));
        }
        md.append(result.testSet() == null ? "" : " on " + String.format(Locale.ROOT, "%,d", result.testSet().count())
                + " test images").append("\n\n");
        if (gate != null && !gate.rules().isEmpty()) {
            md.append("| rule | actual | expected | outcome |\n| --- | ---: | ---: | --- |\n");
            for (EvaluationResult.Rule r : gate.rules()) {
                md.append("| ").append(Markdown.text(r.rule())).append(" | ").append(f(r.actual())).append(" | ").append(f(r.expected()))
                        .append(" | ").append(r.passed() ? "met" : "**violated**: " + Markdown.text(r.message())).append(" |\n");
            }
            md.append('\n');
        }
        if (result.baselineComparison() != null && !result.baselineComparison().isEmpty()) {
            if (result.baseline() != null) {
                md.append("Compared with the baseline ").append(Markdown.text(result.baseline())).append(":\n\n");
            }
            md.append("| metric | baseline | now | change |\n| --- | ---: | ---: | ---: |\n");
            for (EvaluationResult.Comparison c : result.baselineComparison()) {
                md.append("| ").append(Markdown.text(c.metric())).append(" | ").append(f(c.baseline())).append(" | ").append(f(c.now()))
                        .append(" | ").append(String.format(Locale.ROOT, "%+.4f", c.change())).append(" |\n");
            }
            md.append('\n');
        }
        if (history != null && !history.epochs().isEmpty()) {
            EpochRecord last = history.lastEpoch();
            md.append(history.bestValidationAccuracy() == null ? "Trained " + last.epoch() + " epochs"
                    : "Best epoch " + history.bestEpoch() + " of " + last.epoch() + " (validation accuracy "
                    + f(history.bestValidationAccuracy()) + ")");
            if (run != null) {
                md.append(", ").append(minutes(run.trainingSeconds())).append(" of training");
            }
            md.append(history.stopReason() == null ? "" : "; stopped early: " + Markdown.text(history.stopReason())).append(".\n\n");
        }
        if (releases != null && !releases.releases().isEmpty()) {
            md.append("Releases of ").append(Markdown.text(releases.artifact())).append(":\n\n| version | test accuracy | change |\n"
                    + "| --- | ---: | ---: |\n");
            Double previous = null;
            for (ReleaseHistory.Release r : releases.releases()) {
                md.append("| ").append(Markdown.text(r.version())).append(r.current() ? " (this build)" : "").append(" | ")
                        .append(f(r.accuracy())).append(" | ").append(previous == null ? ""
                                : String.format(Locale.ROOT, "%+.4f", r.accuracy() - previous)).append(" |\n");
                previous = r.accuracy();
            }
            md.append('\n');
        }
        md.append("Report: ").append(Markdown.code(report)).append("\n");
        return md.toString();
    }

    /** Writes {@code summary.md} and, when {@code env} names a GitHub job summary, appends it there too. */
    public static void write(Path file, String markdown, Map<String, String> env) throws CnnException {
        try {
            AtomicFiles.writeString(file, markdown);
            String github = env.get(GITHUB_STEP_SUMMARY);
            if (github != null && !github.isBlank()) {
                Files.writeString(Path.of(github), markdown + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new CnnException("Could not write the CI summary " + file + ": " + e.getMessage(), e);
        }
    }

    private static String minutes(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60) : s + " s";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
