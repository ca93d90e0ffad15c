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
import java.util.concurrent.TimeUnit;
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
        Instant deadline = Instant.now().plus(timeout);
        Semaphore threadLock = IN_THIS_JVM.computeIfAbsent(key, k -> new Semaphore(1));
        try {
            if (!threadLock.tryAcquire()) {
                console.info("Waiting for another build of this JVM to release " + key);
                if (!threadLock.tryAcquire(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
                        TimeUnit.MILLISECONDS)) {
                    throw timedOut(key, "another build of this JVM", timeout, timeoutProperty);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CnnException("Interrupted while waiting for " + key, e);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            // The first word after half a second: a holder that has just taken the lock has written its name by then.
            Instant nextReminder = Instant.now().plusMillis(500);
            while (lock == null) {
                if (!Instant.now().isBefore(nextReminder)) {
                    console.info("Waiting for " + key + ", held by " + holderOf(key) + " (up to " + minutes(timeout)
                            + ", " + timeoutProperty + ")");
                    nextReminder = Instant.now().plus(REMINDER);
                }
                if (!Instant.now().isBefore(deadline)) {
                    throw timedOut(key, holderOf(key), timeout, timeoutProperty);
                }
                Thread.sleep(200);
                lock = channel.tryLock();
            }
            writeHolder(channel, holder);
            return new ProcessLock(key, threadLock, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            threadLock.release();
            throw new CnnException("Could not lock " + key + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            closeQuietly(channel);
            threadLock.release();
            Thread.currentThread().interrupt();
            throw new CnnException("Interrupted while waiting for " + key, e);
        } catch (CnnException | RuntimeException e) {
            closeQuietly(channel);
            threadLock.release();
            throw e;
        }
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

    private static CnnException timedOut(Path key, String holder, Duration timeout, String property) {
        return new CnnException("Gave up waiting for " + key + " after " + minutes(timeout) + ": it is held by "
                + holder + ". Wait for that build, stop it, or raise " + property + ".");
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
