package io.github.cnnmaven.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessLockTest {

    @TempDir
    Path temp;

    @Test
    void theHolderIsNamedAndASecondBuildTimesOutNamingTheProperty() throws Exception {
        Path file = temp.resolve("out/.lock");
        try (ProcessLock held = ProcessLock.acquire(file, "the train goal", Duration.ofMinutes(1), "cnn.lockTimeoutMinutes",
                Console.silent())) {
            String holder = ProcessLock.holderOf(file);
            assertTrue(holder.startsWith("the train goal (process " + ProcessHandle.current().pid()), holder);
            List<String> log = new ArrayList<>();
            CnnException e = CompletableFuture.supplyAsync(() -> assertThrows(CnnException.class, () -> ProcessLock.acquire(
                    file, "the evaluate goal", Duration.ofMillis(900), "cnn.lockTimeoutMinutes",
                    Console.of(log::add, log::add)))).get(10, TimeUnit.SECONDS);
            assertTrue(e.getMessage().startsWith("Gave up waiting for " + file), e.getMessage());
            assertTrue(e.getMessage().contains("cnn.lockTimeoutMinutes"), e.getMessage());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("Waiting for")), log.toString());
        }
    }

    @Test
    void aSecondBuildWaitsThenRuns() throws Exception {
        Path file = temp.resolve(".lock");
        List<String> order = new ArrayList<>();
        ProcessLock first = ProcessLock.acquire(file, "first", Duration.ofMinutes(1), "p", Console.silent());
        CountDownLatch waiting = new CountDownLatch(1);
        Console secondConsole = Console.of(line -> {
            if (line.startsWith("Waiting for")) {
                waiting.countDown();
            }
        }, line -> { });
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try (ProcessLock lock = ProcessLock.acquire(file, "second", Duration.ofMinutes(1), "p", secondConsole)) {
                synchronized (order) {
                    order.add("second");
                }
            } catch (CnnException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS), "the second build found the lock held and waits");
        synchronized (order) {
            order.add("first done");
        }
        first.close();
        second.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("first done", "second"), order);
        assertTrue(Files.readString(file).startsWith("second"), "the holder's name is the last holder's");
    }
}
