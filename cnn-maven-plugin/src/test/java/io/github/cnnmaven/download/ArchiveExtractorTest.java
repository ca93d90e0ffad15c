package io.github.cnnmaven.download;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.testing.SyntheticDatasets;
import io.github.cnnmaven.testing.SyntheticDatasets.TarFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchiveExtractorTest {

    @TempDir
    Path temp;

    Path target() throws IOException {
        return Files.createDirectories(temp.resolve("out"));
    }

    @Test
    void extractsTarGzAndReportsFiles() throws Exception {
        Path archive = temp.resolve("a.tar.gz");
        SyntheticDatasets.writeTarGz(archive, List.of(new TarFile("dir/a.bin", new byte[10]),
                new TarFile("dir/sub/b.txt", "hi".getBytes())));
        Map<String, Long> files = new ArchiveExtractor().extract(archive, target());
        assertEquals(Map.of("dir/a.bin", 10L, "dir/sub/b.txt", 2L), files);
        assertEquals("hi", Files.readString(temp.resolve("out/dir/sub/b.txt")));
    }

    @Test
    void extractsZip() throws Exception {
        Path zip = temp.resolve("a.zip");
        writeZip(zip, "shapes/train/disc/1.png", new byte[7]);
        assertEquals(Map.of("shapes/train/disc/1.png", 7L), new ArchiveExtractor().extract(zip, target()));
    }

    @Test
    void refusesZipSlip() throws Exception {
        Path zip = temp.resolve("evil.zip");
        writeZip(zip, "../../evil.txt", "pwned".getBytes());
        CnnException e = assertThrows(CnnException.class, () -> new ArchiveExtractor().extract(zip, target()));
        assertTrue(e.getMessage().contains("zip-slip"), e.getMessage());
        assertTrue(e.getMessage().contains("../../evil.txt"), e.getMessage());
        assertFalse(Files.exists(temp.resolve("evil.txt")));
    }

    @Test
    void refusesTarSlipAndAbsolutePaths() throws Exception {
        Path tar = temp.resolve("evil.tar.gz");
        SyntheticDatasets.writeTarGz(tar, List.of(new TarFile("ok/../../escape.bin", new byte[1])));
        assertTrue(assertThrows(CnnException.class, () -> new ArchiveExtractor().extract(tar, target()))
                .getMessage().contains("outside the target"));
        Path absolute = temp.resolve("abs.zip");
        writeZip(absolute, "/etc/passwd-copy", new byte[1]);
        assertTrue(assertThrows(CnnException.class, () -> new ArchiveExtractor().extract(absolute, target()))
                .getMessage().contains("absolute"));
    }

    @Test
    void refusesLinks() throws Exception {
        Path tar = temp.resolve("link.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tar));
             TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            TarArchiveEntry link = new TarArchiveEntry("data", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("/etc");
            t.putArchiveEntry(link);
            t.closeArchiveEntry();
        }
        CnnException e = assertThrows(CnnException.class, () -> new ArchiveExtractor().extract(tar, target()));
        assertTrue(e.getMessage().contains("link"), e.getMessage());
        assertFalse(Files.exists(temp.resolve("out/data")));
    }

    @Test
    void refusesAbsurdSizes() throws Exception {
        Path tar = temp.resolve("big.tar.gz");
        SyntheticDatasets.writeTarGz(tar, List.of(new TarFile("a", new byte[600]), new TarFile("b", new byte[600])));
        ArchiveExtractor small = new ArchiveExtractor(new ArchiveExtractor.Limits(10, 1000, 1000));
        CnnException e = assertThrows(CnnException.class, () -> small.extract(tar, target()));
        assertTrue(e.getMessage().contains("expands to more than 1000 bytes"), e.getMessage());
        ArchiveExtractor tinyEntries = new ArchiveExtractor(new ArchiveExtractor.Limits(10, 500, 10_000));
        assertTrue(assertThrows(CnnException.class, () -> tinyEntries.extract(tar, temp.resolve("out2")))
                .getMessage().contains("larger than 500 bytes"));
    }

    @Test
    void refusesSomethingThatIsNotAnArchive() throws Exception {
        Path file = Files.writeString(temp.resolve("page.html"), "<html>a captive portal</html>");
        assertTrue(assertThrows(CnnException.class, () -> new ArchiveExtractor().extract(file, target()))
                .getMessage().contains("neither a zip, a tar nor a tar.gz"));
    }

    static void writeZip(Path zip, String name, byte[] content) throws IOException {
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            out.putArchiveEntry(new ZipArchiveEntry(name));
            out.write(content);
            out.closeArchiveEntry();
        }
    }
}
