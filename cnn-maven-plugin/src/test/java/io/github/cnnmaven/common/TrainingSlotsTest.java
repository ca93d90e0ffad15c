package io.github.cnnmaven.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two trainings started at once on one machine run one after the other, and the second says it waited. */
class TrainingSlotsTest {

    @TempDir
    Path slots;

    @Test
    void withOneSlotTheSecondTrainingWaitsAndSaysForWhom() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<String> secondLog = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch waiting = new CountDownLatch(1);
        Console secondConsole = Console.of(line -> {
            secondLog.add(line);
            if (line.startsWith("Waiting for")) {
                waiting.countDown();
            }
        }, secondLog::add);
        ProcessLock first = TrainingSlots.acquire(slots, 1, "the train goal", Duration.ofMinutes(1), Console.silent());
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try (ProcessLock slot = TrainingSlots.acquire(slots, 1, "the evaluate goal", Duration.ofMinutes(1),
                    secondConsole)) {
                order.add("second trains");
            } catch (CnnException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS), "the second training says it waits: " + secondLog);
        order.add("first done");
        first.close();
        second.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("first done", "second trains"), order);
        assertTrue(secondLog.stream().anyMatch(l -> l.startsWith("Waiting for a training slot: 1 training runs on this"
                + " machine at a time (cnn.concurrentTrainings); held by the train goal (process")), secondLog.toString());
        assertTrue(secondLog.stream().anyMatch(l -> l.startsWith("Got a training slot after")), secondLog.toString());
    }

    @Test
    void withTwoSlotsTwoTrainingsRunAtOnce() throws Exception {
        try (ProcessLock a = TrainingSlots.acquire(slots, 2, "a", Duration.ofSeconds(5), Console.silent())) {
            ProcessLock b = CompletableFuture.supplyAsync(() -> {
                try {
                    return TrainingSlots.acquire(slots, 2, "b", Duration.ofSeconds(5), Console.silent());
                } catch (CnnException e) {
                    throw new IllegalStateException(e);
                }
            }).get(3, TimeUnit.SECONDS);
            assertNotNull(b, "the second slot is free");
            b.close();
        }
    }
}
