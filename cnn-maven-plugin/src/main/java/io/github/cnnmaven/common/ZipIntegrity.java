package io.github.cnnmaven.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Whether a zip (a model, a checkpoint) is whole: every entry reads to its end and matches its CRC.
 * A model whose bytes were damaged on disk must not be called up to date, attached or installed.
 * Reading a model of a few megabytes takes milliseconds.
 */
public final class ZipIntegrity {

    private ZipIntegrity() {
    }

    /** Null when the zip is whole; otherwise what is wrong with it. */
    public static String problem(Path zip) {
        int entries = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream raw = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(raw)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries++;
                while (in.read(buffer) >= 0) {
                    // ZipInputStream checks the entry's CRC when it reaches the entry's end
                }
            }
        } catch (IOException | RuntimeException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return entries == 0 ? "it holds no entries" : null;
    }
}
