package io.github.cnnmaven.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
