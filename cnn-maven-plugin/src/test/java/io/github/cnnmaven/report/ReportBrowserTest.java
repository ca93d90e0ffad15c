package io.github.cnnmaven.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens the report in headless Chromium, as a person would: it must render (a screenshot that is
 * not blank) and every chart must be in the DOM. Skipped with a warning where Chromium is missing;
 * required when {@code CI=true} ({@code .ci/run} installs it).
 */
class ReportBrowserTest {

    @TempDir
    Path temp;

    static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("Chromium is required in CI (.ci/run installs Debian's chromium)");
        }
        System.err.println("WARNING: ReportBrowserTest skipped: no Chromium (apt-get install chromium)");
        return null;
    }

    List<String> command(Path chromium, String... extra) {
        List<String> c = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + temp.resolve("profile"), "--window-size=1280,2000"));
        c.addAll(List.of(extra));
        return c;
    }

    String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void reportRendersWithEveryChartInTheDom() throws Exception {
        Path chromium = chromium();
        assumeTrue(chromium != null, "Chromium not installed");
        Path run = temp.resolve("cnn");
        ReportFixtures.writeRun(run, true, true);
        Path report = new ReportService().render(run, "browser check");
        String url = report.toUri().toString();

        String dom = run(command(chromium, "--dump-dom", url));
        for (String id : List.of("chart-loss", "chart-accuracy", "chart-learning-rate", "chart-lr-finder")) {
            assertTrue(dom.matches("(?s).*id=\"" + id + "\"><svg.*"), "chart " + id + " in the DOM");
        }
        assertTrue(dom.contains("<table class=\"confusion\">"));

        Path png = temp.resolve("report.png");
        run(command(chromium, "--screenshot=" + png, url));
        BufferedImage shot = ImageIO.read(png.toFile());
        assertEquals(1280, shot.getWidth());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < shot.getHeight(); y += 4) {
            for (int x = 0; x < shot.getWidth(); x += 4) {
                colours.add(shot.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 50, "a rendered page, not a blank one: " + colours.size() + " colours");
    }
}
