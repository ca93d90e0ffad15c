package io.github.cnnmaven.output;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.ProcessLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputDirectoryTest {

    @TempDir
    Path temp;

    @Test
    void takingTheDirectoryRemovesWhatAKilledBuildLeftHalfWritten() throws Exception {
        OutputDirectory out = new OutputDirectory(temp);
        Path model = Files.createDirectories(temp).resolve(".model.zip.tmp-1234");
        Path checkpoint = Files.createDirectories(out.checkpointDirectory()).resolve(".last.zip.tmp-5678");
        Files.write(model, new byte[10]);
        Files.write(checkpoint, new byte[10]);
        Path kept = Files.writeString(out.checkpointDirectory().resolve("last.zip"), "x");
        try (ProcessLock lock = out.lock("train", Console.silent())) {
            assertFalse(Files.exists(model));
            assertFalse(Files.exists(checkpoint));
            assertTrue(Files.exists(kept));
        }
    }

    @Test
    void invalidJsonIsAnErrorNamingTheFile() throws Exception {
        OutputDirectory out = new OutputDirectory(temp);
        assertNull(out.history(), "absent is not an error");
        Files.writeString(out.historyFile(), "{\"epochs\": [");
        CnnException e = assertThrows(CnnException.class, out::history);
        assertTrue(e.getMessage().startsWith(out.historyFile() + " is not a valid history.json"), e.getMessage());
    }
}
