package io.github.cnnmaven.report;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Markdown;
import io.github.cnnmaven.config.TrainingProperty;
import io.github.cnnmaven.output.DatasetDescription;
import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.output.RunRecord;
import io.github.cnnmaven.output.TrainingHistory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code model-card.md}: what a released model is, for whoever finds it in the repository. Written by
 * the evaluate goal from the output files alone (the dataset, the run, the history and the evaluation of one
 * fingerprint) and attached beside the model, so each version in the registry says what it was trained on,
 * how, and how good it was.
 */
public final class ModelCard {

    /** How far below the overall test accuracy a class is a known limit when cnn.minClassAccuracy is not set. */
    static final double WEAK_CLASS_MARGIN = 0.05;

    /**
     * The project the model belongs to.
     *
     * @param coordinates {@code groupId:artifactId:version}
     * @param description the POM's description; null when it has none
     * @param version     the project's version; null outside a Maven build
     */
    public record Project(String name, String coordinates, String description, String version) {
    }

    private ModelCard() {
    }

    /** Writes the card atomically; {@code minClassAccuracy} is the gate's per-class minimum, or null. */
    public static void write(Path file, Project project, DatasetDescription dataset, RunRecord run, TrainingHistory history,
                             EvaluationResult evaluation, Double minClassAccuracy) throws CnnException {
        try {
            // dataset.json is written by download-dataset; a build that binds only train and evaluate has the run's copy
            AtomicFiles.writeString(file, markdown(project, dataset != null ? dataset : run.dataset(), run, history, evaluation,
                    minClassAccuracy));
        } catch (IOException e) {
            throw new CnnException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    static String markdown(Project project, DatasetDescription dataset, RunRecord run, TrainingHistory history,
                           EvaluationResult evaluation, Double minClassAccuracy) {
        StringBuilder md = new StringBuilder();
        md.append("# Model card: ").append(Markdown.text(project.name())).append("\n\n");
        md.append("`").append(project.coordinates()).append("` (classifier `model`: `model.zip`, `model.onnx`)\n\n");
        if (project.description() != null && !project.description().isBlank()) {
            md.append(Markdown.text(project.description().strip().replaceAll("\\s+", " "))).append("\n\n");
        }
        md.append("## Model\n\n");
        md.append("- Network: ").append(Markdown.text(run.model().network())).append(", ")
                .append(String.format(Locale.ROOT, "%,d", run.model().parameters())).append(" parameters\n");
        md.append("- Input: ").append(dataset == null ? "unknown" : shape(dataset.inputShape())).append('\n');
        md.append("- Fingerprint: `").append(evaluation.fingerprint()).append("` (of the configuration and the data;"
                + " the evaluation and this card are of the same model)\n\n");
        md.append("## Classes\n\n").append(evaluation.classes().size()).append(": ")
                .append(String.join(", ", evaluation.classes().stream().map(Markdown::text).toList())).append("\n\n");
        md.append("## Data\n\n");
        if (dataset == null) {
            dataset = new DatasetDescription(evaluation.testSet() == null ? "unknown" : evaluation.testSet().dataset(), null,
                    evaluation.testSet() == null ? "unknown" : evaluation.testSet().identity(), null, evaluation.classes(), null,
                    0, 0, null);
        }
        md.append("- Dataset: ").append(Markdown.text(dataset.name())).append(" (`").append(dataset.dataset()).append("`)\n");
        boolean files = dataset.files() != null && !dataset.files().isEmpty();
        md.append("- Identity: `").append(dataset.identity()).append("` (").append(files
                ? "derived from the checksums of the files below" : "folder".equals(dataset.dataset())
                ? "a digest of the folder's file names and sizes" : "as the build recorded it").append(")\n");
        md.append("- Training images: ").append(dataset.trainCount());
        if (run.configuration() != null && run.configuration().validationSplit() > 0) {
            md.append(" (").append(TrainingProperty.number(Math.round(run.configuration().validationSplit() * 1000) / 10.0))
                    .append(" % of each class held out for validation)");
        }
        md.append("\n- Test images: ").append(evaluation.testSet() == null ? dataset.testCount() : evaluation.testSet().count())
                .append("\n\n");
        if (files) {
            md.append("| file | checksum | bytes |\n| --- | --- | ---: |\n");
            for (DatasetDescription.SourceFile f : dataset.files()) {
                md.append("| ").append(Markdown.text(f.name())).append(" | `").append(f.checksum()).append("` | ")
                        .append(f.size()).append(" |\n");
            }
            md.append('\n');
        }
        md.append("## Recipe\n\nOnly the settings that acted on this run.\n\n| setting | value |\n| --- | --- |\n");
        for (Map<String, String> row : Hyperparameters.rows(run.configuration())) {
            md.append("| ").append(row.get("name")).append(" | ").append(Markdown.text(row.get("value"))).append(" |\n");
        }
        md.append("\n## Test metrics\n\n");
        md.append("- Accuracy: ").append(f(evaluation.accuracy()));
        if (evaluation.top5Accuracy() != null) {
            md.append(", top-5 ").append(f(evaluation.top5Accuracy()));
        }
        if (evaluation.testSet() != null && evaluation.testSet().testTimeAugmentation() != null) {
            md.append(" (test-time augmentation: ").append(evaluation.testSet().testTimeAugmentation()).append(')');
        }
        md.append("\n\n| class | precision | recall | F1 | test images |\n| --- | ---: | ---: | ---: | ---: |\n");
        for (EvaluationResult.ClassMetrics c : evaluation.perClass()) {
            md.append("| ").append(Markdown.text(c.label())).append(" | ").append(f(c.precision())).append(" | ")
                    .append(f(c.recall())).append(" | ").append(f(c.f1())).append(" | ").append(c.support()).append(" |\n");
        }
        md.append("\n## Training\n\n");
        if (history != null && history.bestValidationAccuracy() != null) {
            md.append("- Best epoch: ").append(history.bestEpoch()).append(" of ").append(history.epochs().size())
                    .append(", validation accuracy ").append(f(history.bestValidationAccuracy())).append('\n');
        } else if (history != null) {
            md.append("- Epochs: ").append(history.epochs().size()).append(" (no validation split: the last is kept)\n");
        }
        md.append("- Training time: ").append(String.format(Locale.ROOT, "%.1f", run.trainingSeconds() / 60)).append(" min\n");
        md.append("- Backend: ").append(Markdown.text(run.backend())).append(" (").append(Markdown.text(run.device()))
                .append("), ").append(run.threads()).append(" threads")
                .append(run.workers() > 1 ? ", " + run.workers() + " workers" : "").append("\n\n");
        md.append("## Known limits\n\n");
        double threshold = minClassAccuracy != null ? minClassAccuracy : evaluation.accuracy() - WEAK_CLASS_MARGIN;
        List<EvaluationResult.ClassMetrics> weak = evaluation.perClass().stream().filter(c -> c.accuracy() < threshold).toList();
        String rule = minClassAccuracy != null ? "below cnn.minClassAccuracy " + f(minClassAccuracy)
                : "more than " + Math.round(WEAK_CLASS_MARGIN * 100) + " points below the overall accuracy";
        md.append(weak.isEmpty() ? "- No class is " + rule + ".\n" : "- Classes " + rule + ": " + String.join(", ",
                weak.stream().map(c -> Markdown.text(c.label()) + " " + f(c.accuracy())).toList()) + ".\n");
        md.append("- Measured on the test set above only; images unlike it (other sizes, sources or classes) are not covered.\n");
        EvaluationResult.Gate gate = evaluation.gate();
        if (gate == null || gate.rules().isEmpty()) {
            md.append("- Accuracy gate: no rule was set.\n");
        } else {
            md.append("- Accuracy gate: ").append(gate.passed() ? "passed" : "**failed**").append(" (")
                    .append(gate.rules().stream().filter(r -> r.passed()).count()).append(" of ").append(gate.rules().size())
                    .append(" rules met").append(evaluation.baseline() == null ? "" : "; baseline "
                            + Markdown.text(evaluation.baseline())).append(").\n");
        }
        return md.toString();
    }

    private static String shape(List<Integer> chw) {
        return chw == null || chw.size() != 3 ? "unknown" : chw.get(1) + "×" + chw.get(2) + "×" + chw.get(0);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
