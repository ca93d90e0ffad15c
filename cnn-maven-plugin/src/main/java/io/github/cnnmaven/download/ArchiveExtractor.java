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

/**
 * Unpacks zip, tar and tar.gz archives (recognised by their bytes, not their names) with Commons
 * Compress, refusing anything that could escape or flood the target: entries outside it
 * (zip-slip), absolute names, symbolic and hard links, special files, and absurd sizes.
 */
public final class ArchiveExtractor {

    /** Upper bounds that a real dataset archive stays far below. Sizes count bytes actually written. */
    public record Limits(long maxEntries, long maxEntryBytes, long maxTotalBytes) {
        public static Limits defaults() {
            return new Limits(2_000_000, 8L << 30, 32L << 30);
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
     * @return every extracted file (relative path with '/' separators) and its size
     */
    public Map<String, Long> extract(Path archive, Path target) throws IOException, CnnException {
        byte[] magic = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(archive)) {
            read = in.readNBytes(magic, 0, 4);
        }
        State state = new State(archive, target);
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
        return state.files;
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
        final Map<String, Long> files = new LinkedHashMap<>();
        long entries;
        long totalBytes;

        State(Path archive, Path target) {
            this.archive = archive;
            this.target = target.toAbsolutePath().normalize();
        }

        Path resolve(String name) throws CnnException {
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
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    size += n;
                    totalBytes += n;
                    if (size > limits.maxEntryBytes()) {
                        throw refuse(name, "it is larger than " + limits.maxEntryBytes() + " bytes");
                    }
                    if (totalBytes > limits.maxTotalBytes()) {
                        throw refuse(name, "the archive expands to more than " + limits.maxTotalBytes() + " bytes");
                    }
                    out.write(buffer, 0, n);
                }
            }
            files.put(target.relativize(file).toString().replace('\\', '/'), size);
        }

        CnnException refuse(String entry, String why) {
            return new CnnException("Refusing to extract " + archive.getFileName() + ": entry '" + entry + "' is unsafe ("
                    + why + "). Nothing was cached.");
        }
    }
}
