package io.github.cnnmaven.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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

    /** A child JVM's "training": take the slot, hold it a second and a half, say when. */
    public static void main(String[] args) throws Exception {
        Console console = Console.of(m -> System.out.println("LOG " + m), m -> System.out.println("LOG " + m));
        try (ProcessLock slot = TrainingSlots.acquire(Path.of(args[0]), 1, "the train goal of " + args[1],
                Duration.ofMinutes(1), console)) {
            System.out.println("START " + args[1] + " " + System.currentTimeMillis());
            Thread.sleep(1500);
            System.out.println("END " + args[1] + " " + System.currentTimeMillis());
        }
    }

    Process child(String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                TrainingSlotsInOtherProcessesTest.class.getName(), slots.toString(), name).redirectErrorStream(true).start();
    }

    @Test
    void theSecondWaitsSaysForWhomThenRuns() throws Exception {
        Process a = child("job-a");
        Process b = child("job-b");
        assertTrue(a.waitFor(60, TimeUnit.SECONDS) && b.waitFor(60, TimeUnit.SECONDS), "both finish");
        List<String> outA = lines(a);
        List<String> outB = lines(b);
        long startA = time(outA, "START"), endA = time(outA, "END"), startB = time(outB, "START"), endB = time(outB, "END");
        assertTrue(endA <= startB || endB <= startA, "never at once: a " + startA + "-" + endA + ", b " + startB + "-" + endB);
        List<String> second = startA < startB ? outB : outA;
        String first = startA < startB ? "job-a" : "job-b";
        assertTrue(second.stream().anyMatch(l -> l.startsWith("LOG Waiting for a training slot") && l.contains(
                "held by the train goal of " + first)), "the second says it waits and for whom: " + second);
        assertEquals(0, a.exitValue());
        assertEquals(0, b.exitValue());
    }

    static List<String> lines(Process p) throws IOException {
        return new ArrayList<>(List.of(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")));
    }

    static long time(List<String> lines, String what) {
        return lines.stream().filter(l -> l.startsWith(what + " ")).map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(what + " missing in " + lines));
    }
}
