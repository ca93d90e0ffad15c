package io.github.cnnmaven.training.callback;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.ZipIntegrity;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.training.ModelFile;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code checkpoints/last.zip} after every epoch (the network with its updater state, plus the
 * run's progress and every other callback's state) and resumes from it when its fingerprint is this
 * run's, so a killed build continues exactly where it stopped. It runs after the other callbacks, so
 * the checkpoint holds their state after the epoch.
 */
public final class Checkpointer implements TrainingCallback {

    /**
     * What a checkpoint holds beside the network.
     *
     * @param seconds   training time of the epochs so far
     * @param callbacks each callback's state, by {@link TrainingCallback#name()}
     */
    public record State(String fingerprint, int epoch, double seconds, List<EpochRecord> history,
                        Map<String, JsonNode> callbacks) {
    }

    /** A checkpoint to continue from. */
    public record Resumed(ComputationGraph graph, State state) {
    }

    private final Path file;
    private final String fingerprint;
    private final List<TrainingCallback> others;

    /** @param others the callbacks whose state the checkpoint carries */
    public Checkpointer(Path file, String fingerprint, List<TrainingCallback> others) {
        this.file = file;
        this.fingerprint = fingerprint;
        this.others = List.copyOf(others);
    }

    @Override
    public String name() {
        return "checkpoint";
    }

    @Override
    public String afterEpoch(EpochEnd epoch) {
        Map<String, JsonNode> states = new LinkedHashMap<>();
        for (TrainingCallback c : others) {
            JsonNode s = c.saveState();
            if (s != null) {
                states.put(c.name(), s);
            }
        }
        State state = new State(fingerprint, epoch.epoch(), epoch.secondsSoFar(), epoch.history(), states);
        try {
            ModelFile.write(epoch.graph(), epoch.metadata(), state, true, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    /**
     * The checkpoint to continue from, with every callback's state restored; null (and the
     * checkpoint directory cleared) when there is none, it belongs to another configuration, or
     * {@code fresh} asks to ignore it.
     */
    public Resumed resume(boolean fresh, int epochs, Console console) throws IOException {
        Path directory = file.getParent();
        if (Files.isRegularFile(file) && fresh) {
            console.info("Starting fresh (cnn.fresh): ignoring the checkpoint in " + directory);
        } else if (Files.isRegularFile(file)) {
            String damage = ZipIntegrity.problem(file);
            if (damage != null) {
                setAside(file, damage, console);
            } else {
                State saved = ModelFile.readEntry(file, ModelFile.STATE_ENTRY, State.class);
                if (saved != null && fingerprint.equals(saved.fingerprint()) && saved.callbacks() != null) {
                    ComputationGraph graph = ModelFile.readGraph(file, true);
                    for (TrainingCallback c : others) {
                        JsonNode s = saved.callbacks().get(c.name());
                        if (s != null) {
                            c.restoreState(s);
                        }
                    }
                    console.info("Resuming from the checkpoint after epoch " + saved.epoch() + " of " + epochs + " ("
                            + file + ")");
                    return new Resumed(graph, saved);
                }
                console.info("Starting fresh: the configuration or data changed since the checkpoint in " + directory
                        + " (fingerprint " + (saved == null ? "unknown" : saved.fingerprint()) + " → " + fingerprint + ")");
            }
        }
        AtomicFiles.deleteRecursively(directory);
        Files.createDirectories(directory);
        return null;
    }

    /** Moves a damaged checkpoint out of the checkpoint directory (kept for inspection) and says so. */
    private static void setAside(Path file, String damage, Console console) throws IOException {
        Path aside = file.resolveSibling("..").normalize().resolve(file.getFileName() + ".damaged");
        AtomicFiles.move(file, aside);
        console.warn("The checkpoint " + file + " is damaged (" + damage + "): set aside as " + aside
                + "; training starts fresh");
    }
}
