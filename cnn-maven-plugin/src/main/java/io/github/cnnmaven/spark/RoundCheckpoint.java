package io.github.cnnmaven.spark;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.ZipIntegrity;
import io.github.cnnmaven.training.ModelFile;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkpoint inside an epoch on Spark, beside the trainer's checkpoint after each epoch: the averaged network
 * with its updater state and where the epoch stands, written after an averaging round at most every
 * {@code cnn.spark.roundCheckpointSeconds} (a JVM option; 60 by default). A driver killed mid-epoch resumes at
 * the round after it; the rounds are seeded by epoch and position, so the rest of the epoch is the one an
 * uninterrupted run trains. Callbacks resume from the epoch checkpoint (a moving average of the weights misses
 * the rounds since). It belongs to one fingerprint and one epoch; anything else is ignored and overwritten. It
 * stays after its epoch: should the driver die after the epoch but before the trainer's checkpoint of it, the
 * next build still resumes that epoch after its last round.
 */
final class RoundCheckpoint {

    static final String FILE = "round.zip";
    static final String INTERVAL_PROPERTY = "cnn.spark.roundCheckpointSeconds";

    /**
     * Where an epoch stands.
     *
     * @param nextImage the position in the epoch's order that the next round starts at
     * @param rounds    rounds of the epoch trained
     * @param lossSum   the sum of their losses
     */
    record State(String fingerprint, int epoch, int nextImage, int rounds, double lossSum) {
    }

    private final Path file;
    private final String fingerprint;
    private final long intervalNanos;
    private long lastWrite = System.nanoTime();

    RoundCheckpoint(Path directory, String fingerprint) {
        this.file = directory.resolve(FILE);
        this.fingerprint = fingerprint;
        this.intervalNanos = Long.getLong(INTERVAL_PROPERTY, 60) * 1_000_000_000L;
    }

    /**
     * The state to continue {@code epoch} from, with {@code graph} given the checkpoint's parameters, updater
     * state and step count; null when there is none for this fingerprint and epoch.
     */
    State resume(int epoch, ComputationGraph graph, Console console) {
        if (!Files.isRegularFile(file) || ZipIntegrity.problem(file) != null) {
            return null;
        }
        try {
            State saved = ModelFile.readEntry(file, ModelFile.STATE_ENTRY, State.class);
            if (saved == null || !fingerprint.equals(saved.fingerprint()) || saved.epoch() != epoch) {
                return null;
            }
            ComputationGraph trained = ModelFile.readGraph(file, true);
            graph.setParams(trained.params());
            graph.getUpdater().setStateViewArray(trained.getUpdater().getStateViewArray());
            graph.getConfiguration().setIterationCount(trained.getConfiguration().getIterationCount());
            console.info("Resuming epoch " + epoch + " after its averaging round " + saved.rounds() + " (" + file + ")");
            return saved;
        } catch (IOException e) {
            return null; // unreadable: the epoch starts over, as without it
        }
    }

    /** After a round: writes the state when the interval has passed since the last one. */
    void afterRound(ComputationGraph graph, State state) {
        if (System.nanoTime() - lastWrite < intervalNanos) {
            return;
        }
        try {
            ModelFile.write(graph, null, state, true, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastWrite = System.nanoTime();
    }

    String fingerprint() {
        return fingerprint;
    }

    /** {@code cnn.fresh}: nothing from before counts. */
    void discard() {
        AtomicFiles.deleteQuietly(file);
    }
}
