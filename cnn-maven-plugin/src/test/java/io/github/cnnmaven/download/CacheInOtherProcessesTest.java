package io.github.cnnmaven.download;

import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.testing.FixtureServer;
import io.github.cnnmaven.testing.SyntheticDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache against real separate JVMs, as two Maven builds would use it: a file lock between
 * processes, and {@code kill -9} in the middle of a download.
 */
class CacheInOtherProcessesTest {

    @TempDir
    Path temp;
    Path cacheDir;
    FixtureServer server;
    Checksum sha;

    @BeforeEach
    void serve() throws IOException {
        Path served = Files.createDirectories(temp.resolve("served"));
        Path archive = served.resolve("cifar-10-binary.tar.gz");
        SyntheticDatasets.writeCifar10Archive(archive, 150, 10, 1); // about 5 MB
        sha = Checksum.sha256(Checksum.digest(archive, "SHA-256", false));
        server = FixtureServer.start(served, 0);
        cacheDir = temp.resolve("cache");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Entry point of the child JVM: obtain the entry and print where it is. */
    public static void main(String[] args) throws Exception {
        RemoteFile file = new RemoteFile("cifar-10-binary.tar.gz", URI.create(args[1]), Checksum.sha256(args[2]), null);
        Downloader downloader = new Downloader(List.of(), Downloader.RetryPolicy.defaults(), Console.silent(), false);
        DatasetCache cache = new DatasetCache(Path.of(args[0]), downloader, new ArchiveExtractor(), false, Console.silent());
        System.out.println("ENTRY " + cache.obtain("cifar10", List.of(file), true).directory());
    }

    Process child() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), getClass().getName(),
                cacheDir.toString(), server.url("cifar-10-binary.tar.gz").toString(), sha.hex())
                .redirectErrorStream(true).start();
    }

    static String finish(Process process) throws Exception {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child finished");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void twoConcurrentProcessesBothSucceedWithOneDownloadAndOneEntry() throws Exception {
        server.slowNext("cifar-10-binary.tar.gz", 1); // keep the first download in flight while the second starts
        Process a = child();
        Process b = child();
        String outA = finish(a);
        String outB = finish(b);
        assertEquals(outA.lines().filter(l -> l.startsWith("ENTRY")).toList(),
                outB.lines().filter(l -> l.startsWith("ENTRY")).toList());
        assertEquals(1, server.requests(), "the second process waited for the lock and reused the entry");
        try (Stream<Path> entries = Files.list(cacheDir)) {
            assertEquals(1, entries.filter(p -> p.getFileName().toString().startsWith("cifar10-")).count());
        }
    }

    @Test
    void killMinus9DuringDownloadLeavesNothingTrusted() throws Exception {
        server.slowNext("cifar-10-binary.tar.gz", 1);
        Process victim = child();
        Path entryDir = new DatasetCache(cacheDir, null, null, false, Console.silent())
                .entryDirectory("cifar10", List.of(new RemoteFile("cifar-10-binary.tar.gz",
                        server.url("cifar-10-binary.tar.gz"), sha, null)));
        // Wait until the partial download exists, then kill the process without any chance to clean up.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!hasPartialDownload(entryDir.resolve("files"))) {
            assertTrue(System.nanoTime() < deadline, "the child started downloading");
            Thread.sleep(20);
        }
        victim.destroyForcibly().waitFor();
        assertTrue(hasPartialDownload(entryDir.resolve("files")), "the kill left a partial file behind");
        assertFalse(Files.exists(entryDir.resolve("entry.json")));
        assertFalse(Files.exists(entryDir.resolve("files/cifar-10-binary.tar.gz")));

        String output = finish(child());
        assertTrue(output.contains("ENTRY " + entryDir), output);
        assertEquals(2, server.requests(), "the partial download was not trusted");
        assertFalse(hasPartialDownload(entryDir.resolve("files")), "leftover removed");
        assertTrue(sha.matches(entryDir.resolve("files/cifar-10-binary.tar.gz")));
    }

    static boolean hasPartialDownload(Path filesDir) throws IOException {
        if (!Files.isDirectory(filesDir)) {
            return false;
        }
        try (Stream<Path> list = Files.list(filesDir)) {
            return list.anyMatch(p -> p.getFileName().toString().contains(".tmp-"));
        }
    }
}
