package io.github.cnnmaven.common;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.Semaphore;

/**
 * Exclusive use of something (an output directory, a training slot) by one build at a time, across
 * processes (a file lock) and across threads of one JVM (file locks are held per process, so a
 * second thread would get an OverlappingFileLockException instead of waiting). It may be released
 * by another thread than the one that took it. The holder writes who it is into
 * the lock file, so a build that waits can say for whom; after a minute it says so again, and after
 * the timeout it fails naming the lock, the holder and the property that sets the timeout.
 */
public final class ProcessLock implements AutoCloseable {

    /** How long a build waits for another one unless told otherwise ({@code cnn.lockTimeoutMinutes}). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(120);

    /** One permit per lock file: file locks are per process, so threads of one JVM queue here first. */
    private static final ConcurrentHashMap<Path, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();
    private static final Duration REMINDER = Duration.ofMinutes(1);
    private static final Duration FIRST_WORD = Duration.ofMillis(500);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Path file;
    private final Semaphore threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private ProcessLock(Path file, Semaphore threadLock, FileChannel channel, FileLock fileLock) {
        this.file = file;
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /**
     * @param lockFile        the lock file (created when missing; never deleted, so its lock stays meaningful)
     * @param holder          who takes it, for whoever waits ("the train goal of my-project")
     * @param timeout         how long to wait before failing
     * @param timeoutProperty the property that sets {@code timeout}, named in the failure
     */
    public static ProcessLock acquire(Path lockFile, String holder, Duration timeout, String timeoutProperty, Console console)
            throws CnnException {
        Path key = lockFile.toAbsolutePath().normalize();
        return acquireAny(List.of(key), holder, key.toString(), "", timeout,
                "Wait for that build, stop it, or raise " + timeoutProperty + ".", timeoutProperty, console);
    }

    /**
     * Takes the first free one of {@code lockFiles}, waiting while all are held: after half a second
     * (a holder that has just taken a lock has written its name by then) and then every minute it
     * says what it waits for and who holds it; after {@code timeout} it fails saying the same.
     *
     * @param name   what is waited for, in messages ("a training slot")
     * @param detail said after the name while waiting (": 1 training runs on this machine at a time …")
     * @param advice the failure's last sentence: how to get out
     */
    static ProcessLock acquireAny(List<Path> lockFiles, String holder, String name, String detail, Duration timeout,
                                  String advice, String timeoutProperty, Console console) throws CnnException {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        Instant nextWord = started.plus(FIRST_WORD);
        boolean waited = false;
        while (true) {
            for (Path file : lockFiles) {
                ProcessLock lock = tryAcquire(file, holder);
                if (lock != null) {
                    if (waited) {
                        console.info("Got " + name + " after " + Duration.between(started, Instant.now()).toSeconds() + " s");
                    }
                    return lock;
                }
            }
            if (!Instant.now().isBefore(nextWord)) {
                console.info("Waiting for " + name + detail + "; held by " + holders(lockFiles) + " (up to "
                        + minutes(timeout) + ", " + timeoutProperty + ")");
                nextWord = Instant.now().plus(REMINDER);
                waited = true;
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new CnnException("Gave up waiting for " + name + " after " + minutes(timeout) + ": it is held by "
                        + holders(lockFiles) + ". " + advice);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CnnException("Interrupted while waiting for " + name, e);
            }
        }
    }

    private static String holders(List<Path> lockFiles) {
        return lockFiles.stream().map(ProcessLock::holderOf).collect(Collectors.joining("; "));
    }

    /**
     * Takes {@code lockFile} if no one holds it, without waiting; null when another process, or another
     * thread of this JVM, holds it.
     */
    public static ProcessLock tryAcquire(Path lockFile, String holder) throws CnnException {
        Path key = lockFile.toAbsolutePath().normalize();
        Semaphore threadLock = IN_THIS_JVM.computeIfAbsent(key, k -> new Semaphore(1));
        if (!threadLock.tryAcquire()) {
            return null;
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                threadLock.release();
                return null;
            }
            writeHolder(channel, holder);
            return new ProcessLock(key, threadLock, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            threadLock.release();
            throw new CnnException("Could not lock " + key + ": " + e.getMessage(), e);
        }
    }

    private static void writeHolder(FileChannel channel, String holder) throws IOException {
        String me = holder + " (process " + ProcessHandle.current().pid() + ", since " + Instant.now() + ")";
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
    }

    /** What the holder wrote into the lock file, or "another process" when it cannot be read. */
    public static String holderOf(Path lockFile) {
        try {
            String text = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? "another process" : text;
        } catch (IOException e) {
            return "another process";
        }
    }

    private static String minutes(Duration d) {
        return d.toMinutes() >= 1 ? d.toMinutes() + " minutes" : d.toMillis() / 1000.0 + " s";
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // the lock goes with the channel; nothing else to undo
        }
    }

    @Override
    public void close() throws CnnException {
        try {
            fileLock.release();
            channel.close();
        } catch (IOException e) {
            throw new CnnException("Could not release " + file + ": " + e.getMessage(), e);
        } finally {
            threadLock.release();
        }
    }

}
