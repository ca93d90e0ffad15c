package io.github.cnnmaven.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.evaluation.EvaluateRequest;
import io.github.cnnmaven.evaluation.Evaluator;
import io.github.cnnmaven.testing.TrainingFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same seed, machine, backend and thread count give the same history.json and evaluation.json, value for
 * value: every source of randomness (split, shuffling, augmentation, dropout, initialisation) is seeded, and
 * the CPU kernels reduce in a fixed order. Only the clock-derived fields (seconds, images/s) differ.
 */
class DeterminismTest {

    @TempDir
    Path temp;

    private static final LoadedDataset DATA = TrainingFixtures.SHAPES;

    /** The seeded steps at once: split, shuffling, initialisation, flip, dropout; with batch norm. */
    private static TrainingConfig recipe(long seed) {
        return TrainingConfig.builder().network("lenet5").epochs(4).batchSize(32).validationSplit(0.2).seed(seed)
                .optimizer(Optimizer.ADAM).learningRate(0.003).dropout(0.1)
                .augment(List.of(Augment.FLIP)).build();
    }

    /** history.json and evaluation.json of one run, without the fields the clock decides. */
    private JsonNode[] run(TrainingConfig config, String name) throws Exception {
        Path dir = temp.resolve(name);
        TrainRequest train = new TrainRequest(TrainingFixtures.context(DATA.prepared(), null, dir), config, "fp");
        new Trainer(Console.silent()).train(train, DATA, null);
        JsonNode history = Json.MAPPER.readTree(train.historyFile().toFile());
        for (JsonNode epoch : history.get("epochs")) {
            ((ObjectNode) epoch).remove(List.of("seconds", "imagesPerSecond"));
        }
        JsonNode evaluation = Json.MAPPER.valueToTree(new Evaluator(Console.silent())
                .evaluate(new EvaluateRequest(TrainingFixtures.context(DATA.prepared(), null, dir), train.modelFile(), 5), DATA));
        return new JsonNode[] {history, evaluation};
    }

    @Test
    void theSameSeedGivesTheSameHistoryAndEvaluationValueForValue() throws Exception {
        JsonNode[] first = run(recipe(7), "first");
        JsonNode[] second = run(recipe(7), "second");
        assertEquals(4, first[0].get("epochs").size());
        // a run that learns: twice chance on 80 validation images, and a falling training loss
        assertTrue(first[0].get("bestValidationAccuracy").asDouble() >= 0.2, "chance is 0.1: " + first[0]);
        assertTrue(first[0].get("epochs").get(3).get("trainLoss").asDouble() < 0.8 * first[0].get("epochs").get(0).get("trainLoss").asDouble(),
                "the training loss falls: " + first[0]);
        assertEquals(first[0], second[0], "history.json");
        assertEquals(first[1], second[1], "evaluation.json");

        // and the comparison can fail: another seed is another run
        assertNotEquals(first[0].get("epochs"), run(recipe(8), "other")[0].get("epochs"));
    }
}
