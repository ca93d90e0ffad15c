package io.github.cnnmaven.spark;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.FaultPoints;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetKind;
import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.download.ArchiveExtractor;
import io.github.cnnmaven.fork.ForkConfiguration;
import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.fork.ForkedJvm;
import io.github.cnnmaven.fork.SparkRuntime;
import io.github.cnnmaven.fork.SparkSettings;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.testing.SyntheticDatasets;
import io.github.cnnmaven.testing.TrainingFixtures;
import io.github.cnnmaven.training.TrainMain;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of the Spark driver (the training JVM) in the middle of an epoch, as fault injection halts it once its
 * first round checkpoint is in place: the next build resumes the epoch after that round and ends where a run
 * that was never killed ends.
 */
class SparkKillTest {

    @TempDir
    Path temp;

    @Test
    void aDriverKilledMidEpochResumesAfterItsLastAveragingRound() throws Exception {
        Path archive = temp.resolve("cifar.tar.gz");
        SyntheticDatasets.writeCifar10Archive(archive, 30, 3, 5);
        Path dir = Files.createDirectories(temp.resolve("cifar"));
        new ArchiveExtractor().extract(archive, dir);
        PreparedDataset prepared = new PreparedDataset(DatasetKind.CIFAR10, dir, "synthetic-spark-kill", "test");
        DatasetSpec spec = new DatasetSpec(DatasetKind.CIFAR10, null, null, null, 32, false, temp.resolve("cache"),
                DatasetSpec.ALL, DatasetSpec.ALL, 0.2, 42, false);
        LoadedDataset loaded = new DatasetService(null, Console.silent()).load(prepared, spec);
        // 240 training images, 2 workers × 1 batch × 16 images a round: 8 rounds an epoch
        SparkSettings spark = SparkSettings.of("local[2]", 2, 16, 1, temp.resolve("shards").toString(), "spark.driver.host=127.0.0.1");
        TrainingConfig config = TrainingFixtures.lenet5(2, Optimizer.ADAM, 0.003, null);

        List<EpochRecord> whole = new Trainer(Console.silent()).train(new TrainRequest(new ForkContext(prepared, spec,
                temp.resolve("whole"), false, false, 2, null, null, spark), config, "fp"), loaded, null).history();

        TrainRequest killed = new TrainRequest(new ForkContext(prepared, spec, temp.resolve("killed"), false, false, 2, null,
                null, spark), config, "fp");
        CnnException e = assertThrows(CnnException.class, () -> forkKilledAtFirstRoundCheckpoint(killed));
        assertTrue(e.getMessage().contains("killed by SIGKILL"), e.getMessage());
        Path roundFile = killed.output().root().resolve("spark-checkpoint").resolve(RoundCheckpoint.FILE);
        assertTrue(Files.isRegularFile(roundFile), "the round checkpoint was in place");
        assertTrue(!Files.exists(killed.modelFile()), "no model from a killed build");

        List<String> log = new ArrayList<>();
        List<EpochRecord> resumed = new Trainer(Console.of(log::add, log::add)).train(killed, loaded, null).history();
        assertTrue(log.contains("Resuming epoch 1 after its averaging round 1 (" + roundFile + ")"), log.toString());
        assertEquals(2, resumed.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(whole.get(i).trainLoss(), resumed.get(i).trainLoss(), 1e-4, "epoch " + (i + 1));
            assertEquals(whole.get(i).validationAccuracy(), resumed.get(i).validationAccuracy(), 1e-4, "epoch " + (i + 1));
        }
    }

    /** The training JVM as the train goal forks it, with round checkpoints after every round, halted at the first. */
    private static void forkKilledAtFirstRoundCheckpoint(TrainRequest request) throws CnnException {
        Path out = request.output().root();
        Path requestFile = out.resolve("kill-request.json");
        Json.write(requestFile, request);
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        List<String> options = new ArrayList<>(SparkRuntime.jvmOptions());
        options.addAll(List.of("-Xmx1g", "-D" + RoundCheckpoint.INTERVAL_PROPERTY + "=0",
                "-D" + FaultPoints.PROPERTY + "=after-rename:" + RoundCheckpoint.FILE));
        ForkedJvm.run(new ForkConfiguration(classpath, options, TrainingFixtures.sameNativeThreads(), TrainMain.class.getName(),
                "test"), List.of(requestFile.toString()), out.resolve("kill.args"), Console.silent());
    }
}
