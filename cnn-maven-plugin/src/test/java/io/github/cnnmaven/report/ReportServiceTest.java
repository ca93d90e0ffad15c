package io.github.cnnmaven.report;

import io.github.cnnmaven.output.ReleaseHistory;
import io.github.cnnmaven.output.StudyResult;
import io.github.cnnmaven.output.EpochRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportServiceTest {

    @TempDir
    Path temp;

    @Test
    void fullRunHasEverySectionAndIsSelfContained() throws Exception {
        ReportFixtures.writeRun(temp, true, true);
        String html = Files.readString(new ReportService().render(temp, "demo"));
        for (String id : List.of("summary", "gate", "baseline", "curves", "chart-loss", "chart-accuracy", "chart-learning-rate",
                "lr-finder", "chart-lr-finder", "confusion", "per-class", "misclassified", "hyperparameters", "model")) {
            assertTrue(html.contains("id=\"" + id + "\""), "section " + id);
        }
        assertEquals(4, Pattern.compile("<svg").matcher(html).results().count(), "four charts drawn as inline SVG");
        assertEquals(3, Pattern.compile("src=\"data:image/png;base64,").matcher(html).results().count(), "thumbnails inline");
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "nothing loaded from the network");
        assertTrue(html.contains("Rule violated: test accuracy is 0.8500, but expected minimum is 0.9000"));
        assertTrue(html.contains("<td class=\"num bad\">-0.0200</td>"), "baseline change shown");
        assertTrue(html.contains("<td style=\"background:rgba(44,160,44,1.00)\">225</td>"), "confusion heat cell");
        assertFalse(html.contains("id=\"missing\""));
    }

    @Test
    void theReleaseHistoryIsAChartAVersionTableAndAClassTable() throws Exception {
        ReportFixtures.writeRun(temp, true, false);
        new ReleaseHistory("com.example:shapes", List.of(
                new ReleaseHistory.Release("1.0", false, 0.80, null, Map.of("square", 0.85, "disc", 0.75)),
                new ReleaseHistory.Release("1.1", true, 0.85, null, Map.of("square", 0.9, "disc", 0.8))))
                .write(temp.resolve("releases.json"));
        String html = Files.readString(new ReportService().render(temp, "demo"));
        assertTrue(html.contains("<h2 id=\"releases\">Releases of com.example:shapes</h2>"), html);
        assertTrue(html.contains("id=\"chart-releases\""), html);
        assertTrue(html.contains("<tr><td>1.0</td><td class=\"num\">0.8000</td><td class=\"num ok\"></td></tr>"), html);
        assertTrue(html.contains("<tr><td>1.1 (this build)</td><td class=\"num\">0.8500</td><td class=\"num ok\">+0.0500</td></tr>"),
                html);
        assertTrue(html.contains("<tr><td>disc</td><td class=\"num\">0.7500</td><td class=\"num\">0.8000</td></tr>"), html);
        Files.delete(temp.resolve("releases.json"));
        assertFalse(Files.readString(new ReportService().render(temp, "demo")).contains("id=\"releases\""));
    }

    /** A retrain without evaluate: the old evaluation is named, never shown beside the new model. */
    @Test
    void filesOfAnotherModelAreNamedNotShown() throws Exception {
        ReportFixtures.writeRun(temp, true, false);
        Path evaluation = temp.resolve("evaluation.json");
        Files.writeString(evaluation, Files.readString(evaluation).replace("\"fingerprint\" : \"f00d\"",
                "\"fingerprint\" : \"0ld0\""));
        String html = Files.readString(new ReportService().render(temp, "demo"));
        assertTrue(html.contains("evaluation.json belongs to another model (fingerprint 0ld0; the trained model&#39;s is f00d)")
                || html.contains("evaluation.json belongs to another model (fingerprint 0ld0; the trained model's is f00d)"), html);
        assertFalse(html.contains("0.8500"), "the old test accuracy is not shown");
        assertEquals(3, Pattern.compile("<svg").matcher(html).results().count(), "the run's own curves still are");
    }

    /** Read as a person would: titled by what was trained, only settings that applied, totals, "N of M". */
    @Test
    void theReportIsWrittenForPeople() throws Exception {
        ReportFixtures.writeRun(temp, true, false);
        String html = Files.readString(new ReportService().render(temp, "demo project"));
        assertTrue(html.contains("<h1>lenet5 on cifar10</h1>"), "titled by network and dataset");
        assertTrue(html.contains("demo project · generated"), "the project as the subtitle");
        assertTrue(html.contains("Misclassified test images: 3 of 3, the most confident mistakes first"));
        assertTrue(html.contains("<tr><th title=\"the learning rate: a number, or auto for find-lr&#39;s suggestion\">learningRate</th>"
                + "<td>0.003</td></tr>"), html);
        assertTrue(html.contains(">augment</th><td>flip</td></tr>"), "a list written as a list, not JSON");
        assertFalse(html.contains(">momentum</th>"), "Adam does not use cnn.momentum");
        assertFalse(html.contains(">gamma</th>"), "a constant schedule has no decay factor");
        assertTrue(html.contains("<th colspan=\"3\">total</th><th class=\"num\">135,150</th><th class=\"num\">520,872</th>"),
                "model totals");
    }

    @Test
    void withoutResultsTheReportSaysWhatIsMissing() throws Exception {
        String html = Files.readString(new ReportService().render(temp, "empty"));
        assertTrue(html.contains("id=\"missing\""));
        assertTrue(html.contains("run.json and history.json (run the train goal)"));
        assertTrue(html.contains("evaluation.json (run the evaluate goal)"));
        assertFalse(html.contains("<svg"));
    }

    @Test
    void trainingWithoutEvaluationStillDrawsTheCurves() throws Exception {
        ReportFixtures.writeRun(temp, false, false);
        String html = Files.readString(new ReportService().render(temp, "demo"));
        assertEquals(3, Pattern.compile("<svg").matcher(html).results().count());
        assertTrue(html.contains("evaluation.json (run the evaluate goal)"));
        assertFalse(html.contains("id=\"lr-finder\""));
    }

    @Test
    void aStudyGetsATableWithTheWinnerMarkedAndOneOverlayPerAxis() throws Exception {
        ReportFixtures.writeRun(temp, true, false);
        List<EpochRecord> good = List.of(new EpochRecord(1, 1.5, 0.5, 1.4, 0.55, 0.001, 2, 500),
                new EpochRecord(2, 1.0, 0.8, 1.1, 0.70, 0.001, 2, 500));
        List<EpochRecord> worse = List.of(new EpochRecord(1, 1.6, 0.45, 1.5, 0.50, 0.001, 2, 500),
                new EpochRecord(2, 1.2, 0.7, 1.3, 0.60, 0.001, 2, 500));
        Map<String, List<String>> axes = new LinkedHashMap<>();
        axes.put("dropout", List.of("0.1", "0.5"));
        axes.put("batchNorm", List.of("false"));
        new StudyResult("s", "b", "one-at-a-time", axes, Map.of("dropout", "default", "batchNorm", "true"),
                "bestValidationAccuracy", List.of(
                new StudyResult.Variant("base", Map.of(), "f1", "base", "trained", 0.60, 2, 0.7, 0.6, 0.1, 4, 1000, null, worse),
                new StudyResult.Variant("dropout=0.1", Map.of("dropout", "0.1"), "f2", "d1", "trained", 0.70, 2, 0.8, 0.7,
                        0.1, 4, 1000, null, good),
                new StudyResult.Variant("dropout=0.5", Map.of("dropout", "0.5"), "f3", "d5", "diverged", null, null, null,
                        null, null, 0, 0, "NaN", List.of()),
                new StudyResult.Variant("batchNorm=false", Map.of("batchNorm", "false"), "f4", "bn", "trained", 0.60, 1, 0.9,
                        0.55, 0.35, 3, 900, null, worse)), "dropout=0.1", "f2").write(temp.resolve("study.json"));

        String html = Files.readString(new ReportService().render(temp, "demo"));
        assertTrue(html.contains("id=\"study\""));
        assertTrue(html.contains("Study: one-at-a-time over dropout, batchNorm"));
        for (String chart : List.of("study-dropout-accuracy", "study-dropout-loss", "study-batchNorm-accuracy", "study-batchNorm-loss")) {
            assertTrue(html.contains("<figure class=\"chart\" id=\"chart-" + chart + "\"><svg"), chart);
        }
        // (mustache escapes '=' as &#61; in text)
        assertTrue(html.contains("<tr class=\"winner\"><td>dropout&#61;0.1<span class=\"badge\">winner</span></td>"
                + "<td class=\"num\">0.7000</td><td class=\"num\">2</td><td class=\"num\">+0.1000</td>"), "winner row");
        assertTrue(html.contains("<tr class=\"diverged\"><td>dropout&#61;0.5</td><td class=\"num\">diverged</td>"));
        assertTrue(html.contains("<figcaption class=\"meta\">base (dropout&#61;default); dropout&#61;0.1 (winner);"
                + " dropout&#61;0.5 (diverged)</figcaption>"), "the curves are named, the base's value and the winner included");
        String dropoutChart = html.substring(html.indexOf("id=\"chart-study-dropout-accuracy\""),
                html.indexOf("id=\"chart-study-dropout-loss\""));
        assertFalse(dropoutChart.contains("batchNorm&#61;false"), "one-at-a-time: each axis chart holds the base and that axis");
        assertTrue(html.contains("<th>Study winner</th><td>dropout&#61;0.1 (of 4 variants, by validation accuracy)</td>"));
    }
}
