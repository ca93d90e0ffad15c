package io.github.cnnmaven.output;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.ProcessLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The output directory ({@code cnn.outputDirectory}) and the files goals hand each other through it.
 * Every file name lives here, and every hand-off file is read and written through its typed record,
 * so there is one reader and one writer of each.
 */
public final class OutputDirectory {

    public static final String MODEL = "model.zip";
    public static final String ONNX = "model.onnx";
    public static final String PREDICTIONS = "predictions.csv";
    public static final String HISTORY = "history.json";
    public static final String RUN = "run.json";
    public static final String DATASET = "dataset.json";
    public static final String LR_FINDER = "lr-finder.json";
    public static final String EVALUATION = "evaluation.json";
    public static final String STUDY = "study.json";
    public static final String OVERFIT = "overfit.json";
    public static final String GATE_XML = "TEST-cnn-gate.xml";
    public static final String SUMMARY = "summary.md";
    public static final String MODEL_CARD = "model-card.md";
    public static final String RELEASES = "releases.json";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String MISCLASSIFIED = "misclassified";
    public static final String REPORT = "report";
    public static final String STUDY_VARIANTS = "study";

    /** How long a build waits for another one to release the directory, unless told otherwise. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = ProcessLock.DEFAULT_TIMEOUT;
    static final String LOCK = ".lock";

    private final Path root;
    private final Duration lockTimeout;

    public OutputDirectory(Path root) {
        this(root, DEFAULT_LOCK_TIMEOUT);
    }

    /** @param lockTimeout how long {@link #lock} waits for another build ({@code cnn.lockTimeoutMinutes}) */
    public OutputDirectory(Path root, Duration lockTimeout) {
        this.root = root;
        this.lockTimeout = lockTimeout;
    }

    /**
     * Takes the directory for one goal: a second build that writes here waits, saying who holds it,
     * and fails after the timeout. Every goal that writes into the directory holds it while it works,
     * so two builds never interleave their files.
     */
    public ProcessLock lock(String goal, Console console) throws CnnException {
        ProcessLock lock = ProcessLock.acquire(root.resolve(LOCK), "the " + goal + " goal", lockTimeout,
                "cnn.lockTimeoutMinutes", console);
        try {
            // Temporaries a killed build left behind: no one else writes here while we hold the lock.
            AtomicFiles.removeLeftovers(root);
            AtomicFiles.removeLeftovers(checkpointDirectory());
            AtomicFiles.removeLeftovers(root.resolve(REPORT));
        } catch (IOException e) {
            lock.close();
            throw new CnnException("Could not clean up " + root + ": " + e.getMessage(), e);
        }
        return lock;
    }

    public Path root() {
        return root;
    }

    public Path modelFile() {
        return root.resolve(MODEL);
    }

    /** The model as ONNX, exported from {@link #modelFile()}. */
    public Path onnxFile() {
        return root.resolve(ONNX);
    }

    public Path predictionsFile() {
        return root.resolve(PREDICTIONS);
    }

    public Path historyFile() {
        return root.resolve(HISTORY);
    }

    public Path runFile() {
        return root.resolve(RUN);
    }

    public Path datasetFile() {
        return root.resolve(DATASET);
    }

    public Path lrFinderFile() {
        return root.resolve(LR_FINDER);
    }

    public Path evaluationFile() {
        return root.resolve(EVALUATION);
    }

    public Path studyFile() {
        return root.resolve(STUDY);
    }

    public Path overfitFile() {
        return root.resolve(OVERFIT);
    }

    public Path gateXmlFile() {
        return root.resolve(GATE_XML);
    }

    public Path summaryFile() {
        return root.resolve(SUMMARY);
    }

    public Path modelCardFile() {
        return root.resolve(MODEL_CARD);
    }

    public Path releasesFile() {
        return root.resolve(RELEASES);
    }

    /** releases.json, or null when the evaluate goal had no release history to write. */
    public ReleaseHistory releases() throws CnnException {
        return Files.isRegularFile(releasesFile()) ? ReleaseHistory.read(releasesFile()) : null;
    }

    public Path checkpointDirectory() {
        return root.resolve(CHECKPOINTS);
    }

    public Path misclassifiedDirectory() {
        return root.resolve(MISCLASSIFIED);
    }

    public Path reportFile() {
        return root.resolve(REPORT).resolve("index.html");
    }

    /** The directory of the study variants, each in a sub-directory that is an output directory of its own. */
    public Path studyVariantsDirectory() {
        return root.resolve(STUDY_VARIANTS);
    }

    /** The request file a goal hands its forked JVM, such as {@code train-request.json}. */
    public Path requestFile(String goal) {
        return root.resolve(goal + "-request.json");
    }

    // ---- the hand-off files: each null when absent, an error naming the file when unreadable ----

    /** The model's metadata, read from {@code model.zip} without DL4J; null when there is no readable model. */
    public ModelMetadata modelMetadata() throws CnnException {
        Path model = modelFile();
        if (!Files.isRegularFile(model)) {
            return null;
        }
        try {
            return ModelMetadata.read(model);
        } catch (IOException e) {
            throw new CnnException(model + " cannot be read as a model (" + e.getMessage() + "): delete it, or train again"
                    + " (-Dcnn.fresh)", e);
        }
    }

    public TrainingHistory history() throws CnnException {
        return TrainingHistory.read(historyFile());
    }

    public RunRecord run() throws CnnException {
        return RunRecord.read(runFile());
    }

    public DatasetDescription dataset() throws CnnException {
        return DatasetDescription.read(datasetFile());
    }

    public LrFinderResult lrFinder() throws CnnException {
        return LrFinderResult.read(lrFinderFile());
    }

    public EvaluationResult evaluation() throws CnnException {
        return Files.isRegularFile(evaluationFile()) ? EvaluationResult.read(evaluationFile(), "the evaluation") : null;
    }

    public StudyResult study() throws CnnException {
        return StudyResult.read(studyFile());
    }
}
