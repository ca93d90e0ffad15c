package io.github.cnnmaven.download;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A download cache keyed by what the files must contain, not where they come from: an entry's key
 * is a digest of the dataset name and the expected checksums, so a mirror and the official URL
 * share one entry.
 *
 * <p>Layout of an entry {@code <cacheDir>/<dataset>-<key>/}: {@code files/} holds the files as
 * served, {@code data/} what was extracted from them, and {@code entry.json} is written last. Files
 * are downloaded and extracted into temporary siblings and renamed into place only once verified,
 * so a killed build leaves at most a temporary that the next build removes. Every reuse verifies
 * the checksums again; an entry that no longer verifies is fetched again.
 */
public final class DatasetCache {

    /** A verified entry. {@code dataDirectory} is {@code null} unless extraction was asked for. */
    /** @param files what was downloaded, each verified against its checksum before this entry was handed out */
    public record Entry(String key, Path directory, Path filesDirectory, Path dataDirectory, List<FileRecord> files) {
        public Path file(String name) {
            return filesDirectory.resolve(name);
        }
    }

    /**
     * What {@code entry.json} records; written last, so its presence means the entry is complete.
     *
     * @param extractedFiles every extracted file with its size and CRC32C, checked on every reuse
     */
    record Manifest(String dataset, String key, List<FileRecord> files,
                    Map<String, ArchiveExtractor.ExtractedFile> extractedFiles) {
    }

    /** @param checksum {@code algorithm:hex} */
    public record FileRecord(String name, String source, String checksum, long size) {
    }


    private final Path cacheDirectory;
    private final Downloader downloader;
    private final ArchiveExtractor extractor;
    private final boolean offline;
    private final Console console;

    /**
     * @param offline whether Maven runs offline ({@code -o}): then only {@code file:} sources are read
     */
    public DatasetCache(Path cacheDirectory, Downloader downloader, ArchiveExtractor extractor, boolean offline,
                        Console console) {
        this.cacheDirectory = cacheDirectory.toAbsolutePath().normalize();
        this.downloader = downloader;
        this.extractor = extractor;
        this.offline = offline;
        this.console = console;
    }

    public Path directory() {
        return cacheDirectory;
    }

    /** The entry directory that {@link #obtain} would use, whether or not it exists yet. */
    public Path entryDirectory(String dataset, List<RemoteFile> files) {
        return cacheDirectory.resolve(dataset + "-" + key(dataset, files));
    }

    /**
     * Returns a verified entry holding {@code files}, downloading whatever is missing or no longer
     * verifies, and extracting them into {@code data/} when {@code extract} is set.
     */
    public Entry obtain(String dataset, List<RemoteFile> files, boolean extract) throws CnnException {
        String key = key(dataset, files);
        Path entryDir = cacheDirectory.resolve(dataset + "-" + key);
        Path lockFile = cacheDirectory.resolve(".locks").resolve(dataset + "-" + key + ".lock");
        try (ProcessLock lock = ProcessLock.acquire(lockFile, "a build fetching " + dataset, ProcessLock.DEFAULT_TIMEOUT,
                "cnn.lockTimeoutMinutes", console)) {
            try {
                return obtainLocked(dataset, key, entryDir, files, extract);
            } catch (CnnException | IOException | RuntimeException e) {
                // An entry is trusted only through entry.json; without it, leave nothing behind.
                if (!Files.exists(entryDir.resolve("entry.json"))) {
                    AtomicFiles.deleteQuietly(entryDir);
                }
                throw e;
            }
        } catch (IOException e) {
            throw new CnnException("Cache error in " + entryDir + ": " + e.getMessage()
                    + ". Check that cnn.cacheDir is writable and has space.", e);
        }
    }

    private Entry obtainLocked(String dataset, String key, Path entryDir, List<RemoteFile> files, boolean extract)
            throws IOException, CnnException {
        Path filesDir = entryDir.resolve("files");
        Path dataDir = entryDir.resolve("data");
        Path manifestFile = entryDir.resolve("entry.json");
        Files.createDirectories(filesDir);
        AtomicFiles.removeLeftovers(entryDir);
        AtomicFiles.removeLeftovers(filesDir);
        Manifest manifest = readManifest(manifestFile);

        List<RemoteFile> missing = new ArrayList<>();
        for (RemoteFile file : files) {
            Path path = filesDir.resolve(file.name());
            if (Files.isRegularFile(path)) {
                if (verifies(file, path)) {
                    continue;
                }
                console.warn("Cached " + path + " no longer matches " + file.checksum() + "; fetching it again");
                Files.delete(path);
            }
            missing.add(file);
        }
        boolean reused = manifest != null && missing.isEmpty();

        if (!missing.isEmpty()) {
            // The entry changes, so it is untrusted until a new manifest is written.
            Files.deleteIfExists(manifestFile);
            AtomicFiles.deleteRecursively(dataDir);
            manifest = null;
            List<RemoteFile> remote = missing.stream().filter(f -> !f.isLocal()).toList();
            if (offline && !remote.isEmpty()) {
                throw new CnnException("Dataset '" + dataset + "' is not in the cache (" + entryDir + ") and Maven is"
                        + " offline (-o), so " + remote.get(0).url() + " cannot be downloaded. Run the build once"
                        + " without -o to fill the cache, or point -Dcnn.datasetUrl at a local copy (file:...).");
            }
            for (RemoteFile file : missing) {
                fetch(file, filesDir.resolve(file.name()));
            }
        }

        Map<String, ArchiveExtractor.ExtractedFile> extracted = null;
        String verified = files.size() + " downloaded file" + (files.size() == 1 ? "" : "s") + " verified by "
                + files.get(0).checksum().algorithm();
        if (extract) {
            long started = System.nanoTime();
            String damage = manifest == null || manifest.extractedFiles() == null ? "no record of the extraction"
                    : extractionDamage(dataDir, manifest.extractedFiles());
            if (damage == null) {
                extracted = manifest.extractedFiles();
                long bytes = extracted.values().stream().mapToLong(ArchiveExtractor.ExtractedFile::size).sum();
                verified += String.format(java.util.Locale.ROOT, ", %d extracted files (%.1f MB) verified by CRC32C in %d ms",
                        extracted.size(), bytes / 1e6, (System.nanoTime() - started) / 1_000_000);
            } else {
                if (reused) {
                    console.warn("The extracted files of " + entryDir + " are damaged (" + damage + "); extracting them"
                            + " again from the verified archive");
                }
                AtomicFiles.deleteRecursively(dataDir);
                extracted = extractAll(files, filesDir, dataDir);
            }
        }
        if (reused) {
            console.info("Using cached " + dataset + " from " + entryDir + " (" + verified + ")");
        }

        List<FileRecord> records = new ArrayList<>();
        for (RemoteFile file : files) {
            records.add(new FileRecord(file.name(), file.url().toString(), file.checksum().toString(),
                    Files.size(filesDir.resolve(file.name()))));
        }
        Manifest fresh = new Manifest(dataset, key, records, extracted);
        if (!fresh.equals(manifest)) {
            Json.write(manifestFile, fresh);
        }
        return new Entry(key, entryDir, filesDir, extract ? dataDir : null, List.copyOf(records));
    }

    private void fetch(RemoteFile file, Path target) throws IOException, CnnException {
        Path temporary = AtomicFiles.temporarySibling(target);
        try {
            downloader.download(file.url(), temporary);
            if (!verifies(file, temporary)) {
                String actual = Checksum.digest(temporary, file.checksum().algorithm(), false);
                throw new CnnException("Checksum mismatch for " + file.url() + ": expected " + file.checksum()
                        + " but the file has " + file.checksum().algorithm() + ":" + actual
                        + (file.contentChecksum() != null ? " (and its content does not match " + file.contentChecksum() + ")" : "")
                        + ". Nothing was cached. If this source is meant to serve a different file, set"
                        + " cnn.datasetSha256 to its SHA-256.");
            }
            AtomicFiles.move(temporary, target);
        } finally {
            AtomicFiles.deleteQuietly(temporary);
        }
    }

    private Map<String, ArchiveExtractor.ExtractedFile> extractAll(List<RemoteFile> files, Path filesDir, Path dataDir)
            throws IOException, CnnException {
        Path temporary = AtomicFiles.temporarySibling(dataDir);
        try {
            Files.createDirectories(temporary);
            Map<String, ArchiveExtractor.ExtractedFile> all = new java.util.TreeMap<>();
            for (RemoteFile file : files) {
                console.info("Extracting " + file.name());
                all.putAll(extractor.extract(filesDir.resolve(file.name()), temporary));
            }
            AtomicFiles.move(temporary, dataDir);
            return all;
        } finally {
            AtomicFiles.deleteQuietly(temporary);
        }
    }

    /** A file verifies by its own checksum or, where known, by the checksum of its gunzipped content. */
    static boolean verifies(RemoteFile file, Path path) throws IOException {
        if (file.checksum().matches(path)) {
            return true;
        }
        return file.contentChecksum() != null && isGzip(path) && file.contentChecksum().matchesGunzipped(path);
    }

    private static boolean isGzip(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /**
     * Null when every extracted file still has the size and CRC32C recorded at extraction; otherwise
     * the first difference. CRC32C (hardware-accelerated in the JDK) catches damaged bytes at a small
     * share of the cost of reading the data; the archive itself is held to its cryptographic checksum.
     */
    public static String extractionDamage(Path dataDir, Map<String, ArchiveExtractor.ExtractedFile> extracted)
            throws IOException {
        for (Map.Entry<String, ArchiveExtractor.ExtractedFile> e : extracted.entrySet()) {
            Path file = dataDir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                return e.getKey() + " is missing";
            }
            if (Files.size(file) != e.getValue().size()) {
                return e.getKey() + " has " + Files.size(file) + " bytes, not " + e.getValue().size();
            }
            ArchiveExtractor.ExtractedFile now = ArchiveExtractor.ExtractedFile.of(file);
            if (!now.equals(e.getValue())) {
                return e.getKey() + " has changed (CRC32C " + now.crc32c() + ", extracted as " + e.getValue().crc32c() + ")";
            }
        }
        return null;
    }

    private Manifest readManifest(Path manifestFile) {
        try {
            return Json.read(manifestFile, Manifest.class);
        } catch (CnnException e) {
            console.warn("Ignoring unreadable cache manifest: " + e.getMessage());
            return null;
        }
    }

    static String key(String dataset, List<RemoteFile> files) {
        String identity = dataset + "\n" + files.stream()
                .map(f -> f.name() + " " + f.checksum() + " " + f.contentChecksum())
                .collect(Collectors.joining("\n"));
        return Checksum.sha256Hex(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
