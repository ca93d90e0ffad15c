package io.github.cnnmaven.lrfinder;

import io.github.cnnmaven.config.Optimizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.output.LrFinderResult;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.testing.TrainingFixtures;
import io.github.cnnmaven.training.ModelFile;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LrFinderTest {

    @TempDir
    Path temp;

    static final LrFinder.Settings SWEEP = new LrFinder.Settings(1e-7, 10, 100, LrMethod.VALLEY);

    LrFinderResult find(TrainingConfig config, Path dir) throws Exception {
        return new LrFinder(Console.silent()).find(config, TrainingFixtures.SHAPES, SWEEP, "fp", dir, null);
    }

    @Test
    void suggestsAUsableRateForAdamAndStopsEarlyOnDivergence() throws Exception {
        LrFinderResult r = find(TrainingFixtures.lenet5(1, Optimizer.ADAM, 1.0, null), temp);
        assertTrue(r.suggestion() >= 1e-4 && r.suggestion() <= 1, "suggestion " + r.suggestion());
        assertTrue(r.stoppedEarly(), "an Adam sweep up to 10 diverges before its end");
        assertTrue(r.points().size() < 100);
        JsonNode json = new ObjectMapper().readTree(temp.resolve(OutputDirectory.LR_FINDER).toFile());
        assertEquals(r.suggestion(), json.get("suggestion").asDouble(), 0);
        assertEquals("valley", json.get("method").asText());
        assertTrue(json.get("points").get(0).has("smoothedLoss"));
    }

    @Test
    void suggestsAUsableRateForSgdWithMomentum() throws Exception {
        LrFinderResult r = find(TrainingFixtures.lenet5(1, Optimizer.NESTEROV, 1.0, null), temp);
        assertTrue(r.suggestion() >= 1e-4 && r.suggestion() <= 1, "suggestion " + r.suggestion());
    }

    /** With cnn.pretrained the sweep starts from the pretrained weights (a different network is refused, naming its layer). */
    @Test
    void sweepsFromThePretrainedWeights() throws Exception {
        TrainRequest source = new TrainRequest(TrainingFixtures.context(TrainingFixtures.SHAPES.prepared(), null, temp.resolve("source")), TrainingFixtures.lenet5(3, Optimizer.ADAM, 0.003, null), "source-fp");
        new Trainer(Console.silent()).train(source, TrainingFixtures.SHAPES, null);
        java.util.List<String> log = new java.util.ArrayList<>();
        TrainingConfig frozen = TrainingFixtures.lenet5(1, Optimizer.ADAM, 1.0, null).toBuilder().freezeEpochs(1).build();

        LrFinderResult r = new LrFinder(Console.of(log::add, log::add)).find(frozen, TrainingFixtures.SHAPES, SWEEP, "fp",
                temp.resolve("sweep"), source.modelFile());

        assertTrue(r.suggestion() >= 1e-5 && r.suggestion() <= 1, "suggestion " + r.suggestion());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("find-lr: sweeping from the weights of " + source.modelFile()
                + " (cnn.pretrained; ") && l.endsWith(", training only the classifier as the frozen epochs do"
                + " (cnn.freezeEpochs)")), log.toString());
        TrainingConfig otherKernel = frozen.toBuilder().kernelSize(5).build();
        io.github.cnnmaven.common.CnnException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.cnnmaven.common.CnnException.class, () -> new LrFinder(Console.silent()).find(otherKernel,
                        TrainingFixtures.SHAPES, SWEEP, "fp", temp.resolve("other"), source.modelFile()));
        assertTrue(e.getMessage().startsWith("Layer conv1 differs from the pretrained model's"), e.getMessage());
    }

    /** The sweep runs on its own copy: training afterwards is exactly training alone. */
    @Test
    void sweepingFirstLeavesTrainingUntouched() throws Exception {
        TrainingConfig config = TrainingFixtures.lenet5(2, Optimizer.ADAM, 0.003, null);
        TrainRequest alone = new TrainRequest(TrainingFixtures.context(TrainingFixtures.SHAPES.prepared(), null, temp.resolve("alone")), config, "fp");
        new Trainer(Console.silent()).train(alone, TrainingFixtures.SHAPES, null);

        find(config, temp);
        TrainRequest after = new TrainRequest(TrainingFixtures.context(TrainingFixtures.SHAPES.prepared(), null, temp.resolve("after")), config, "fp");
        new Trainer(Console.silent()).train(after, TrainingFixtures.SHAPES, null);
        assertEquals(ModelFile.readGraph(alone.modelFile(), false).params(), ModelFile.readGraph(after.modelFile(), false).params());
    }
}
