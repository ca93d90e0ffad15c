package io.github.cnnmaven.gate;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.output.EvaluationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccuracyGateTest {

    @TempDir
    Path temp;

    static EvaluationResult result(double accuracy, double catAccuracy, String dataset, int count) {
        return new EvaluationResult(accuracy, null, List.of(
                new EvaluationResult.ClassMetrics("cat", 0.5, catAccuracy, 0.5, catAccuracy, 100),
                new EvaluationResult.ClassMetrics("dog", 0.9, 0.9, 0.9, 0.9, 100)), List.of("cat", "dog"), null, List.of(),
                new EvaluationResult.TestSet(dataset, "abc", count), "fp", null, null);
    }

    @Test
    void violatedRulesPrintDesignMessagesThenOneSummaryLine() throws Exception {
        EvaluationResult now = result(0.7512, 0.5120, "cifar10", 200);
        EvaluationResult base = result(0.8124, 0.6, "cifar10", 200);
        EvaluationResult.Gate gate = AccuracyGate.check(now, new AccuracyGate.Limits(0.8, base, 0.01, 0.6));
        assertFalse(gate.passed());
        assertEquals(List.of(
                "Rule violated: test accuracy is 0.7512, but expected minimum is 0.8000",
                "Rule violated: test accuracy dropped by 0.0612 from baseline 0.8124, but allowed drop is 0.0100",
                "Rule violated: accuracy of class 'cat' is 0.5120, but expected minimum is 0.6000",
                "Accuracy gate failed: 3 of 4 rules violated (see target/cnn/evaluation.json)"),
                AccuracyGate.messages(gate, "target/cnn/evaluation.json"));
    }

    @Test
    void passingGateSaysHowManyRulesWereMet() throws Exception {
        EvaluationResult.Gate gate = AccuracyGate.check(result(0.9, 0.9, "cifar10", 200),
                new AccuracyGate.Limits(0.8, result(0.905, 0.9, "cifar10", 200), 0.01, null));
        assertTrue(gate.passed());
        assertEquals(List.of("Accuracy gate passed: 2 rules met"), AccuracyGate.messages(gate, "x"));
    }

    @Test
    void baselineOfAnotherDatasetOrTestSetIsAnError() {
        EvaluationResult now = result(0.9, 0.9, "cifar10", 200);
        CnnException other = assertThrows(CnnException.class, () -> AccuracyGate.check(now,
                new AccuracyGate.Limits(null, result(0.9, 0.9, "mnist", 200), 0.01, null)));
        assertTrue(other.getMessage().contains("measured dataset 'mnist'"), other.getMessage());
        CnnException size = assertThrows(CnnException.class, () -> AccuracyGate.check(now,
                new AccuracyGate.Limits(null, result(0.9, 0.9, "cifar10", 100), 0.01, null)));
        assertTrue(size.getMessage().contains("measured another test set"), size.getMessage());
    }

    @Test
    void diffTableComparesMetricByMetric() {
        List<String> table = AccuracyGate.diffTable(AccuracyGate.compare(result(0.8124, 0.6, "c", 1), result(0.7512, 0.5120, "c", 1)));
        assertTrue(table.get(0).matches("metric\\s+baseline\\s+now\\s+change"), table.get(0));
        assertTrue(table.get(1).matches("accuracy\\s+0\\.8124\\s+0\\.7512\\s+-0\\.0612"), table.get(1));
        assertTrue(table.get(2).matches("accuracy\\[cat\\]\\s+0\\.6000\\s+0\\.5120\\s+-0\\.0880"), table.get(2));
    }

    @Test
    void junitXmlHasOneTestCasePerRule() throws Exception {
        EvaluationResult.Gate gate = AccuracyGate.check(result(0.7, 0.7, "c", 1), new AccuracyGate.Limits(0.8, null, 0.01, 0.5));
        Path xml = temp.resolve("TEST-cnn-gate.xml");
        JUnitGateReport.write(gate, xml);
        String text = Files.readString(xml);
        assertTrue(text.contains("<testsuite name=\"cnn-gate\" tests=\"3\" failures=\"1\""), text);
        assertTrue(text.contains("<testcase classname=\"cnn-gate\" name=\"minAccuracy\" time=\"0\"><failure"), text);
        assertTrue(text.contains("name=\"minClassAccuracy[dog]\" time=\"0\"></testcase>"), text);
    }

    @Test
    void everyRuleSaysWhatItMeansMetOrViolated() throws Exception {
        EvaluationResult.Gate gate = AccuracyGate.check(result(0.9, 0.5, "cifar10", 200),
                new AccuracyGate.Limits(0.8, null, 0.01, 0.6));
        assertEquals("test accuracy is 0.9000, at least the minimum 0.8000", AccuracyGate.describe(gate.rules().get(0)));
        assertTrue(gate.rules().stream().anyMatch(r -> AccuracyGate.describe(r).startsWith("Rule violated: accuracy of class")),
                gate.rules().toString());
        assertTrue(gate.rules().stream().anyMatch(r -> AccuracyGate.describe(r).matches(
                "accuracy of class '.+' is 0\\.\\d{4}, at least the minimum 0\\.6000")), gate.rules().toString());
    }
}
