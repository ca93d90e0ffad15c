package io.github.cnnmaven.training;

import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.output.RunRecord;
import io.github.cnnmaven.output.TrainingHistory;
import io.github.cnnmaven.testing.TrainingFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cnn.gpus beyond one: DL4J's ParallelWrapper, tested with two workers on the CPU. */
class DataParallelTest {

    @TempDir
    Path temp;
    final List<String> infos = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final Console console = Console.of(infos::add, warnings::add);

    @Test
    void theBatchIsSplitAmongTheWorkersSoAnEpochHasTheStepsOfOneDevice() throws Exception {
        DataParallel.Plan plan = DataParallel.Plan.of(128, 2);
        assertEquals(64, plan.batchPerWorker());
        assertEquals(DataParallel.Plan.single(128).stepsPerEpoch(54_000), plan.stepsPerEpoch(54_000));
        assertEquals(422, plan.stepsPerEpoch(54_000));
        assertEquals(34, DataParallel.Plan.of(100, 3).batchPerWorker(), "rounded up: no image is left out of a step");
        InvalidConfigurationException tooSmall = assertThrows(InvalidConfigurationException.class,
                () -> DataParallel.Plan.of(2, 4));
        assertTrue(tooSmall.getMessage().contains("cnn.batchSize") && tooSmall.getMessage().contains("at least 4"),
                tooSmall.getMessage());
    }

    @Test
    void allMeansEveryGpuAndOneWorkerOnTheCpu() throws Exception {
        assertEquals(4, DataParallel.workers(null, true, 4, console));
        assertEquals(2, DataParallel.workers(2, true, 4, console));
        assertEquals(1, DataParallel.workers(null, false, 1, console));
        assertEquals(2, DataParallel.workers(2, false, 1, console));
        assertTrue(warnings.isEmpty(), warnings.toString());
        assertEquals(2, DataParallel.workers(8, true, 2, console), "no more workers than GPUs");
        assertEquals(List.of("cnn.gpus=8 but the machine has 2 GPUs: training on 2"), warnings);
        InvalidConfigurationException zero = assertThrows(InvalidConfigurationException.class,
                () -> DataParallel.workers(0, true, 2, console));
        assertTrue(zero.getMessage().contains("cnn.gpus"), zero.getMessage());
    }

    @Test
    void twoWorkersLearnAndWriteWhatOneWorkerWrites() throws Exception {
        TrainingConfig config = TrainingConfig.builder().network("lenet5").epochs(4).batchSize(32).validationSplit(0.2)
                .optimizer(Optimizer.ADAM).learningRate(0.003).schedule(Schedule.COSINE).build();
        TrainRequest one = new TrainRequest(new ForkContext(TrainingFixtures.SHAPES.prepared(), null, temp.resolve("one"), false, false, 2, 1, null), config, "fp");
        TrainRequest two = new TrainRequest(new ForkContext(TrainingFixtures.SHAPES.prepared(), null, temp.resolve("two"), false, false, 2, 2, null), config, "fp");
        Trainer.Result single = new Trainer(Console.of(s -> { }, s -> { })).train(one, TrainingFixtures.SHAPES, null);
        Trainer.Result parallel = new Trainer(console).train(two, TrainingFixtures.SHAPES, null);

        assertTrue(parallel.finished());
        assertTrue(infos.stream().anyMatch(l -> l.startsWith("Data-parallel training on 2 CPU workers")
                && l.endsWith("each takes 16 images of every batch of 32")), infos.toString());
        List<EpochRecord> history = parallel.history();
        assertEquals(4, history.size());
        assertTrue(history.get(3).trainLoss() < history.get(0).trainLoss(), "the loss falls: " + history);
        assertTrue(history.get(3).validationAccuracy() > 0.3, "well above chance (0.1): " + history);
        for (int i = 0; i < 4; i++) {
            // The schedule advances by the steps the workers took together, as on one device.
            assertEquals(single.history().get(i).learningRate(), history.get(i).learningRate(), 1e-9, "epoch " + (i + 1));
        }
        for (Path file : List.of(two.modelFile(), two.historyFile(), two.runFile())) {
            assertTrue(Files.isRegularFile(file), file + " written");
        }
        assertEquals("fp", ModelMetadata.read(two.modelFile()).fingerprint());
        assertEquals(4, TrainingHistory.read(two.historyFile()).epochs().size());
        assertEquals(2, RunRecord.read(two.runFile()).workers());
        assertEquals(1, RunRecord.read(one.runFile()).workers());
    }
}
