package io.github.cnnmaven.download;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.testing.FixtureServer;
import io.github.cnnmaven.testing.SyntheticDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetCacheTest {

    @TempDir
    Path temp;
    Path served;
    Path cacheDir;
    FixtureServer server;
    Path archive;
    Checksum archiveSha;
    final List<String> log = new ArrayList<>();

    @BeforeEach
    void serveArchive() throws IOException {
        served = Files.createDirectories(temp.resolve("served"));
        cacheDir = temp.resolve("cache");
        archive = served.resolve("cifar-10-binary.tar.gz");
        SyntheticDatasets.writeCifar10Archive(archive, 5, 2, 1);
        archiveSha = Checksum.sha256(Checksum.digest(archive, "SHA-256", false));
        server = FixtureServer.start(served, 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    DatasetCache cache(boolean offline) {
        Console console = Console.of(log::add, m -> log.add("WARN " + m));
        Downloader downloader = new Downloader(List.of(),
                new Downloader.RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofSeconds(5)),
                console, true);
        return new DatasetCache(cacheDir, downloader, new ArchiveExtractor(), offline, console);
    }

    RemoteFile archiveFile(Checksum checksum) {
        return new RemoteFile("cifar-10-binary.tar.gz", server.url("cifar-10-binary.tar.gz"), checksum, null);
    }

    /** Entry directories in the cache (not the lock folder). */
    List<Path> entries() throws IOException {
        if (!Files.isDirectory(cacheDir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(cacheDir)) {
            return list.filter(p -> !p.getFileName().toString().equals(".locks")).toList();
        }
    }

    @Test
    void downloadsVerifiesExtractsAndReusesWithoutNetwork() throws Exception {
        DatasetCache.Entry first = cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertTrue(Files.isRegularFile(first.dataDirectory().resolve("cifar-10-batches-bin/test_batch.bin")));
        assertTrue(Files.isRegularFile(first.directory().resolve("entry.json")));
        assertEquals(1, server.requests());

        DatasetCache.Entry second = cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertEquals(first, second);
        assertEquals(1, server.requests(), "a warm cache makes no request");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Using cached cifar10")), log.toString());
    }

    @Test
    void mirrorAndOfficialSourceShareOneEntry() throws Exception {
        Path entry = cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true).directory();
        RemoteFile elsewhere = new RemoteFile("cifar-10-binary.tar.gz", archive.toUri(), archiveSha, null);
        assertEquals(entry, cache(true).obtain("cifar10", List.of(elsewhere), true).directory());
    }

    @Test
    void checksumMismatchFailsAndLeavesNothing() {
        Checksum wrong = Checksum.sha256("0".repeat(64));
        CnnException e = assertThrows(CnnException.class,
                () -> cache(false).obtain("cifar10", List.of(archiveFile(wrong)), true));
        assertTrue(e.getMessage().contains("Checksum mismatch for " + server.url("cifar-10-binary.tar.gz")), e.getMessage());
        assertTrue(e.getMessage().contains(archiveSha.hex()), "names the actual digest: " + e.getMessage());
        assertDoesNotThrowIo(() -> assertEquals(List.of(), entries()));
    }

    @Test
    void notFoundFailsFastNamingTheUrl() {
        RemoteFile missing = new RemoteFile("x.tar.gz", server.url("missing.tar.gz"), archiveSha, null);
        CnnException e = assertThrows(CnnException.class, () -> cache(false).obtain("cifar10", List.of(missing), true));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertTrue(e.getMessage().contains(server.url("missing.tar.gz").toString()), e.getMessage());
        assertEquals(1, server.requests(), "a 404 is not retried");
        assertDoesNotThrowIo(() -> assertEquals(List.of(), entries()));
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() throws Exception {
        server.failNext("cifar-10-binary.tar.gz", 2, 503);
        cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertEquals(3, server.requests());
        assertEquals(2, log.stream().filter(l -> l.startsWith("WARN Download of") && l.contains("retrying")).count(), log.toString());
    }

    @Test
    void cutOffTransferIsRetried() throws Exception {
        server.truncateNext("cifar-10-binary.tar.gz", 1);
        DatasetCache.Entry entry = cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertEquals(2, server.requests());
        assertTrue(archiveSha.matches(entry.file("cifar-10-binary.tar.gz")));
    }

    @Test
    void transferCutOffEveryTimeFailsCleanly() {
        server.truncateNext("cifar-10-binary.tar.gz", 10);
        CnnException e = assertThrows(CnnException.class,
                () -> cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true));
        assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
        assertEquals(3, server.requests());
        assertDoesNotThrowIo(() -> assertEquals(List.of(), entries()));
    }

    @Test
    void offlineWithEmptyCacheFailsNamingDatasetAndCache() {
        CnnException e = assertThrows(CnnException.class,
                () -> cache(true).obtain("cifar10", List.of(archiveFile(archiveSha)), true));
        assertTrue(e.getMessage().contains("Dataset 'cifar10' is not in the cache"), e.getMessage());
        assertTrue(e.getMessage().contains(cacheDir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("without -o"), e.getMessage());
        assertEquals(0, server.requests(), "offline never touches the network");
    }

    @Test
    void offlineWithWarmCacheSucceeds() throws Exception {
        cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        server.close();
        DatasetCache.Entry entry = cache(true).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertTrue(Files.isDirectory(entry.dataDirectory()));
    }

    @Test
    void corruptedEntryIsFetchedAgain() throws Exception {
        DatasetCache.Entry entry = cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        Files.write(entry.file("cifar-10-binary.tar.gz"), new byte[] {1, 2, 3});
        cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertEquals(2, server.requests());
        assertTrue(archiveSha.matches(entry.file("cifar-10-binary.tar.gz")));
        assertTrue(log.stream().anyMatch(l -> l.contains("no longer matches")), log.toString());
    }

    @Test
    void damagedExtractionIsRedoneFromTheVerifiedArchive() throws Exception {
        DatasetCache.Entry entry = cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        Path batch = entry.dataDirectory().resolve("cifar-10-batches-bin/test_batch.bin");
        long size = Files.size(batch);
        Files.write(batch, new byte[] {9});
        cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertEquals(size, Files.size(batch));
        assertEquals(1, server.requests(), "the archive itself still verified");
    }

    /** One byte per record changed, same size: once trusted, which trained on corrupt labels. */
    @Test
    void extractedFilesWithChangedBytesAreExtractedAgain() throws Exception {
        DatasetCache.Entry entry = cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        Path batch = entry.dataDirectory().resolve("cifar-10-batches-bin/data_batch_1.bin");
        byte[] original = Files.readAllBytes(batch);
        byte[] damaged = original.clone();
        for (int record = 0; record < damaged.length; record += 3073) {
            damaged[record] = (byte) ((damaged[record] + 1) % 10); // the label byte
        }
        Files.write(batch, damaged);
        log.clear();
        cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertTrue(java.util.Arrays.equals(original, Files.readAllBytes(batch)), "extracted again from the verified archive");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("WARN The extracted files of") && l.contains("data_batch_1.bin has changed")),
                log.toString());
        assertEquals(1, server.requests(), "the archive itself still verified");
        log.clear();
        cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Using cached cifar10") && l.contains("extracted files")
                && l.contains("verified by CRC32C")), "the log says what was verified: " + log);
    }

    @Test
    void leftoversOfAKilledBuildAreNeverTrustedAndAreCleanedUp() throws Exception {
        // What kill -9 during a download and an extraction leaves: temporaries and no entry.json.
        Path entryDir = cache(false).entryDirectory("cifar10", List.of(archiveFile(archiveSha)));
        Path partial = entryDir.resolve("files/.cifar-10-binary.tar.gz.tmp-1234");
        Files.createDirectories(partial.getParent());
        Files.write(partial, new byte[100]);
        Path halfExtracted = Files.createDirectories(entryDir.resolve(".data.tmp-5678/cifar-10-batches-bin"));

        DatasetCache.Entry entry = cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        assertEquals(1, server.requests());
        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(halfExtracted.getParent()));
        assertTrue(Files.isRegularFile(entry.dataDirectory().resolve("cifar-10-batches-bin/data_batch_1.bin")));
    }

    @Test
    void concurrentBuildsShareOneDownloadAndOneEntry() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        Callable<DatasetCache.Entry> build = () -> {
            start.await();
            return cache(false).obtain("cifar10", List.of(archiveFile(archiveSha)), true);
        };
        try {
            Future<DatasetCache.Entry> a = pool.submit(build);
            Future<DatasetCache.Entry> b = pool.submit(build);
            start.countDown();
            assertEquals(a.get(), b.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, server.requests(), "the second build waits for the lock, then finds the entry");
        assertEquals(1, entries().size());
    }

    @Test
    void recompressedFileVerifiesByItsContentChecksum() throws Exception {
        byte[] content = "IDX content".getBytes();
        Path gz = served.resolve("data.gz");
        SyntheticDatasets.gzip(gz, content);
        // The "official" file has other bytes (another compressor); only the content is the same.
        Checksum officialBytes = Checksum.md5("0".repeat(32));
        Checksum contentSha = Checksum.sha256(Checksum.sha256Hex(content));
        RemoteFile file = new RemoteFile("data.gz", server.url("data.gz"), officialBytes, contentSha);
        DatasetCache.Entry entry = cache(false).obtain("mnist", List.of(file), false);
        assertTrue(Files.isRegularFile(entry.file("data.gz")));
        assertEquals(null, entry.dataDirectory());

        RemoteFile noContentChecksum = new RemoteFile("data.gz", server.url("data.gz"), officialBytes, null);
        assertThrows(CnnException.class, () -> cache(false).obtain("other", List.of(noContentChecksum), false));
    }

    interface IoAction {
        void run() throws IOException;
    }

    static void assertDoesNotThrowIo(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
