package io.github.cnnmaven.download;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive access to one cache entry, across processes (a file lock) and across threads of one
 * JVM (file locks are held per process, so a second thread would get an OverlappingFileLockException
 * instead of waiting). Parallel Maven builds ({@code -T}) and two builds on one machine both wait.
 */
final class CacheLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private CacheLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    static CacheLock acquire(Path lockFile, Console console) throws IOException, CnnException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_THIS_JVM.computeIfAbsent(key, k -> new ReentrantLock());
        boolean announced = false;
        try {
            if (!threadLock.tryLock()) {
                console.info("Waiting for another build to finish with " + key.getFileName());
                announced = true;
                threadLock.lockInterruptibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CnnException("Interrupted while waiting for the cache lock " + key, e);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                if (!announced) {
                    console.info("Waiting for another build to finish with " + key.getFileName());
                }
                lock = channel.lock();
            }
            return new CacheLock(threadLock, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            threadLock.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
            channel.close();
        } finally {
            threadLock.unlock();
        }
    }
}
