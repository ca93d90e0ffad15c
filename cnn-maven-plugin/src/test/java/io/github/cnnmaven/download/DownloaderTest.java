package io.github.cnnmaven.download;

import com.sun.net.httpserver.HttpServer;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DownloaderTest {

    @TempDir
    Path temp;
    final List<String> log = new CopyOnWriteArrayList<>(); // the quiet-connection notice logs from its own thread

    Downloader downloader(List<ProxySettings> proxies, boolean progress) {
        return new Downloader(proxies, new Downloader.RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(5),
                Duration.ofSeconds(5)), Console.of(log::add, log::add), progress);
    }

    /** A forward proxy on loopback that demands credentials, then answers any absolute-form request. */
    @Test
    void usesTheSettingsProxyWithCredentials() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        proxy.createContext("/", exchange -> {
            try (exchange) {
                seen.add(exchange.getRequestURI().toString());
                String auth = exchange.getRequestHeaders().getFirst("Proxy-Authorization");
                if (!expected.equals(auth)) {
                    exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=\"test\"");
                    exchange.sendResponseHeaders(407, -1);
                    return;
                }
                byte[] body = "via proxy".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        proxy.start();
        try {
            int port = proxy.getAddress().getPort();
            ProxySettings settings = new ProxySettings("http", "127.0.0.1", port, "alice", "s3cret", "internal.example|*.local");
            Path target = temp.resolve("out");
            downloader(List.of(settings), false).download(URI.create("http://datasets.example/cifar.tar.gz"), target);
            assertEquals("via proxy", Files.readString(target));
            assertTrue(seen.contains("http://datasets.example/cifar.tar.gz"), seen.toString());
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void nonProxyHostsBypassTheProxy() {
        ProxySettings settings = new ProxySettings("http", "proxy", 3128, null, null, "localhost|*.internal.example");
        assertFalse(settings.appliesTo(URI.create("http://localhost:8080/x")));
        assertFalse(settings.appliesTo(URI.create("https://mirror.internal.example/x")));
        assertTrue(settings.appliesTo(URI.create("https://www.cs.toronto.edu/x")));
        assertFalse(settings.appliesTo(URI.create("file:///tmp/x")));
        assertTrue(settings.toString().indexOf("s3cret") < 0);
    }

    @Test
    void copiesFileUrls() throws Exception {
        Path source = Files.writeString(temp.resolve("source.bin"), "local");
        Path target = temp.resolve("copy.bin");
        assertEquals(5, downloader(List.of(), false).download(source.toUri(), target));
        assertEquals("local", Files.readString(target));
        CnnException e = assertThrows(CnnException.class,
                () -> downloader(List.of(), false).download(temp.resolve("nope.bin").toUri(), target));
        assertTrue(e.getMessage().contains("File not found: " + temp.resolve("nope.bin")), e.getMessage());
    }

    @Test
    void progressIsAHandfulOfLinesInteractiveAndTwoInBatchMode() throws Exception {
        byte[] body = new byte[4 << 20];
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        http.createContext("/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, body.length);
                for (int off = 0; off < body.length; off += 1 << 14) {
                    exchange.getResponseBody().write(body, off, 1 << 14);
                }
            }
        });
        http.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/big");
            downloader(List.of(), true).download(url, temp.resolve("a"));
            assertEquals(5, log.size(), "start, 25/50/75%, end: " + log);
            // the line for crossing half-way shows the bytes received by then: one read buffer past 50 % at most
            assertTrue(log.get(2).matches("\\s+5[0-2]%\\s+2\\.[12] MB of 4\\.2 MB\\s+[\\d.]+ MB/s"), log.get(2));
            log.clear();
            downloader(List.of(), false).download(url, temp.resolve("b"));
            assertEquals(2, log.size(), log.toString());
            assertTrue(log.get(1).startsWith("Downloaded 4.2 MB in"), log.get(1));
        } finally {
            http.stop(0);
        }
    }

    static HttpServer serve(com.sun.net.httpserver.HttpHandler handler) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        http.createContext("/", handler);
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        http.start();
        return http;
    }

    /** A 500 is retried, and each retry says why and how long it waits. */
    @Test
    void eachRetryIsLoggedWithItsCauseAndDelay() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer http = serve(exchange -> {
            try (exchange) {
                byte[] body = "data".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 500 : 200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        try {
            URI url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/f");
            assertEquals(4, downloader(List.of(), false).download(url, temp.resolve("f")));
            assertEquals(2, calls.get());
            assertTrue(log.contains("Download of " + url + " failed (HttpStatusException: HTTP 500 Internal Server Error for "
                    + url + "); retrying in 0.01 s (attempt 2 of 2)"), log.toString());
        } finally {
            http.stop(0);
        }
    }

    /** A redirect loop gives the same answer every time: one attempt, a message that says so. */
    @Test
    void aRedirectLoopIsNotRetried() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer http = serve(exchange -> {
            try (exchange) {
                calls.incrementAndGet();
                exchange.getResponseHeaders().add("Location", "/loop");
                exchange.sendResponseHeaders(302, -1);
            }
        });
        try {
            URI url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/loop");
            CnnException e = assertThrows(CnnException.class, () -> downloader(List.of(), false).download(url, temp.resolve("x")));
            assertTrue(e.getMessage().contains("Server redirected too many"), e.getMessage());
            assertTrue(e.getMessage().endsWith("retrying cannot help."), e.getMessage());
            assertTrue(log.stream().noneMatch(l -> l.contains("retrying in")), log.toString());
            assertTrue(calls.get() <= 21, "one attempt's redirects (HttpURLConnection follows 20): " + calls.get());
        } finally {
            http.stop(0);
        }
    }

    /** A server that never answers: the log says what is awaited, long before the read time-out. */
    @Test
    void aSilentServerIsNamedWhileWaiting() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HttpServer http = serve(exchange -> {
            try (exchange) {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            URI url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/never");
            Downloader patient = new Downloader(List.of(), new Downloader.RetryPolicy(1, Duration.ofMillis(10),
                    Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofMillis(300)), Console.of(log::add, log::add), false);
            CnnException e = assertThrows(CnnException.class, () -> patient.download(url, temp.resolve("x")));
            assertTrue(e.getMessage().contains("SocketTimeoutException"), e.getMessage());
            assertTrue(log.stream().anyMatch(l -> l.matches("Still waiting for an answer from 127\\.0\\.0\\.1: nothing for \\d+ s"
                    + " \\(read time-out 1 s\\)")), log.toString());
        } finally {
            release.countDown();
            http.stop(0);
        }
    }

    @Test
    void unsupportedSchemeIsRefused() {
        CnnException e = assertThrows(CnnException.class,
                () -> downloader(List.of(), false).download(URI.create("ftp://host/x"), temp.resolve("x")));
        assertTrue(e.getMessage().contains("use http:, https: or file:"), e.getMessage());
    }
}
