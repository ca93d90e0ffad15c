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
import java.util.zip.CRC32C;
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
        Map<String, ArchiveExtractor.ExtractedFile> files = new ArchiveExtractor().extract(archive, target());
        CRC32C hi = new CRC32C();
        hi.update("hi".getBytes());
        assertEquals(Map.of("dir/a.bin", 10L, "dir/sub/b.txt", 2L), sizes(files));
        assertEquals(Long.toHexString(hi.getValue()), files.get("dir/sub/b.txt").crc32c(), "recorded as it is written");
        assertEquals("hi", Files.readString(temp.resolve("out/dir/sub/b.txt")));
    }

    @Test
    void extractsZip() throws Exception {
        Path zip = temp.resolve("a.zip");
        writeZip(zip, "shapes/train/disc/1.png", new byte[7]);
        assertEquals(Map.of("shapes/train/disc/1.png", 7L), sizes(new ArchiveExtractor().extract(zip, target())));
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
        ArchiveExtractor small = new ArchiveExtractor(new ArchiveExtractor.Limits(10, 1000, 1000, 1e9, 0));
        CnnException e = assertThrows(CnnException.class, () -> small.extract(tar, target()));
        assertTrue(e.getMessage().contains("expands to more than 1000 bytes"), e.getMessage());
        ArchiveExtractor tinyEntries = new ArchiveExtractor(new ArchiveExtractor.Limits(10, 500, 10_000, 1e9, 0));
        assertTrue(assertThrows(CnnException.class, () -> tinyEntries.extract(tar, temp.resolve("out2")))
                .getMessage().contains("larger than 500 bytes"));
    }

    @Test
    void refusesSomethingThatIsNotAnArchive() throws Exception {
        Path file = Files.writeString(temp.resolve("page.html"), "<html>a captive portal</html>");
        assertTrue(assertThrows(CnnException.class, () -> new ArchiveExtractor().extract(file, target()))
                .getMessage().contains("neither a zip, a tar nor a tar.gz"));
    }

    /** A small zip that expands a thousandfold: refused past the ratio, and nothing of it is kept. */
    @Test
    void refusesArchiveBombs() throws Exception {
        Path zip = temp.resolve("bomb.zip");
        writeZip(zip, "images/zeros.bin", new byte[4 << 20]);
        assertTrue(Files.size(zip) < 40_000, "4 MiB of zeros compress to a few KB");
        ArchiveExtractor extractor = new ArchiveExtractor(new ArchiveExtractor.Limits(10, 1L << 30, 1L << 30, 100, 64 << 10));
        CnnException e = assertThrows(CnnException.class, () -> extractor.extract(zip, target()));
        assertTrue(e.getMessage().contains("entry 'images/zeros.bin' is unsafe"), e.getMessage());
        assertTrue(e.getMessage().contains("more than 100 times its size"), e.getMessage());
        assertTrue(e.getMessage().contains("cnn.maxExtractRatio"), e.getMessage());
        assertTrue(ArchiveExtractor.Limits.defaults().maxRatio() <= 100, "the default refuses such a bomb too");
    }

    @Test
    void aTruncatedArchiveNamesTheArchiveAndTheEntry() throws Exception {
        Path archive = temp.resolve("cut.tar.gz");
        byte[] noise = new byte[200_000];
        new java.util.Random(3).nextBytes(noise);
        SyntheticDatasets.writeTarGz(archive, List.of(new TarFile("batches/data_1.bin", noise),
                new TarFile("batches/data_2.bin", noise.clone())));
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length * 3 / 4));
        CnnException e = assertThrows(CnnException.class, () -> new ArchiveExtractor().extract(archive, target()));
        assertTrue(e.getMessage().startsWith("Could not extract entry 'batches/data_2.bin' of cut.tar.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("delete it to fetch it again"), e.getMessage());
    }

    static Map<String, Long> sizes(Map<String, ArchiveExtractor.ExtractedFile> files) {
        Map<String, Long> sizes = new java.util.TreeMap<>();
        files.forEach((name, file) -> sizes.put(name, file.size()));
        return sizes;
    }

    static void writeZip(Path zip, String name, byte[] content) throws IOException {
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            out.putArchiveEntry(new ZipArchiveEntry(name));
            out.write(content);
            out.closeArchiveEntry();
        }
    }
}
