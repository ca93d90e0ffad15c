package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.output.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two builds interleaved in one directory once left the other run's weights in model.zip. */
class BestModelKeeperTest {

    @TempDir
    Path temp;

    void writeModel(Path file, String fingerprint) throws Exception {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry(ModelMetadata.ENTRY));
            zip.write(Json.bytes(new ModelMetadata(fingerprint, "lenet5", List.of("a"), 1, 28, 28, new double[] {0},
                    new double[] {1}, 1, 0.5)));
            zip.closeEntry();
        }
    }

    @Test
    void aKeptModelOfAnotherConfigurationIsNeverPromoted() throws Exception {
        Path best = temp.resolve("best.zip");
        BestModelKeeper keeper = new BestModelKeeper(best);
        writeModel(best, "other-run");
        CnnException e = assertThrows(CnnException.class, () -> keeper.requireOwnedBy("this-run"));
        assertTrue(e.getMessage().contains("holds the model of another configuration (fingerprint other-run"), e.getMessage());
        writeModel(best, "this-run");
        assertDoesNotThrow(() -> keeper.requireOwnedBy("this-run"));
    }
}
