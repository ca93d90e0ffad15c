package io.github.cnnmaven.gate;

import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.output.EvaluationResult;
import io.github.cnnmaven.output.ReleaseHistory;
import io.github.cnnmaven.output.TrainingHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CiSummaryTest {

    @TempDir
    Path temp;

    static EvaluationResult result() {
        EvaluationResult.Gate gate = new EvaluationResult.Gate(false, List.of(
                new EvaluationResult.Rule("minAccuracy", 0.7512, 0.8, false, "test accuracy is 0.7512, but expected minimum is 0.8000"),
                new EvaluationResult.Rule("maxAccuracyDrop", 0.0012, 0.01, true, "test accuracy dropped by 0.0012 …")));
        return new EvaluationResult(0.7512, null, List.of(), List.of("a", "b"), new long[][] {{1, 0}, {0, 1}}, List.of(),
                new EvaluationResult.TestSet("cifar10", "x", 10_000), "fp", gate,
                List.of(new EvaluationResult.Comparison("accuracy", 0.7524, 0.7512, -0.0012)));
    }

    @Test
    void theSummaryHoldsTheRulesTheDiffTableTheBestEpochAndTheReport() {
        TrainingHistory history = new TrainingHistory("fp", List.of(new EpochRecord(1, 1, 0.6, 1, 0.7, 0.001, 30, 100),
                new EpochRecord(2, 0.8, 0.7, 0.9, 0.76, 0.001, 30, 100)), 2, 0.76, null);
        String md = CiSummary.markdown("lenet5 on CIFAR-10", result(), history, null, "target/cnn/report/index.html");
        assertTrue(md.startsWith("## CNN accuracy gate: failed\n"), md);
        assertTrue(md.contains("**lenet5 on CIFAR-10**: test accuracy 0.7512 on 10,000 test images"), md);
        assertTrue(md.contains("| minAccuracy | 0.7512 | 0.8000 | **violated**: test accuracy is 0.7512, but expected"
                + " minimum is 0.8000 |"), md);
        assertTrue(md.contains("| maxAccuracyDrop | 0.0012 | 0.0100 | met |"), md);
        assertTrue(md.contains("| metric | baseline | now | change |"), md);
        assertTrue(md.contains("| accuracy | 0.7524 | 0.7512 | -0.0012 |"), md);
        assertTrue(md.contains("Best epoch 2 of 2 (validation accuracy 0.7600)"), md);
        assertTrue(md.contains("Report: `target/cnn/report/index.html`"), md);
    }

    @Test
    void theSummaryNamesTheReleaseComparedAgainstAndShowsTheReleaseHistory() {
        EvaluationResult r = result();
        EvaluationResult now = r.withGate(r.gate(), r.baselineComparison(), "com.example:shapes:1.1");
        ReleaseHistory releases = new ReleaseHistory("com.example:shapes", List.of(
                new ReleaseHistory.Release("1.0", false, 0.7, null, Map.of("a", 0.6)),
                new ReleaseHistory.Release("1.1", false, 0.7524, null, Map.of("a", 0.7)),
                new ReleaseHistory.Release("1.2-SNAPSHOT", true, 0.7512, null, Map.of("a", 0.7))));
        String md = CiSummary.markdown("lenet5 on CIFAR-10", now, null, null, releases, "r.html");
        assertTrue(md.contains("Compared with the baseline com.example:shapes:1.1:\n\n| metric | baseline | now | change |"), md);
        assertTrue(md.contains("Releases of com.example:shapes:\n\n| version | test accuracy | change |\n| --- | ---: | ---: |\n"
                + "| 1.0 | 0.7000 |  |\n| 1.1 | 0.7524 | +0.0524 |\n| 1.2-SNAPSHOT (this build) | 0.7512 | -0.0012 |\n"), md);
        assertTrue(!CiSummary.markdown("t", r, null, null, null, "r.html").contains("Releases of"), "no history, no table");
    }

    /** Class names come from folder names: none can break a table, inject HTML or turn into emphasis. */
    @Test
    void hostileClassNamesStayTextInEveryCell() {
        String pipe = "| pipe |";
        String html = "<img src=x onerror=alert(1)>";
        String star = "*star*";
        EvaluationResult.Gate gate = new EvaluationResult.Gate(false, List.of(
                new EvaluationResult.Rule("minClassAccuracy[" + pipe + "]", 0.5, 0.8, false, "class '" + pipe + "' at 0.5"),
                new EvaluationResult.Rule("minClassAccuracy[" + html + "]", 0.5, 0.8, false, "class '" + html + "'\nat 0.5"),
                new EvaluationResult.Rule("minClassAccuracy[" + star + "]", 0.9, 0.8, true, "ok")));
        EvaluationResult result = new EvaluationResult(0.6, null, List.of(), List.of(pipe, html, star),
                new long[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, List.of(), new EvaluationResult.TestSet("folder", "x", 3),
                "fp", gate, List.of(new EvaluationResult.Comparison("accuracy[" + star + "]", 0.7, 0.6, -0.1)));
        String md = CiSummary.markdown("lenet5 on _my_ <b>set</b>", result, null, null, "target/`odd`/index.html");

        assertTrue(md.contains("| minClassAccuracy\\[\\| pipe \\|\\] | 0.5000 | 0.8000 | **violated**: class '\\| pipe"
                + " \\|' at 0.5 |"), md);
        assertTrue(md.contains("minClassAccuracy\\[&lt;img src=x onerror=alert(1)&gt;\\]"), md);
        assertTrue(md.contains("| minClassAccuracy\\[\\*star\\*\\] | 0.9000 | 0.8000 | met |"), md);
        assertTrue(md.contains("| accuracy\\[\\*star\\*\\] | 0.7000 | 0.6000 | -0.1000 |"), md);
        assertTrue(md.contains("**lenet5 on \\_my\\_ &lt;b&gt;set&lt;/b&gt;**"), md);
        assertTrue(md.contains("Report: `` target/`odd`/index.html ``"), md);
        assertTrue(!md.contains("<img") && !md.contains("<b>"), "no raw HTML: " + md);
        for (String line : md.split("\n")) {
            if (line.startsWith("| minClassAccuracy")) {
                assertEquals(5, line.replace("\\|", "").chars().filter(c -> c == '|').count(), "four cells: " + line);
            }
        }
    }

    @Test
    void onGitHubActionsItIsAppendedToTheJobSummary() throws Exception {
        Path job = Files.writeString(temp.resolve("step-summary.md"), "# earlier step\n");
        CiSummary.write(temp.resolve("summary.md"), "## CNN accuracy gate: passed\n", Map.of("GITHUB_STEP_SUMMARY", job.toString()));
        assertEquals("## CNN accuracy gate: passed\n", Files.readString(temp.resolve("summary.md")));
        assertEquals("# earlier step\n## CNN accuracy gate: passed\n\n", Files.readString(job));
        CiSummary.write(temp.resolve("summary.md"), "x", Map.of());
        assertEquals("# earlier step\n## CNN accuracy gate: passed\n\n", Files.readString(job), "not on other CI");
    }
}
