package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.FaultPoints;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetKind;
import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.download.ArchiveExtractor;
import io.github.cnnmaven.evaluation.EvaluateMain;
import io.github.cnnmaven.evaluation.EvaluateRequest;
import io.github.cnnmaven.evaluation.Evaluator;
import io.github.cnnmaven.fork.ForkConfiguration;
import io.github.cnnmaven.fork.ForkedJvm;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.report.ReportService;
import io.github.cnnmaven.testing.SyntheticDatasets;
import io.github.cnnmaven.testing.TrainingFixtures;
import io.github.cnnmaven.training.TrainMain;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of the forked JVM at ten moments of train, evaluate and report (fault injection halts it
 * as SIGKILL would), then a later build: never may it accept outputs that disagree, and it always
 * ends with a consistent set.
 */
class KillRecoveryTest {

    @TempDir
    static Path data;
    @TempDir
    Path temp;

    static PreparedDataset prepared;
    static DatasetSpec spec;
    static LoadedDataset loaded;

    @BeforeAll
    static void writeDataset() throws Exception {
        Path archive = data.resolve("cifar.tar.gz");
        SyntheticDatasets.writeCifar10Archive(archive, 30, 3, 5);
        Path dir = Files.createDirectories(data.resolve("cifar"));
        new ArchiveExtractor().extract(archive, dir);
        prepared = new PreparedDataset(DatasetKind.CIFAR10, dir, "synthetic-kill", "test");
        spec = new DatasetSpec(DatasetKind.CIFAR10, null, null, null, 32, false, data.resolve("cache"), DatasetSpec.ALL,
                DatasetSpec.ALL, 0.2, 42, false);
        loaded = new DatasetService(null, Console.silent()).load(prepared, spec);
    }

    static TrainingConfig config(double lr) {
        return TrainingFixtures.lenet5(2, Optimizer.ADAM, lr, null);
    }

    /** Runs {@code main} on {@code request} in a JVM that halts at {@code point}. */
    static void forkKilledAt(Class<?> main, Object request, Path out, String point) throws CnnException {
        Path requestFile = out.resolve("kill-request.json");
        Json.write(requestFile, request);
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        ForkConfiguration fork = new ForkConfiguration(classpath, List.of("-Xmx1g", "-D" + FaultPoints.PROPERTY + "=" + point),
                TrainingFixtures.sameNativeThreads(), main.getName(), "test");
        ForkedJvm.run(fork, List.of(requestFile.toString()), out.resolve("kill.args"), Console.silent());
    }

    static void assertKilled(Class<?> main, Object request, Path out, String point) {
        CnnException e = assertThrows(CnnException.class, () -> forkKilledAt(main, request, out, point), point);
        assertTrue(e.getMessage().contains("killed by SIGKILL"), point + ": " + e.getMessage());
    }

    /** A later build, as TrainModel runs it: under the output lock, retraining unless up to date. */
    static void laterTrain(TrainRequest request) throws CnnException {
        OutputDirectory out = request.output();
        try (ProcessLock lock = out.lock("train", Console.silent())) {
            if (!Freshness.model(out, request.fingerprint()).upToDate()) {
                new Trainer(Console.silent()).train(request, loaded, null);
            }
        }
    }

    static void assertNoTemporaries(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> left = walk.filter(p -> p.getFileName().toString().contains(AtomicFiles.TEMP_MARKER)).toList();
            assertEquals(List.of(), left, "temporaries of the killed build are gone");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"before-rename:last.zip", "after-rename:last.zip", "after-rename:best.zip",
            "before-rename:model.zip", "after-rename:model.zip", "after-rename:history.json", "after-rename:run.json"})
    void aTrainingKilledAnywhereIsNeverTakenForUpToDateAndTheNextBuildFinishesIt(String point) throws Exception {
        Path dir = temp.resolve("out");
        // The directory holds a finished run of the previous configuration, as in a project that changed one.
        laterTrain(new TrainRequest(TrainingFixtures.context(prepared, spec, dir), config(0.002), "fp-old"));
        TrainRequest request = new TrainRequest(TrainingFixtures.context(prepared, spec, dir), config(0.003), "fp-kill");
        assertKilled(TrainMain.class, request, dir, point);

        OutputDirectory out = request.output();
        Freshness.ModelState state = Freshness.model(out, "fp-kill");
        assertEquals(point.equals("after-rename:run.json"), state.upToDate(),
                "up to date only once model, history and run are all written: " + point + " " + state);

        laterTrain(request);
        assertEquals(Freshness.Status.CURRENT, Freshness.model(out, "fp-kill").status(), point);
        assertEquals(2, out.history().epochs().size(), point);
        assertEquals("fp-kill", out.run().fingerprint(), point);
        assertNoTemporaries(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"before-rename:evaluation.json", "after-rename:evaluation.json"})
    void anEvaluationKilledAnywhereIsNeverShownBesideAnotherModel(String point) throws Exception {
        Path dir = temp.resolve("out");
        OutputDirectory out = new OutputDirectory(dir);
        // Model A, evaluated; then model B trained over it, and B's evaluation killed.
        laterTrain(new TrainRequest(TrainingFixtures.context(prepared, spec, dir), config(0.003), "fp-a"));
        EvaluateRequest evaluate = new EvaluateRequest(TrainingFixtures.context(prepared, spec, dir), out.modelFile(), 8);
        new Evaluator(Console.silent()).evaluate(evaluate, loaded).write(out.evaluationFile());
        laterTrain(new TrainRequest(TrainingFixtures.context(prepared, spec, dir), config(0.002), "fp-b"));
        assertKilled(EvaluateMain.class, evaluate, dir, point);

        String html = new ReportService().html(dir, "kill");
        String evaluatedBy = out.evaluation().fingerprint();
        if (evaluatedBy.equals("fp-a")) {
            assertTrue(html.contains("evaluation.json belongs to another model (fingerprint fp-a"), point);
        } else {
            assertEquals("fp-b", evaluatedBy, point);
            assertTrue(html.contains("Test accuracy"), point);
        }
        new Evaluator(Console.silent()).evaluate(evaluate, loaded).write(out.evaluationFile());
        assertEquals("fp-b", out.evaluation().fingerprint());
        assertFalse(new ReportService().html(dir, "kill").contains("belongs to another model"), point);
    }

    /** The report's main for the kill test: renders the report of the directory named by the first argument. */
    public static final class RenderMain {
        public static void main(String[] args) throws Exception {
            new ReportService().render(Path.of(Json.MAPPER.readValue(Path.of(args[0]).toFile(), String.class)), "kill");
            System.exit(0);
        }
    }

    @Test
    void aReportKilledWhileWritingLeavesNoHalfWrittenPage() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("out"));
        OutputDirectory out = new OutputDirectory(dir);
        assertKilled(RenderMain.class, dir.toString(), dir, "before-rename:index.html");
        assertFalse(Files.exists(out.reportFile()), "no page, rather than half a page");
        try (ProcessLock lock = out.lock("report", Console.silent())) {
            // the next goal that takes the directory cleans up
        }
        try (Stream<Path> files = Files.list(out.reportFile().getParent())) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().contains(AtomicFiles.TEMP_MARKER)).toList());
        }
        new ReportService().render(dir, "kill");
        assertTrue(Files.readString(out.reportFile()).contains("</html>"));
    }
}
