package io.github.cnnmaven.download;

import io.github.cnnmaven.common.CnnException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Unpacks zip, tar and tar.gz archives (recognised by their bytes, not their names) with Commons
 * Compress, refusing anything that could escape or flood the target: entries outside it
 * (zip-slip), absolute names, symbolic and hard links, special files, absurd sizes and absurd
 * expansion (an archive bomb). Each extracted file's size and CRC32C are recorded as it is written,
 * so a later reuse can tell whether the file is still what was extracted.
 */
public final class ArchiveExtractor {

    /** An extracted file: its size and the CRC32C of its bytes (hex). */
    public record ExtractedFile(long size, String crc32c) {

        /**
         * The size and CRC32C of {@code file} as it is now on disk. The file is mapped rather than read
         * through a buffer: the checksum then runs over the page cache without a copy, at several GB/s.
         */
        public static ExtractedFile of(Path file) throws IOException {
            CRC32C crc = new CRC32C();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                for (long position = 0; position < size; position += MAP_CHUNK) {
                    crc.update(channel.map(FileChannel.MapMode.READ_ONLY, position, Math.min(MAP_CHUNK, size - position)));
                }
                return new ExtractedFile(size, Long.toHexString(crc.getValue()));
            }
        }

        private static final long MAP_CHUNK = 1L << 30;
    }

    /**
     * Upper bounds that a real image dataset stays far below. Sizes count bytes actually written.
     *
     * @param maxRatio      the most the archive may expand: written bytes over the archive's size
     *                      (image data is already compressed, so image datasets expand 1-10 times)
     * @param ratioFreeBytes the ratio applies only past this many written bytes, so a small archive of
     *                      highly compressible data is not refused
     */
    public record Limits(long maxEntries, long maxEntryBytes, long maxTotalBytes, double maxRatio, long ratioFreeBytes) {

        /** 2 million entries, 2 GiB per entry, 32 GiB in all, 100 times the archive past 64 MiB. */
        public static Limits defaults() {
            return new Limits(2_000_000, 2L << 30, 32L << 30, 100, 64L << 20);
        }

        /** The defaults with {@code cnn.maxExtractRatio} and {@code cnn.maxExtractedGigabytes}. */
        public static Limits of(double maxRatio, long maxExtractedGigabytes) {
            Limits d = defaults();
            return new Limits(d.maxEntries(), Math.min(d.maxEntryBytes(), maxExtractedGigabytes << 30),
                    maxExtractedGigabytes << 30, maxRatio, d.ratioFreeBytes());
        }
    }

    private final Limits limits;

    public ArchiveExtractor(Limits limits) {
        this.limits = limits;
    }

    public ArchiveExtractor() {
        this(Limits.defaults());
    }

    /**
     * Extracts {@code archive} into the existing, empty directory {@code target}.
     *
     * @return every extracted file (relative path with '/' separators), its size and CRC32C
     */
    public Map<String, ExtractedFile> extract(Path archive, Path target) throws IOException, CnnException {
        byte[] magic = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(archive)) {
            read = in.readNBytes(magic, 0, 4);
        }
        State state = new State(archive, target);
        try {
            extract(archive, magic, read, state);
        } catch (IOException e) {
            throw new CnnException("Could not extract " + (state.current == null ? archive.getFileName()
                    : "entry '" + state.current + "' of " + archive.getFileName()) + " (" + archive + "): " + e
                    + ". Nothing was cached. If the disk is full, free space in cnn.cacheDir; otherwise the archive is"
                    + " damaged: delete it to fetch it again.", e);
        }
        return state.files;
    }

    private void extract(Path archive, byte[] magic, int read, State state) throws IOException, CnnException {
        if (read >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16))) {
                extractTar(in, state);
            }
        } else if (read == 4 && magic[0] == 'P' && magic[1] == 'K') {
            extractZip(state);
        } else if (isTar(archive)) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
                extractTar(in, state);
            }
        } else {
            throw new CnnException(archive + " is neither a zip, a tar nor a tar.gz archive");
        }
    }

    private static boolean isTar(Path archive) throws IOException {
        byte[] header = new byte[512];
        try (InputStream in = Files.newInputStream(archive)) {
            int n = in.readNBytes(header, 0, header.length);
            return n == 512 && TarArchiveInputStream.matches(header, n);
        }
    }

    private void extractTar(InputStream in, State state) throws IOException, CnnException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw state.refuse(entry.getName(), "it is a link");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(state.resolve(entry.getName()));
                } else if (entry.isFile()) {
                    state.write(entry.getName(), tar);
                } else {
                    throw state.refuse(entry.getName(), "it is not a regular file or directory");
                }
            }
        }
    }

    private void extractZip(State state) throws IOException, CnnException {
        try (ZipFile zip = ZipFile.builder().setPath(state.archive).get()) {
            for (Enumeration<ZipArchiveEntry> entries = zip.getEntries(); entries.hasMoreElements(); ) {
                ZipArchiveEntry entry = entries.nextElement();
                if (entry.isUnixSymlink()) {
                    throw state.refuse(entry.getName(), "it is a link");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(state.resolve(entry.getName()));
                } else {
                    try (InputStream in = zip.getInputStream(entry)) {
                        state.write(entry.getName(), in);
                    }
                }
            }
        }
    }

    /** Running totals and the checks that every entry passes. */
    private final class State {
        final Path archive;
        final Path target;
        final Map<String, ExtractedFile> files = new LinkedHashMap<>();
        final long archiveBytes;
        long entries;
        long totalBytes;
        String current;

        State(Path archive, Path target) throws IOException {
            this.archive = archive;
            this.target = target.toAbsolutePath().normalize();
            this.archiveBytes = Files.size(archive);
        }

        Path resolve(String name) throws CnnException {
            current = name;
            if (++entries > limits.maxEntries()) {
                throw refuse(name, "the archive has more than " + limits.maxEntries() + " entries");
            }
            if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
                throw refuse(name, "its path is absolute");
            }
            Path resolved = target.resolve(name).normalize();
            if (!resolved.startsWith(target)) {
                throw refuse(name, "it would be written outside the target directory (zip-slip)");
            }
            return resolved;
        }

        void write(String name, InputStream in) throws IOException, CnnException {
            Path file = resolve(name);
            Files.createDirectories(file.getParent());
            long size = 0;
            byte[] buffer = new byte[1 << 16];
            CRC32C crc = new CRC32C();
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    size += n;
                    totalBytes += n;
                    if (size > limits.maxEntryBytes()) {
                        throw refuse(name, "it is larger than " + limits.maxEntryBytes() + " bytes");
                    }
                    if (totalBytes > limits.maxTotalBytes()) {
                        throw refuse(name, "the archive expands to more than " + limits.maxTotalBytes() + " bytes;"
                                + " cnn.maxExtractedGigabytes raises the limit");
                    }
                    if (totalBytes > limits.ratioFreeBytes() && totalBytes > limits.maxRatio() * archiveBytes) {
                        throw refuse(name, String.format(java.util.Locale.ROOT, "the archive of %,d bytes expands to more"
                                + " than %.0f times its size, which no image dataset does (an archive bomb?);"
                                + " cnn.maxExtractRatio raises the limit", archiveBytes, limits.maxRatio()));
                    }
                    crc.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            files.put(target.relativize(file).toString().replace('\\', '/'),
                    new ExtractedFile(size, Long.toHexString(crc.getValue())));
        }

        CnnException refuse(String entry, String why) {
            return new CnnException("Refusing to extract " + archive.getFileName() + ": entry '" + entry + "' is unsafe ("
                    + why + "). Nothing was cached.");
        }
    }
}
