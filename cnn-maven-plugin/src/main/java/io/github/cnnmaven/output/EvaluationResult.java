package io.github.cnnmaven.output;

import io.github.cnnmaven.common.Json;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.cnnmaven.common.CnnException;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code evaluation.json} (the keys of docs/output-files.md): test-set metrics, the misclassified examples, the
 * test set's identity, and the gate's outcome. Plain data, readable without DL4J, so the gate and
 * the report never need the training backend.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationResult(double accuracy, Double top5Accuracy, List<ClassMetrics> perClass, List<String> classes,
                               long[][] confusionMatrix, List<Misclassified> misclassified, TestSet testSet,
                               String fingerprint, Gate gate, List<Comparison> baselineComparison, String baseline) {

    /** A result before the gate: no comparison and no baseline. */
    public EvaluationResult(double accuracy, Double top5Accuracy, List<ClassMetrics> perClass, List<String> classes,
                            long[][] confusionMatrix, List<Misclassified> misclassified, TestSet testSet,
                            String fingerprint, Gate gate, List<Comparison> baselineComparison) {
        this(accuracy, top5Accuracy, perClass, classes, confusionMatrix, misclassified, testSet, fingerprint, gate,
                baselineComparison, null);
    }

    /** Per-class figures; {@code accuracy} is the share of the class's test images classified correctly (its recall). */
    public record ClassMetrics(String label, double precision, double recall, double f1, double accuracy, long support) {
    }

    public record Prediction(String label, double probability) {
    }

    /** A misclassified test image: its index in the test set, the truth, the top predictions, and its thumbnail. */
    public record Misclassified(int index, String label, String predicted, double confidence, String image,
                                List<Prediction> top) {
    }

    /** Which test set was measured: a baseline from another one cannot be compared. */
    public record TestSet(String dataset, String identity, int count, String testTimeAugmentation) {

        /** A test set measured without test-time augmentation. */
        public TestSet(String dataset, String identity, int count) {
            this(dataset, identity, count, null);
        }
    }

    /** One rule of the gate, as the gate's message prints it (docs/gate.md). */
    public record Rule(String rule, double actual, double expected, boolean passed, String message) {
    }

    public record Gate(boolean passed, List<Rule> rules) {
    }

    /** One row of the comparison with the baseline: metric | baseline | now | change. */
    public record Comparison(String metric, double baseline, double now, double change) {
    }

    /**
     * This result with the gate's outcome and, when there was a baseline, the comparison with it and what
     * the baseline was (its path, or the coordinates and version of the release it came from).
     */
    public EvaluationResult withGate(Gate g, List<Comparison> comparison, String baselineName) {
        return new EvaluationResult(accuracy, top5Accuracy, perClass, classes, confusionMatrix, misclassified, testSet,
                fingerprint, g, comparison, baselineName);
    }

    public void write(Path file) throws CnnException {
        Json.write(file, this);
    }

    /** Reads an evaluation; {@code what} says which one in the error ("the baseline (cnn.baseline)"). */
    public static EvaluationResult read(Path file, String what) throws CnnException {
        try {
            EvaluationResult result = Json.read(file, EvaluationResult.class);
            if (result == null) {
                throw new CnnException(what + " " + file + " does not exist");
            }
            return result;
        } catch (CnnException e) {
            throw new CnnException("Could not read " + what + ": " + e.getMessage()
                    + ". It must be an evaluation.json written by the evaluate goal.", e);
        }
    }
}
