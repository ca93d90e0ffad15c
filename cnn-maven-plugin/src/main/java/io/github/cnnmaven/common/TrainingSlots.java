package io.github.cnnmaven.common;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Machine-wide slots for trainings ({@code cnn.concurrentTrainings}, default 1): two builds that each
 * give the native backend every core run many times slower side by side than one after the other
 * (OpenMP threads fight over the cores). A training takes a free slot, one lock file per slot under
 * the user's {@code ~/.cnn/slots}, or waits, saying for whom, until one is free.
 */
public final class TrainingSlots {

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
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            files.add(directory.resolve("slot-" + i + ".lock"));
        }
        return ProcessLock.acquireAny(files, holder, "a training slot", ": " + slots + (slots == 1 ? " training runs"
                        : " trainings run") + " on this machine at a time (cnn.concurrentTrainings)", timeout,
                "Raise cnn.concurrentTrainings (and lower cnn.threads) to train side by side, or cnn.lockTimeoutMinutes to"
                        + " wait longer.", "cnn.lockTimeoutMinutes", console);
    }
}
