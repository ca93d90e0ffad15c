package io.github.cnnmaven.report;

import io.github.cnnmaven.output.OutputDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model card says, field by field, what a released model is, from the output files of its run. */
class ModelCardTest {

    @TempDir
    Path dir;

    private String card(Double minClassAccuracy) throws Exception {
        return card(minClassAccuracy, true);
    }

    private String card(Double minClassAccuracy, boolean withDatasetJson) throws Exception {
        ReportFixtures.writeRun(dir, true, false);
        if (!withDatasetJson) {
            Files.delete(dir.resolve("dataset.json"));
        }
        OutputDirectory out = new OutputDirectory(dir);
        ModelCard.write(out.modelCardFile(), new ModelCard.Project("Shapes", "it:shapes:1.2",
                "Tells squares from discs\n   in product photos.", "1.2"), out.dataset(), out.run(), out.history(), out.evaluation(),
                minClassAccuracy);
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().contains(".tmp-")), "written atomically");
        }
        return Files.readString(out.modelCardFile());
    }

    @Test
    void theCardStatesPurposeClassesDataRecipeMetricsTrainingAndLimits() throws Exception {
        String md = card(null);
        assertTrue(md.startsWith("# Model card: Shapes\n\n`it:shapes:1.2` (classifier `model`"), md);
        assertTrue(md.contains("\nTells squares from discs in product photos.\n"), "the POM's description, on one line");
        assertTrue(md.contains("- Network: lenet5, 135,150 parameters\n"), md);
        assertTrue(md.contains("- Input: 32×32×3\n"), md);
        assertTrue(md.contains("- Fingerprint: `f00d`"), md);
        assertTrue(md.contains("## Classes\n\n2: square, disc\n"), md);
        assertTrue(md.contains("- Dataset: cifar10 (`cifar10`)\n- Identity: `abc` (derived from the checksums of the files"
                + " below)\n"), md);
        assertTrue(md.contains("- Training images: 2000\n- Test images: 500\n"), "the fixture's run has no validation split: " + md);
        assertTrue(md.contains("| file | checksum | bytes |\n| --- | --- | ---: |\n| cifar-10-binary.tar.gz | `SHA-256:c4a3` |"
                + " 170052171 |\n"), "each downloaded file with its checksum: " + md);
        assertTrue(md.contains("| learningRate | 0.003 |\n"), "the recipe as the report shows it: " + md);
        assertTrue(md.contains("| augment | flip |\n"), md);
        assertFalse(md.contains("| momentum |"), "only the settings that acted: Adam has no momentum row");
        assertTrue(md.contains("- Accuracy: 0.8500\n"), md);
        assertTrue(md.contains("| square | 0.8000 | 0.9000 | 0.8500 | 250 |\n| disc | 0.9000 | 0.8000 | 0.8500 | 250 |\n"), md);
        assertTrue(md.contains("- Best epoch: 3 of 3, validation accuracy 0.8400\n"), md);
        assertTrue(md.contains("- Training time: 0.4 min\n- Backend: CPU (OPENBLAS on 2 cores), 2 threads\n"), md);
        assertTrue(md.contains("- No class is more than 5 points below the overall accuracy.\n"), "disc is 5 points below: " + md);
        assertTrue(md.contains("- Accuracy gate: **failed** (0 of 1 rules met).\n"), md);
    }

    /** A build that binds only train and evaluate has no dataset.json: the card takes what the evaluation says. */
    @Test
    void withoutDatasetJsonTheCardNamesTheTestSetItWasMeasuredOn() throws Exception {
        String md = card(null, false);
        assertTrue(md.contains("- Dataset: cifar10 (`cifar10`)\n- Identity: `abc` (as the build recorded it)\n"), md);
        assertFalse(md.contains("| file |"), "no file list to show: " + md);
        assertTrue(md.contains("- Test images: 500\n"), md);
    }

    @Test
    void theGatesPerClassMinimumDecidesWhichClassesAreLimits() throws Exception {
        assertTrue(card(0.95).contains("- Classes below cnn.minClassAccuracy 0.9500: square 0.9000, disc 0.8000.\n"));
        assertTrue(card(0.5).contains("- No class is below cnn.minClassAccuracy 0.5000.\n"));
    }
}
