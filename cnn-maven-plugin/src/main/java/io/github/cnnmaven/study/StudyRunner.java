package io.github.cnnmaven.study;

import io.github.cnnmaven.output.StudyResult;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.output.TrainingHistory;
import io.github.cnnmaven.output.RunRecord;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.Hashes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.Trainer;
import io.github.cnnmaven.training.TrainingDivergedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a study's variants one after another, each in its own directory under {@code study/}
 * with its own checkpoints, so a killed study resumes: finished variants (whose model carries
 * their fingerprint) are read back, not retrained, and an interrupted one resumes from its last
 * epoch. Then it picks the winner by best validation accuracy (the test set is never touched),
 * copies the winner's model, history and run file into the output directory, and writes
 * {@code study.json} last.
 */
public final class StudyRunner {

    /** Called after each variant; returning {@code false} stops the study there, as a kill would. */
    public interface VariantListener {
        boolean continueAfter(StudyResult.Variant variant);
    }

    private static final String DIVERGED_FILE = "diverged.json";

    /** {@code diverged.json} in a variant's directory: it was tried with this fingerprint and diverged. */
    record Diverged(String fingerprint, String message) {
    }

    private final Console console;

    public StudyRunner(Console console) {
        this.console = console;
    }

    /** Runs the study; returns null when a listener stopped it before the end. */
    public StudyResult run(StudyRequest request, LoadedDataset data, VariantListener listener) throws CnnException {
        try {
            return runStudy(request, data, listener);
        } catch (IOException e) {
            throw new CnnException("The study failed writing to " + request.context().outputDirectory() + ": " + e.getMessage(), e);
        }
    }

    private StudyResult runStudy(StudyRequest request, LoadedDataset data, VariantListener listener)
            throws IOException, CnnException {
        List<StudyVariant> planned = request.variants();
        List<StudyResult.Variant> results = new ArrayList<>();
        Trainer trainer = new Trainer(console);
        for (int i = 0; i < planned.size(); i++) {
            StudyVariant variant = planned.get(i);
            String label = String.format(Locale.ROOT, "Study variant %d/%d '%s'", i + 1, planned.size(), variant.name());
            TrainRequest train = trainRequest(request, variant);
            StudyResult.Variant result = request.context().fresh() ? null : finished(variant, train);
            if (result != null) {
                console.info(label + (result.diverged() ? ": already tried, it diverged" : ": already trained") + " (fingerprint "
                        + variant.fingerprint() + "), not retraining");
            } else {
                console.info(label + (variant.settings().isEmpty() ? " (the base configuration)" : "") + ": training in "
                        + train.context().outputDirectory());
                Files.deleteIfExists(train.context().outputDirectory().resolve(DIVERGED_FILE));
                try {
                    trainer.train(train, data, null);
                    result = read(variant, train);
                } catch (TrainingDivergedException e) {
                    // A study of learning rates expects some to diverge: record it, it cannot win, go on.
                    console.warn(label + " diverged: " + e.getMessage());
                    Json.write(train.context().outputDirectory().resolve(DIVERGED_FILE), new Diverged(variant.fingerprint(), e.getMessage()));
                    result = diverged(variant, e.getMessage());
                }
            }
            console.info(label + " finished: " + outcome(result));
            results.add(result);
            if (listener != null && !listener.continueAfter(result)) {
                return null;
            }
        }
        StudyResult.Variant winner = null;
        for (StudyResult.Variant v : results) {
            if (!v.diverged() && (winner == null || v.bestValidationAccuracy() > winner.bestValidationAccuracy())) {
                winner = v; // ties go to the earlier variant, so the base wins a tie
            }
        }
        if (winner == null) {
            throw new CnnException("Every variant of the study diverged, so there is no winner: lower the learning rate"
                    + " (cnn.learningRate) or the values on the study's axes. See " + request.studyDirectory());
        }
        Path winnerDirectory = request.studyDirectory().resolve(winner.directory());
        OutputDirectory output = new OutputDirectory(request.context().outputDirectory());
        Path out = output.root();
        for (String file : List.of(OutputDirectory.MODEL, OutputDirectory.HISTORY, OutputDirectory.RUN)) {
            Path source = winnerDirectory.resolve(file);
            AtomicFiles.write(out.resolve(file), tmp -> Files.copy(source, tmp));
        }
        // One-at-a-time varies around the base (always the first variant): record its value on each axis.
        Map<String, String> base = new LinkedHashMap<>();
        request.spec().axes().keySet().forEach(axis -> base.put(axis, StudyPlan.valueOf(planned.get(0).config(), axis)));
        StudyResult study = new StudyResult(fingerprint(request), request.baseFingerprint(), request.spec().mode().id(),
                request.spec().axes(), request.spec().grid() ? null : base, "bestValidationAccuracy", results,
                winner.name(), winner.fingerprint());
        study.write(output.studyFile());
        table(study).forEach(console::info);
        console.info(String.format(Locale.ROOT, "Winner: '%s' with validation accuracy %.4f (epoch %d); its model is %s",
                winner.name(), winner.bestValidationAccuracy(), winner.bestEpoch(), output.modelFile()));
        return study;
    }

    /** The table the log shows: one row per variant, the winner starred. */
    static List<String> table(StudyResult study) {
        int width = Math.max(7, study.variants().stream().mapToInt(v -> v.name().length()).max().orElse(7));
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Study (%s over %s), compared on validation accuracy:", study.mode(),
                String.join(", ", study.axes().keySet())));
        lines.add(String.format(Locale.ROOT, "    %-" + width + "s  %12s  %5s  %9s  %8s  %10s", "variant", "best val acc",
                "epoch", "gap", "time", "parameters"));
        for (StudyResult.Variant v : study.variants()) {
            String mark = v.name().equals(study.winner()) ? "  * " : "    ";
            if (v.diverged()) {
                lines.add(String.format(Locale.ROOT, "%s%-" + width + "s  %12s", mark, v.name(), "diverged"));
                continue;
            }
            lines.add(String.format(Locale.ROOT, "%s%-" + width + "s  %12.4f  %5d  %+9.4f  %6.0f s  %,10d", mark, v.name(),
                    v.bestValidationAccuracy(), v.bestEpoch(), v.trainValidationGap(), v.seconds(), v.parameters()));
        }
        return lines;
    }

    private static String outcome(StudyResult.Variant v) {
        return v.diverged() ? "diverged" : String.format(Locale.ROOT, "best validation accuracy %.4f at epoch %d,"
                + " train/validation gap %+.4f", v.bestValidationAccuracy(), v.bestEpoch(), v.trainValidationGap());
    }

    /** What one variant trains with: the study's dataset, devices and threads, the variant's configuration and directory. */
    static TrainRequest trainRequest(StudyRequest request, StudyVariant variant) {
        return new TrainRequest(request.context().writingTo(request.studyDirectory().resolve(variant.directory())),
                variant.config(), variant.fingerprint());
    }

    /** The variant's outcome when an earlier run finished it with the same fingerprint; null when it must (re)train. */
    private static StudyResult.Variant finished(StudyVariant variant, TrainRequest train) {
        try {
            Diverged diverged = Json.read(train.context().outputDirectory().resolve(DIVERGED_FILE), Diverged.class);
            if (diverged != null && variant.fingerprint().equals(diverged.fingerprint())) {
                return diverged(variant, diverged.message());
            }
            OutputDirectory out = train.output();
            ModelMetadata metadata = out.modelMetadata();
            TrainingHistory history = out.history();
            RunRecord run = out.run();
            if (metadata == null || history == null || run == null || !variant.fingerprint().equals(metadata.fingerprint())
                    || !variant.fingerprint().equals(history.fingerprint())) {
                return null;
            }
            return variant(variant, history, run);
        } catch (CnnException e) {
            return null; // unreadable: train it again
        }
    }

    private static StudyResult.Variant read(StudyVariant variant, TrainRequest train) throws CnnException {
        return variant(variant, train.output().history(), train.output().run());
    }

    private static StudyResult.Variant variant(StudyVariant variant, TrainingHistory history, RunRecord run) {
        var last = history.lastEpoch();
        return new StudyResult.Variant(variant.name(), variant.settings(), variant.fingerprint(), variant.directory(),
                "trained", history.bestValidationAccuracy(), history.bestEpoch(), last.trainAccuracy(),
                last.validationAccuracy(), last.trainAccuracy() - last.validationAccuracy(), run.trainingSeconds(),
                run.model().parameters(), null, history.epochs());
    }

    private static StudyResult.Variant diverged(StudyVariant variant, String message) {
        return new StudyResult.Variant(variant.name(), variant.settings(), variant.fingerprint(), variant.directory(),
                "diverged", null, null, null, null, null, 0, 0, message, List.of());
    }

    /** Identifies the whole study: the variants' fingerprints in order, and the mode. */
    static String fingerprint(StudyRequest request) {
        StringBuilder all = new StringBuilder(request.spec().mode().id());
        request.variants().forEach(v -> all.append('|').append(v.name()).append('=').append(v.fingerprint()));
        return Hashes.sha256Hex(all.toString()).substring(0, 16);
    }
}
