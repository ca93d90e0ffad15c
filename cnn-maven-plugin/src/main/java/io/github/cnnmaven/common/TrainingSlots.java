package io.github.cnnmaven.common;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Machine-wide slots for trainings ({@code cnn.concurrentTrainings}, default 1): two builds that each
 * give the native backend every core run many times slower side by side than one after the other
 * (OpenMP threads fight over the cores). A training takes a free slot, one lock file per slot under
 * the user's {@code ~/.cnn/slots}, or waits, saying for whom, until one is free.
 */
public final class TrainingSlots {

    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration REMINDER = Duration.ofMinutes(1);
    private static final Duration FIRST_WORD = Duration.ofMillis(500);

    private TrainingSlots() {
    }

    /** The slots' directory for this user: machine-wide across builds and projects. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".cnn", "slots");
    }

    /**
     * Takes one of {@code slots} slots, waiting while all are taken.
     *
     * @param holder who takes it, for whoever waits ("the train goal")
     */
    public static ProcessLock acquire(Path directory, int slots, String holder, Duration timeout, Console console)
            throws CnnException {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        // The first word after half a second: a holder that has just taken a slot has written its name by then.
        Instant nextReminder = started.plus(FIRST_WORD);
        boolean waited = false;
        while (true) {
            for (int i = 0; i < slots; i++) {
                ProcessLock lock = ProcessLock.tryAcquire(directory.resolve("slot-" + i + ".lock"), holder);
                if (lock != null) {
                    if (waited) {
                        console.info("Got a training slot after " + Duration.between(started, Instant.now()).toSeconds() + " s");
                    }
                    return lock;
                }
            }
            if (!Instant.now().isBefore(nextReminder)) {
                console.info("Waiting for a training slot: " + slots + (slots == 1 ? " training runs" : " trainings run")
                        + " on this machine at a time (cnn.concurrentTrainings); held by " + String.join("; ",
                        holders(directory, slots)));
                nextReminder = Instant.now().plus(REMINDER);
                waited = true;
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new CnnException("Gave up waiting for a training slot after " + timeout.toMinutes() + " minutes:"
                        + " held by " + String.join("; ", holders(directory, slots)) + ". Raise cnn.concurrentTrainings"
                        + " (and lower cnn.threads) to train side by side, or cnn.lockTimeoutMinutes to wait longer.");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CnnException("Interrupted while waiting for a training slot", e);
            }
        }
    }

    private static List<String> holders(Path directory, int slots) {
        List<String> holders = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            holders.add(ProcessLock.holderOf(directory.resolve("slot-" + i + ".lock")));
        }
        return holders;
    }
}
