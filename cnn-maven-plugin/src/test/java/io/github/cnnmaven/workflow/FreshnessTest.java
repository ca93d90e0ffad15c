package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.output.RunRecord;
import io.github.cnnmaven.output.TrainingHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What may be called up to date: model, history and run of one fingerprint, and a model that is whole. */
class FreshnessTest {

    @TempDir
    Path temp;

    OutputDirectory output() {
        return new OutputDirectory(temp);
    }

    void model(String fingerprint) throws Exception {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(output().modelFile()))) {
            zip.putNextEntry(new ZipEntry("coefficients.bin"));
            byte[] weights = new byte[64 * 1024];
            new java.util.Random(1).nextBytes(weights);
            zip.write(weights);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(ModelMetadata.ENTRY));
            zip.write(Json.bytes(new ModelMetadata(fingerprint, "lenet5", List.of("a", "b"), 1, 28, 28, new double[] {0.5},
                    new double[] {0.25}, 3, 0.9)));
            zip.closeEntry();
        }
    }

    void historyAndRun(String fingerprint) throws Exception {
        new TrainingHistory(fingerprint, List.of(), 1, 0.9, null).write(output().historyFile());
        new RunRecord(fingerprint, null, null, null, "cpu", "x", 2, 3, 1, 1, null, null, 1).write(output().runFile());
    }

    @Test
    void aWholeConsistentSetIsCurrent() throws Exception {
        model("fp");
        historyAndRun("fp");
        assertEquals(Freshness.Status.CURRENT, Freshness.model(output(), "fp").status());
        assertEquals(Freshness.Status.STALE, Freshness.model(output(), "other").status());
    }

    @Test
    void aModelBesideAnotherModelsHistoryIsStale() throws Exception {
        // A build killed after model.zip was renamed into place, before history.json was written.
        model("new");
        historyAndRun("old");
        Freshness.ModelState state = Freshness.model(output(), "new");
        assertEquals(Freshness.Status.STALE, state.status());
        assertTrue(state.why().contains("belongs to another model"), state.why());
        Files.delete(output().historyFile());
        assertEquals(Freshness.Status.STALE, Freshness.model(output(), "new").status(), "no history at all");
    }

    @Test
    void aModelWithFlippedBytesIsNotUpToDate() throws Exception {
        model("fp");
        historyAndRun("fp");
        byte[] bytes = Files.readAllBytes(output().modelFile());
        for (int i = 100; i < 200; i++) {
            bytes[i] ^= 0x5a; // inside the first entry's data: same size, wrong CRC
        }
        Files.write(output().modelFile(), bytes);
        Freshness.ModelState state = Freshness.model(output(), "fp");
        assertEquals(Freshness.Status.STALE, state.status());
        assertTrue(state.why().startsWith("it is damaged"), state.why());
    }

    @Test
    void aMissingModelIsMissing() {
        assertEquals(Freshness.Status.MISSING, Freshness.model(output(), "fp").status());
    }
}
