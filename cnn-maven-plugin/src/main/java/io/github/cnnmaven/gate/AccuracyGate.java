package io.github.cnnmaven.gate;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.output.EvaluationResult.Rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The accuracy gate: a minimum test accuracy, an allowed drop against a committed baseline, and a
 * minimum per-class accuracy. Each rule that is set is checked and reported with the exact messages of
 * docs/gate.md; comparing against a baseline from another dataset or test set is an error, not a rule.
 */
public final class AccuracyGate {

    /**
     * The limits; {@code null} means the rule is not set.
     *
     * @param release the coordinates and version of the release the baseline came from; null for a committed file
     */
    public record Limits(Double minAccuracy, EvaluationResult baseline, double maxAccuracyDrop, Double minClassAccuracy,
                         String release) {

        /** Limits whose baseline, if any, is a committed file. */
        public Limits(Double minAccuracy, EvaluationResult baseline, double maxAccuracyDrop, Double minClassAccuracy) {
            this(minAccuracy, baseline, maxAccuracyDrop, minClassAccuracy, null);
        }
    }

    private AccuracyGate() {
    }

    public static EvaluationResult.Gate check(EvaluationResult now, Limits limits) throws CnnException {
        List<Rule> rules = new ArrayList<>();
        if (limits.minAccuracy() != null) {
            boolean ok = now.accuracy() >= limits.minAccuracy();
            rules.add(new Rule("minAccuracy", now.accuracy(), limits.minAccuracy(), ok,
                    "test accuracy is " + f(now.accuracy()) + ", but expected minimum is " + f(limits.minAccuracy())));
        }
        if (limits.baseline() != null) {
            EvaluationResult base = limits.baseline();
            requireComparable(now, base);
            double drop = base.accuracy() - now.accuracy();
            boolean ok = drop <= limits.maxAccuracyDrop() + 1e-12;
            rules.add(new Rule("maxAccuracyDrop", drop, limits.maxAccuracyDrop(), ok, "test accuracy dropped by " + f(drop)
                    + " from baseline " + f(base.accuracy()) + (limits.release() == null ? "" : " of " + limits.release())
                    + ", but allowed drop is " + f(limits.maxAccuracyDrop())));
        }
        if (limits.minClassAccuracy() != null) {
            for (EvaluationResult.ClassMetrics c : now.perClass()) {
                boolean ok = c.accuracy() >= limits.minClassAccuracy();
                rules.add(new Rule("minClassAccuracy[" + c.label() + "]", c.accuracy(), limits.minClassAccuracy(), ok,
                        "accuracy of class '" + c.label() + "' is " + f(c.accuracy()) + ", but expected minimum is "
                                + f(limits.minClassAccuracy())));
            }
        }
        return new EvaluationResult.Gate(rules.stream().allMatch(Rule::passed), rules);
    }

    private static void requireComparable(EvaluationResult now, EvaluationResult base) throws CnnException {
        if (base.testSet() == null || now.testSet() == null) {
            throw new CnnException("The baseline (cnn.baseline) does not say which test set it measured; regenerate it"
                    + " with this version's evaluate goal");
        }
        if (!base.testSet().dataset().equals(now.testSet().dataset())) {
            throw new CnnException("The baseline (cnn.baseline) measured dataset '" + base.testSet().dataset() + "', but this"
                    + " build measured '" + now.testSet().dataset() + "': a baseline from another dataset is not comparable");
        }
        if (!base.testSet().identity().equals(now.testSet().identity()) || base.testSet().count() != now.testSet().count()) {
            throw new CnnException("The baseline (cnn.baseline) measured another test set (" + base.testSet().count()
                    + " images, identity " + base.testSet().identity() + ") than this build (" + now.testSet().count()
                    + " images, identity " + now.testSet().identity() + "): check cnn.testLimit and the dataset source");
        }
    }

    /** What a rule says, as the report and the CI summary show it: the violation, or how it was met. */
    public static String describe(Rule rule) {
        if (!rule.passed()) {
            return "Rule violated: " + rule.message();
        }
        String kind = rule.rule();
        if (kind.equals("maxAccuracyDrop")) {
            return "accuracy dropped by " + f(rule.actual()) + ", within the allowed " + f(rule.expected());
        }
        String what = kind.startsWith("minClassAccuracy[") ? "accuracy of class '" + kind.substring(17, kind.length() - 1) + "'"
                : "test accuracy";
        return what + " is " + f(rule.actual()) + ", at least the minimum " + f(rule.expected());
    }

    /** One line per violated rule, then the summary line (docs/gate.md). */
    public static List<String> messages(EvaluationResult.Gate gate, String evaluationPath) {
        List<String> lines = new ArrayList<>();
        long violated = gate.rules().stream().filter(r -> !r.passed()).count();
        for (Rule r : gate.rules()) {
            if (!r.passed()) {
                lines.add("Rule violated: " + r.message());
            }
        }
        if (violated == 0) {
            lines.add("Accuracy gate passed: " + gate.rules().size() + " rule" + (gate.rules().size() == 1 ? "" : "s") + " met");
        } else {
            lines.add("Accuracy gate failed: " + violated + " of " + gate.rules().size() + " rules violated (see "
                    + evaluationPath + ")");
        }
        return lines;
    }

    /** The metrics of {@code now} beside the baseline's: accuracy, top-5, and every class's accuracy. */
    public static List<EvaluationResult.Comparison> compare(EvaluationResult base, EvaluationResult now) {
        List<EvaluationResult.Comparison> rows = new ArrayList<>();
        rows.add(new EvaluationResult.Comparison("accuracy", base.accuracy(), now.accuracy(), now.accuracy() - base.accuracy()));
        if (base.top5Accuracy() != null && now.top5Accuracy() != null) {
            rows.add(new EvaluationResult.Comparison("top5Accuracy", base.top5Accuracy(), now.top5Accuracy(),
                    now.top5Accuracy() - base.top5Accuracy()));
        }
        for (EvaluationResult.ClassMetrics c : now.perClass()) {
            base.perClass().stream().filter(b -> b.label().equals(c.label())).findFirst().ifPresent(b -> rows.add(
                    new EvaluationResult.Comparison("accuracy[" + c.label() + "]", b.accuracy(), c.accuracy(),
                            c.accuracy() - b.accuracy())));
        }
        return rows;
    }

    /** DVC-style table for the log: metric | baseline | now | change. */
    public static List<String> diffTable(List<EvaluationResult.Comparison> rows) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-28s %10s %10s %10s", "metric", "baseline", "now", "change"));
        for (EvaluationResult.Comparison r : rows) {
            lines.add(String.format(Locale.ROOT, "%-28s %10s %10s %+10.4f", r.metric(), f(r.baseline()), f(r.now()), r.change()));
        }
        return lines;
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
