package io.github.cnnmaven.download;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fetches one URL into a file: {@code http}/{@code https} through the configured proxies with
 * retries and back-off, or {@code file:} by copying. The caller decides where the bytes go and
 * moves them into place only after verifying them.
 */
public final class Downloader {

    /**
     * How hard to try. Tests shorten the back-off; users get the defaults.
     *
     * @param quietNotice how long a connection may go without a byte before the log says what is awaited
     */
    public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration connectTimeout,
                              Duration readTimeout, Duration quietNotice) {
        public static RetryPolicy defaults() {
            return new RetryPolicy(4, Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(60));
        }

        public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration connectTimeout, Duration readTimeout) {
            this(maxAttempts, initialBackoff, connectTimeout, readTimeout, Duration.ofSeconds(5));
        }
    }

    /** An HTTP status that is not 200; retryable when the server, not the request, is at fault. */
    static final class HttpStatusException extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpStatusException(int status, String reason, URI url) {
            super("HTTP " + status + (reason == null ? "" : " " + reason) + " for " + url);
            this.status = status;
        }

        boolean retryable() {
            return status >= 500 || status == 408 || status == 429;
        }
    }

    private final List<ProxySettings> proxies;
    private final RetryPolicy retry;
    private final Console console;
    private final boolean showProgress;

    /**
     * @param showProgress whether to log percentage lines while downloading (interactive builds);
     *                     otherwise only a start and an end line are logged
     */
    public Downloader(List<ProxySettings> proxies, RetryPolicy retry, Console console, boolean showProgress) {
        this.proxies = List.copyOf(proxies);
        this.retry = retry;
        this.console = console;
        this.showProgress = showProgress;
    }

    /** Fetches {@code url} into {@code target} (overwriting it) and returns the number of bytes. */
    public long download(URI url, Path target) throws CnnException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            return copyLocal(url, target);
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new CnnException("Unsupported URL scheme in " + url + ": use http:, https: or file:");
        }
        IOException last = null;
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            try {
                return fetchOnce(url, target);
            } catch (HttpStatusException e) {
                if (!e.retryable()) {
                    throw new CnnException("Download failed: " + e.getMessage()
                            + ". Check the URL (cnn.datasetUrl) or the server.", e);
                }
                last = e;
            } catch (ProtocolException e) {
                // a redirect loop or a malformed answer: the same request gets the same answer
                throw new CnnException("Download of " + url + " failed: " + describe(e) + ". Check the URL"
                        + " (cnn.datasetUrl) or the server; retrying cannot help.", e);
            } catch (IOException e) {
                last = e; // time-outs, resets and cut-off transfers are worth another try
            }
            if (attempt < retry.maxAttempts()) {
                Duration wait = retry.initialBackoff().multipliedBy(1L << (attempt - 1));
                console.warn("Download of " + url + " failed (" + describe(last) + "); retrying in "
                        + wait.toMillis() / 1000.0 + " s (attempt " + (attempt + 1) + " of "
                        + retry.maxAttempts() + ")");
                sleep(wait);
            }
        }
        throw new CnnException("Could not download " + url + " after " + retry.maxAttempts() + " attempts: "
                + describe(last), last);
    }

    private long fetchOnce(URI url, Path target) throws IOException {
        HttpURLConnection connection = open(url);
        try (QuietWatch watch = new QuietWatch(url, retry, console)) {
            connection.setConnectTimeout((int) retry.connectTimeout().toMillis());
            connection.setReadTimeout((int) retry.readTimeout().toMillis());
            connection.setInstanceFollowRedirects(true);
            connection.setRequestProperty("User-Agent", "cnn-maven-plugin");
            int status = connection.getResponseCode();
            watch.received(0, "bytes");
            if (status != HttpURLConnection.HTTP_OK) {
                throw new HttpStatusException(status, connection.getResponseMessage(), url);
            }
            long expected = connection.getContentLengthLong();
            Progress progress = new Progress(console, url, expected, showProgress);
            long received = 0;
            try (InputStream in = connection.getInputStream();
                 OutputStream out = Files.newOutputStream(target)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    received += n;
                    watch.received(received, "more bytes");
                    progress.update(received);
                }
            }
            if (expected >= 0 && received != expected) {
                throw new IOException("transfer cut off after " + received + " of " + expected + " bytes");
            }
            progress.done(received);
            return received;
        } finally {
            connection.disconnect();
        }
    }

    private HttpURLConnection open(URI url) throws IOException {
        ProxySettings proxy = proxies.stream().filter(p -> p.appliesTo(url)).findFirst().orElse(null);
        if (proxy == null) {
            return (HttpURLConnection) url.toURL().openConnection(Proxy.NO_PROXY);
        }
        HttpURLConnection connection = (HttpURLConnection) url.toURL()
                .openConnection(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(proxy.host(), proxy.port())));
        if (proxy.hasCredentials()) {
            connection.setAuthenticator(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    if (getRequestorType() != RequestorType.PROXY) {
                        return null;
                    }
                    String password = proxy.password() == null ? "" : proxy.password();
                    return new PasswordAuthentication(proxy.username(), password.toCharArray());
                }
            });
        }
        return connection;
    }

    private long copyLocal(URI url, Path target) throws CnnException {
        Path source;
        try {
            source = Path.of(url);
        } catch (IllegalArgumentException e) {
            throw new CnnException("Invalid file: URL " + url + " (" + e.getMessage() + ")", e);
        }
        try {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            long size = Files.size(target);
            console.info("Copied " + source + " (" + Progress.megabytes(size) + ")");
            return size;
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw new CnnException("File not found: " + source + " (from " + url + ")", e);
        } catch (IOException e) {
            throw new CnnException("Could not read " + source + ": " + e.getMessage(), e);
        }
    }

    private static String describe(IOException e) {
        if (e == null) {
            return "unknown error";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void sleep(Duration wait) throws CnnException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CnnException("Interrupted while waiting to retry a download", e);
        }
    }

    /**
     * Says what a download waits for when a connection has gone {@code quietNotice} without a byte
     * (a server that never answers would otherwise keep a build silent until its read time-out), then
     * again at every further multiple of it. A daemon timer, stopped when the attempt ends.
     */
    static final class QuietWatch implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cnn-download-watch");
            t.setDaemon(true);
            return t;
        });
        private final long started = System.nanoTime();
        private volatile long lastByte = started;
        private volatile long bytes;
        private volatile String awaited = "an answer";
        private volatile int notices; // reset by the downloading thread, read by the timer's

        QuietWatch(URI url, RetryPolicy retry, Console console) {
            long every = Math.max(1, retry.quietNotice().toMillis());
            timer.scheduleAtFixedRate(() -> {
                double quiet = (System.nanoTime() - lastByte) / 1e9;
                if (quiet * 1000 >= every * (notices + 1)) {
                    notices++;
                    console.info(String.format(Locale.ROOT, "Still waiting for %s from %s: nothing for %.0f s%s (read"
                                    + " time-out %d s)", awaited, url.getHost(), quiet,
                            bytes > 0 ? " after " + Progress.megabytes(bytes) : "", retry.readTimeout().toSeconds()));
                }
            }, every / 4, every / 4, TimeUnit.MILLISECONDS);
        }

        void received(long total, String next) {
            if (total != bytes || !next.equals(awaited)) {
                bytes = total;
                awaited = next;
                lastByte = System.nanoTime();
                notices = 0;
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** A handful of lines per download: start, every quarter when interactive, end. */
    static final class Progress {
        private final Console console;
        private final URI url;
        private final long total;
        private final boolean show;
        private final long startNanos = System.nanoTime();
        private int nextQuarter = 1;

        Progress(Console console, URI url, long total, boolean show) {
            this.console = console;
            this.url = url;
            this.total = total;
            this.show = show;
            console.info("Downloading " + url + (total >= 0 ? " (" + megabytes(total) + ")" : ""));
        }

        void update(long received) {
            if (!show || total <= 0 || nextQuarter > 3 || received * 4 < total * nextQuarter) {
                return;
            }
            while (nextQuarter <= 3 && received * 4 >= total * nextQuarter) {
                nextQuarter++;
            }
            console.info(String.format(Locale.ROOT, "  %3d%%  %s of %s  %.1f MB/s", received * 100 / total,
                    megabytes(received), megabytes(total), rate(received)));
        }

        void done(long received) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            console.info(String.format(Locale.ROOT, "Downloaded %s in %.1f s (%.1f MB/s)", megabytes(received),
                    seconds, rate(received)));
        }

        private double rate(long bytes) {
            double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
            return bytes / 1e6 / seconds;
        }

        static String megabytes(long bytes) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
    }
}
