package io.github.cnnmaven.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server for tests and ITs (never the internet): serves the files of a directory on
 * the loopback address, counts requests, and can inject faults (a status for the first N requests,
 * or transfers cut off halfway). {@code GET /__requests} returns the number of file requests, so a
 * build in another process can be checked for making none.
 */
public final class FixtureServer implements AutoCloseable {

    private final HttpServer server;
    private final Path root;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> requestsByPath = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();

    private record Fault(int status, AtomicInteger remaining) {
        static final int TRUNCATE = -1;
        static final int SLOW = -2;
    }

    private FixtureServer(HttpServer server, Path root) {
        this.server = server;
        this.root = root.toAbsolutePath().normalize();
    }

    /** Starts serving {@code root} on {@code port} (0 for any free port) of 127.0.0.1. */
    public static FixtureServer start(Path root, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        FixtureServer fixture = new FixtureServer(http, root);
        http.createContext("/", fixture::handle);
        http.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fixture-server");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return fixture;
    }

    /**
     * For the invoker ITs' setup scripts: serves {@code root} on the reserved {@code port}, first
     * closing a server that an earlier IT left running (its verify script does not run when its
     * build ends unexpectedly, and the port is shared).
     */
    public static synchronized FixtureServer restartShared(String root, String port) throws IOException {
        Object previous = System.getProperties().get(SHARED_KEY);
        if (previous instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IOException("could not stop the previous fixture server", e);
            }
        }
        FixtureServer server = start(Path.of(root), Integer.parseInt(port));
        System.getProperties().put(SHARED_KEY, server);
        return server;
    }

    private static final String SHARED_KEY = "cnn.it.fixture-server";

    public int port() {
        return server.getAddress().getPort();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port() + "/" + path);
    }

    /** Requests for files (and missing files), not counting {@code /__requests}. */
    public int requests() {
        return requests.get();
    }

    public int requests(String path) {
        AtomicInteger n = requestsByPath.get(path);
        return n == null ? 0 : n.get();
    }

    /** The next {@code times} requests for {@code path} get {@code status}. */
    public void failNext(String path, int times, int status) {
        faults.put(path, new Fault(status, new AtomicInteger(times)));
    }

    /** The next {@code times} requests for {@code path} announce the full length but send only half. */
    public void truncateNext(String path, int times) {
        faults.put(path, new Fault(Fault.TRUNCATE, new AtomicInteger(times)));
    }

    /** The next {@code times} requests for {@code path} trickle out, 64 KiB every 100 ms, so a client can be killed midway. */
    public void slowNext(String path, int times) {
        faults.put(path, new Fault(Fault.SLOW, new AtomicInteger(times)));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().replaceFirst("^/", "");
            if (path.equals("__requests")) {
                send(exchange, 200, String.valueOf(requests()).getBytes(StandardCharsets.UTF_8));
                return;
            }
            requests.incrementAndGet();
            requestsByPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Fault fault = faults.get(path);
            boolean truncate = false;
            boolean slow = false;
            if (fault != null && fault.remaining().getAndDecrement() > 0) {
                slow = fault.status() == Fault.SLOW;
                if (fault.status() >= 0) {
                    send(exchange, fault.status(), ("injected " + fault.status()).getBytes(StandardCharsets.UTF_8));
                    return;
                }
                truncate = !slow;
            }
            Path file = root.resolve(path).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                send(exchange, 404, "not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] content = Files.readAllBytes(file);
            if (truncate) {
                exchange.sendResponseHeaders(200, content.length);
                OutputStream out = exchange.getResponseBody();
                out.write(content, 0, content.length / 2);
                out.flush();
                // Closing the exchange now ends the connection short of the announced length.
                return;
            }
            if (slow) {
                trickle(exchange, content);
                return;
            }
            send(exchange, 200, content);
        }
    }

    private static void trickle(HttpExchange exchange, byte[] content) throws IOException {
        exchange.sendResponseHeaders(200, content.length);
        OutputStream out = exchange.getResponseBody();
        for (int off = 0; off < content.length; off += 1 << 16) {
            out.write(content, off, Math.min(1 << 16, content.length - off));
            out.flush();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
