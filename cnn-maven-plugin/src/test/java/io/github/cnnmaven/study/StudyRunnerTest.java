package io.github.cnnmaven.study;

import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.output.StudyResult;

import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.testing.TrainingFixtures;
import io.github.cnnmaven.output.ModelMetadata;
import org.junit.jupiter.api.Test;
import io.github.cnnmaven.workflow.Freshness;
import io.github.cnnmaven.output.OutputDirectory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyRunnerTest {

    /** The base's rate was given (its value is in the base): every variant keeps it. */
    private static final LearningRate GIVEN = new LearningRate.Fixed(0.001);

    @TempDir
    Path out;
    final List<String> log = new ArrayList<>();
    static final LoadedDataset SHAPES = TrainingFixtures.SHAPES;

    StudyRequest request() throws Exception {
        TrainingConfig base = TrainingFixtures.lenet5(2, Optimizer.NESTEROV, 0.01, null);
        Map<String, String> axes = new LinkedHashMap<>();
        axes.put("dropout", "0.3");
        axes.put("learningRate", "1e6"); // diverges: recorded, and it cannot win
        StudySpec spec = StudySpec.parse(null, axes);
        List<StudyVariant> variants = StudyPlan.expand(base, spec, "synthetic", GIVEN);
        return new StudyRequest(TrainingFixtures.context(SHAPES.prepared(), null, out), spec, variants, variants.get(0).fingerprint());
    }

    StudyRunner runner() {
        return new StudyRunner(Console.of(log::add, log::add));
    }

    long count(String prefix) {
        return log.stream().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void aStoppedStudyResumesWithoutRetrainingFinishedVariantsAndKeepsTheWinner() throws Exception {
        StudyRequest request = request();
        assertNull(runner().run(request, SHAPES, v -> false), "stopped after the first variant, as a kill would");
        assertTrue(Files.isRegularFile(out.resolve("study/base/model.zip")));
        assertFalse(Files.exists(out.resolve("study.json")), "no study.json until every variant is done");
        assertFalse(Files.exists(out.resolve("model.zip")), "no winner until every variant is done");

        log.clear();
        StudyResult study = runner().run(request, SHAPES, null);
        assertEquals(1, count("Study variant 1/3 'base': already trained (fingerprint "), log.toString());
        assertEquals(0, count("Study variant 1/3 'base' (the base configuration): training in"), log.toString());
        assertEquals(1, count("Epoch 1/2 "), "only dropout=0.3 trains an epoch (the last variant diverges in it): " + log);
        assertEquals(1, count("Study variant 2/3 'dropout=0.3': training in "), log.toString());
        assertEquals(1, count("Study variant 3/3 'learningRate=1e6' diverged: Training diverged"), log.toString());

        assertEquals(3, study.variants().size());
        assertEquals("diverged", study.variants().get(2).status());
        StudyResult.Variant winner = study.winnerVariant();
        assertNotNull(winner);
        for (StudyResult.Variant v : study.variants().subList(0, 2)) {
            assertEquals("trained", v.status());
            assertEquals(2, v.history().size());
            assertTrue(v.bestValidationAccuracy() <= winner.bestValidationAccuracy());
            assertEquals(v.finalTrainAccuracy() - v.finalValidationAccuracy(), v.trainValidationGap(), 1e-12);
            assertTrue(v.parameters() > 10_000 && v.seconds() > 0);
        }
        assertEquals(winner.fingerprint(), ModelMetadata.read(out.resolve("model.zip")).fingerprint(),
                "the output directory's model is the winner's");
        assertEquals(Files.readString(out.resolve("study").resolve(winner.directory()).resolve("history.json")),
                Files.readString(out.resolve("history.json")));
        assertEquals(Map.of("dropout", "default", "learningRate", "0.01"), study.base());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("  * " + winner.name())), "the winner is starred: " + log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Winner: '" + winner.name() + "' with validation accuracy")));

        StudyResult read = StudyResult.read(out.resolve(OutputDirectory.STUDY));
        assertEquals(study.winner(), read.winner());
        assertTrue(read.isWinner(request.baseFingerprint(), winner.fingerprint()));
        assertFalse(read.isWinner("another-configuration", winner.fingerprint()), "a changed base is stale");
        assertFalse(read.isWinner(request.baseFingerprint(), "another-model"));
        assertTrue(Freshness.model(new OutputDirectory(out), request.baseFingerprint()).upToDate(), "the winner is current");
        assertEquals(Freshness.Status.STALE, Freshness.model(new OutputDirectory(out), "another-configuration").status());

        log.clear();
        runner().run(request, SHAPES, null);
        assertEquals(0, log.stream().filter(l -> l.contains(": training in ")).count(),
                "a finished study retrains nothing, the diverged variant included: " + log);
        assertEquals(2, log.stream().filter(l -> l.contains("': already trained (fingerprint")).count(), log.toString());
        assertEquals(1, count("Study variant 3/3 'learningRate=1e6': already tried, it diverged"), log.toString());
        assertEquals(0, count("Epoch "), log.toString());
    }

    /** -Dcnn.gpus=1 reaches every variant's training, as it reaches train's. */
    @Test
    void everyVariantTrainsOnTheStudysDevices() throws Exception {
        StudyRequest base = request();
        ForkContext c = base.context();
        StudyRequest oneGpu = new StudyRequest(new ForkContext(c.dataset(), c.datasetSpec(), c.outputDirectory(), false, false,
                2, 1, null), base.spec(), base.variants(), base.baseFingerprint());
        for (StudyVariant variant : oneGpu.variants()) {
            assertEquals(1, StudyRunner.trainRequest(oneGpu, variant).context().gpus(), variant.name());
            assertNull(StudyRunner.trainRequest(base, variant).context().gpus(), "unset: every device");
        }
        assertEquals(3, oneGpu.variants().size());
    }

    /** cnn.pretrained in a study: every variant starts from the pretrained weights, frozen as configured. */
    @Test
    void everyVariantFineTunesThePretrainedModel() throws Exception {
        io.github.cnnmaven.training.TrainRequest source = new io.github.cnnmaven.training.TrainRequest(
                TrainingFixtures.context(SHAPES.prepared(), null, out.resolve("source")),
                TrainingFixtures.lenet5(1, Optimizer.ADAM, 0.003, null), "source-fp");
        new io.github.cnnmaven.training.Trainer(Console.silent()).train(source, SHAPES, null);
        TrainingConfig base = TrainingFixtures.lenet5(1, Optimizer.ADAM, 0.003, null).toBuilder().freezeEpochs(1).build();
        StudySpec spec = StudySpec.parse(null, Map.of("learningRate", "0.001"));
        List<StudyVariant> variants = StudyPlan.expand(base, spec, "synthetic|pretrained:source-fp", GIVEN);
        StudyResult study = runner().run(new StudyRequest(new ForkContext(SHAPES.prepared(), null, out.resolve("study-out"), false, false, 2, null, source.modelFile()), spec, variants, variants.get(0).fingerprint()), SHAPES, null);

        assertEquals(2, study.variants().size());
        assertEquals(2, count("Fine-tuning from " + source.modelFile() + " (cnn.pretrained: lenet5, fingerprint source-fp"),
                log.toString());
        assertEquals(2, count("Epochs 1-1 train only the classifier "), log.toString());
        assertNotNull(study.winnerVariant());
    }
}
