package io.github.cnnmaven.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two trainings started at once in two JVMs, as two CI jobs on one machine: one after the other. */
class TrainingSlotsInOtherProcessesTest {

    @TempDir
    Path slots;

    /** A child JVM's "training": take the slot, say so, hold it until told to finish on stdin. */
    public static void main(String[] args) throws Exception {
        Console console = Console.of(m -> System.out.println("LOG " + m), m -> System.out.println("LOG " + m));
        try (ProcessLock slot = TrainingSlots.acquire(Path.of(args[0]), 1, "the train goal of " + args[1],
                Duration.ofMinutes(1), console)) {
            System.out.println("START " + args[1]);
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            System.out.println("END " + args[1]);
        }
    }

    /** A child and the lines it has printed so far, read as they come. */
    static final class Child {
        final Process process;
        final List<String> lines = new ArrayList<>();

        Child(Path slots, String name) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    TrainingSlotsInOtherProcessesTest.class.getName(), slots.toString(), name).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the child ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits (up to a minute, on the lines themselves) for a line starting with {@code prefix}. */
        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            synchronized (lines) {
                while (true) {
                    for (String l : lines) {
                        if (l.startsWith(prefix)) {
                            return l;
                        }
                    }
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new AssertionError("no line starting '" + prefix + "' in " + lines);
                    }
                    lines.wait(left);
                }
            }
        }

        boolean printed(String prefix) {
            synchronized (lines) {
                return lines.stream().anyMatch(l -> l.startsWith(prefix));
            }
        }

        void finish() throws IOException {
            OutputStream in = process.getOutputStream();
            in.write("done\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
    }

    @Test
    void theSecondWaitsSaysForWhomThenRuns() throws Exception {
        Child a = new Child(slots, "job-a");
        a.await("START job-a");
        Child b = new Child(slots, "job-b");
        String waiting = b.await("LOG Waiting for a training slot");
        assertTrue(waiting.contains("held by the train goal of job-a"), "the second says it waits and for whom: " + waiting);
        assertTrue(!b.printed("START"), "job-b must not start while job-a holds the only slot: " + b.lines);
        a.finish();
        b.await("START job-b");
        a.await("END job-a");
        b.finish();
        assertTrue(a.process.waitFor(60, TimeUnit.SECONDS) && b.process.waitFor(60, TimeUnit.SECONDS), "both finish");
        assertEquals(0, a.process.exitValue());
        assertEquals(0, b.process.exitValue());
    }
}
