package io.github.cnnmaven.spark;

import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.fork.SparkSettings;
import io.github.cnnmaven.output.ClusterRun;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.output.RunRecord;
import io.github.cnnmaven.output.TrainingHistory;
import io.github.cnnmaven.testing.TrainingFixtures;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training on Spark in local[2]: the same trainer, its epochs' steps run by dl4j-spark's parameter averaging. */
class SparkTrainingTest {

    @TempDir
    Path temp;
    final List<String> infos = new ArrayList<>();
    final Console console = Console.of(infos::add, infos::add);

    private TrainRequest request(String dir, TrainingConfig config, SparkSettings spark) {
        return new TrainRequest(new ForkContext(TrainingFixtures.SHAPES.prepared(), null, temp.resolve(dir), false, false, 2,
                null, null, spark), config, "fp-" + dir);
    }

    private SparkSettings local2(Integer workers, int period) throws InvalidConfigurationException {
        // a Hadoop file system URI: the path executors on other hosts would take too
        return SparkSettings.of("local[2]", workers, null, period, temp.resolve("shards").toUri().toString(),
                "spark.driver.host=127.0.0.1");
    }

    @Test
    void localTwoLearnsTheFixtureAsTheOneJvmTrainerDoesAndSaysWhereItTrained() throws Exception {
        TrainingConfig config = TrainingConfig.builder().network("lenet5").epochs(6).batchSize(32).validationSplit(0.2)
                .optimizer(Optimizer.ADAM).learningRate(0.003).schedule(Schedule.COSINE).augment(List.of(Augment.FLIP))
                .build();
        Trainer.Result local = new Trainer(Console.of(s -> { }, s -> { })).train(request("local", config, null),
                TrainingFixtures.SHAPES, null);
        TrainRequest onSpark = request("spark", config, local2(2, 2));
        Trainer.Result spark = new Trainer(console).train(onSpark, TrainingFixtures.SHAPES, null);

        assertTrue(spark.finished());
        assertTrue(infos.stream().anyMatch(l -> l.startsWith("Spark: training on local[2], 2 workers of 16 images a batch,"
                + " averaged every 2 batches")), infos.toString());
        List<EpochRecord> history = spark.history();
        assertEquals(6, history.size());
        assertTrue(history.get(5).trainLoss() < history.get(0).trainLoss(), "the loss falls: " + history);
        double best = history.stream().mapToDouble(EpochRecord::validationAccuracy).max().orElseThrow();
        double localBest = local.history().stream().mapToDouble(EpochRecord::validationAccuracy).max().orElseThrow();
        assertTrue(best > 0.4, "well above chance (0.1): " + history);
        assertTrue(best > localBest - 0.15, "within a few points of one JVM's " + localBest + ": " + best);

        for (Path file : List.of(onSpark.modelFile(), onSpark.historyFile(), onSpark.runFile())) {
            assertTrue(Files.isRegularFile(file), file + " written");
        }
        assertEquals("fp-spark", ModelMetadata.read(onSpark.modelFile()).fingerprint());
        assertEquals(6, TrainingHistory.read(onSpark.historyFile()).epochs().size());
        RunRecord run = RunRecord.read(onSpark.runFile());
        assertEquals("spark", run.engine());
        ClusterRun cluster = run.cluster();
        assertEquals("local[2]", cluster.master());
        assertEquals(2, cluster.workers());
        assertEquals(16, cluster.batchPerWorker());
        // 320 training images a epoch, 2 workers × 2 batches × 16 images a round: 5 rounds an epoch
        assertEquals(30, cluster.rounds());
        assertTrue(cluster.secondsPerRound() > 0);
        assertEquals("local", RunRecord.read(request("local", config, null).runFile()).engine());
    }

    /** A study trains every variant on the cluster, one after another, and keeps the winner as on one machine. */
    @Test
    void aStudyTrainsEveryVariantOnSpark() throws Exception {
        io.github.cnnmaven.config.LearningRate given = new io.github.cnnmaven.config.LearningRate.Fixed(0.003);
        TrainingConfig base = TrainingConfig.builder().network("lenet5").epochs(2).batchSize(32).validationSplit(0.2)
                .optimizer(Optimizer.ADAM).learningRate(0.003).build();
        io.github.cnnmaven.study.StudySpec spec = io.github.cnnmaven.study.StudySpec.parse(null,
                Map.of("learningRate", "0.003,0.001"));
        List<io.github.cnnmaven.study.StudyVariant> variants = io.github.cnnmaven.study.StudyPlan.expand(base, spec,
                "synthetic", given);
        io.github.cnnmaven.study.StudyRequest study = new io.github.cnnmaven.study.StudyRequest(new ForkContext(
                TrainingFixtures.SHAPES.prepared(), null, temp.resolve("study"), false, false, 2, null, null, local2(2, 2)),
                spec, variants, variants.get(0).fingerprint());
        io.github.cnnmaven.output.StudyResult result = new io.github.cnnmaven.study.StudyRunner(console).run(study,
                TrainingFixtures.SHAPES, null);

        assertEquals(2, infos.stream().filter(l -> l.startsWith("Spark: training on local[2]")).count(), infos.toString());
        for (io.github.cnnmaven.study.StudyVariant variant : variants) {
            Path run = new io.github.cnnmaven.output.OutputDirectory(study.studyDirectory().resolve(variant.directory())).runFile();
            assertEquals("spark", RunRecord.read(run).engine(), variant.name());
        }
        assertTrue(variants.stream().anyMatch(v -> v.name().equals(result.winner())), result.winner());
        assertTrue(Files.isRegularFile(temp.resolve("study").resolve("model.zip")), "the winner is the output's model");
    }

    /** The driver killed after an epoch: the next build resumes from the checkpoint and ends as one that was not. */
    @Test
    void aKilledDriverResumesFromTheCheckpointAsIfUninterrupted() throws Exception {
        TrainingConfig config = TrainingConfig.builder().network("lenet5").epochs(3).batchSize(32).validationSplit(0.2)
                .optimizer(Optimizer.ADAM).learningRate(0.003).augment(List.of(Augment.FLIP)).build();
        Trainer.Result whole = new Trainer(console).train(request("whole", config, local2(2, 2)), TrainingFixtures.SHAPES, null);

        TrainRequest killed = request("killed", config, local2(2, 2));
        Trainer.Result first = new Trainer(console).train(killed, TrainingFixtures.SHAPES, r -> r.epoch() < 2);
        assertTrue(!first.finished() && !Files.exists(killed.modelFile()), "stopped after epoch 2, as a kill would");
        infos.clear();
        Trainer.Result rest = new Trainer(console).train(killed, TrainingFixtures.SHAPES, null);
        assertTrue(infos.contains("Resuming from the checkpoint after epoch 2 of 3 ("
                + killed.checkpointDirectory().resolve("last.zip") + ")"), infos.toString());
        assertEquals(3, rest.history().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(whole.history().get(i).trainLoss(), rest.history().get(i).trainLoss(), 1e-4, "epoch " + (i + 1));
            assertEquals(whole.history().get(i).validationAccuracy(), rest.history().get(i).validationAccuracy(), 1e-4,
                    "epoch " + (i + 1));
        }
        assertEquals(5, RunRecord.read(killed.runFile()).cluster().rounds(), "the resumed process ran epoch 3 alone");
    }

    @Test
    void moreWorkersThanTheDataFillsFailNamingTheProperty() throws Exception {
        TrainingConfig config = TrainingConfig.builder().network("lenet5").epochs(1).batchSize(32).build();
        SparkSettings tooMany = SparkSettings.of("local[2]", 12, 32, 1, temp.resolve("shards").toString(), null);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new Trainer(console).train(request("many", config, tooMany), TrainingFixtures.SHAPES, null));
        assertTrue(e.getMessage().startsWith("Invalid value '12' for cnn.spark.workers: the 360 training images fill fewer"
                + " than 12 batches of 32"), e.getMessage());
    }

    @Test
    void shardsAreReusedWhenTheyVerifyAndWrittenAgainWhenOneIsDamaged() throws Exception {
        String dir = temp.resolve("data").toString();
        Path manifest = Path.of(TrainingShards.prepare(dir, TrainingFixtures.SHAPES.train(), Map.of()));
        TrainingShards.Manifest written = io.github.cnnmaven.common.Json.read(manifest, TrainingShards.Manifest.class);
        assertEquals(400, written.count());
        Path shard = manifest.resolveSibling(written.shards().get(0).file());
        long modified = Files.getLastModifiedTime(shard).toMillis();
        Thread.sleep(20);
        assertEquals(manifest.toString(), TrainingShards.prepare(dir, TrainingFixtures.SHAPES.train(), Map.of()));
        assertEquals(modified, Files.getLastModifiedTime(shard).toMillis(), "an intact shard is not written again");

        byte[] bytes = Files.readAllBytes(shard);
        bytes[100] ^= 1;
        Files.write(shard, bytes);
        org.apache.hadoop.fs.Path hadoopDir = new org.apache.hadoop.fs.Path(manifest.getParent().toString());
        org.apache.hadoop.fs.FileSystem fs = TrainingShards.fileSystem(hadoopDir, Map.of());
        assertEquals("images-00000.bin does not match its SHA-256", TrainingShards.verify(fs, hadoopDir, written));
        TrainingShards.prepare(dir, TrainingFixtures.SHAPES.train(), Map.of());
        assertEquals(null, TrainingShards.verify(fs, hadoopDir, written), "the damaged shard was written again");
        try (var files = Files.list(manifest.getParent())) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(".") || name.endsWith(".crc")).toList(), "no temporaries, no .crc files");
        }

        String other = TrainingShards.prepare(dir, TrainingFixtures.shapes(2).train(), Map.of());
        assertTrue(!other.equals(manifest.toString()), "other images, other shards");
        assertTrue(TrainingShards.readable(other, Map.of()));
        assertTrue(!TrainingShards.readable(temp.resolve("nowhere/manifest.json").toString(), Map.of()));
    }

    @Test
    void executorsOnAClusterGetTheDriversBackendAndOpenBlasKernelsUnlessTheConfNamesThem() {
        TrainingConfig config = TrainingConfig.builder().network("lenet5").epochs(1).build();
        Map<String, String> driver = Map.of("OPENBLAS_CORETYPE", "SkylakeX");
        String key = "spark.executorEnv.OPENBLAS_CORETYPE";
        SparkSettings cluster = new SparkSettings("spark://10.0.0.5:7077", 2, null, 5, temp.toString(), Map.of());
        assertEquals("SkylakeX", SparkTraining.sparkConf(cluster, config, driver).get(key));
        assertEquals(false, SparkTraining.sparkConf(cluster, config, Map.of()).contains(key), "nothing to pass on");

        SparkSettings named = new SparkSettings("spark://10.0.0.5:7077", 2, null, 5, temp.toString(), Map.of(key, "Haswell"));
        assertEquals("Haswell", SparkTraining.sparkConf(named, config, driver).get(key), "cnn.spark.conf wins");

        SparkSettings local = new SparkSettings("local[2]", 2, null, 5, temp.toString(), Map.of());
        assertEquals(false, SparkTraining.sparkConf(local, config, driver).contains(key), "local executors are this JVM");
    }

    @Test
    void settingsAreCheckedBeforeAnyWorkNamingTheProperty() throws Exception {
        String temp = this.temp.toString();
        assertEquals(null, SparkSettings.of(null, null, null, null, temp, null));
        assertMessage("cnn.spark.master", () -> SparkSettings.of("local[two]", null, null, null, temp, null));
        assertMessage("cnn.spark.master", () -> SparkSettings.of("http://host:7077", null, null, null, temp, null));
        assertMessage("cnn.spark.workers", () -> SparkSettings.of("local[2]", 0, null, null, temp, null));
        assertMessage("cnn.spark.averagingPeriod", () -> SparkSettings.of("local[2]", null, null, 0, temp, null));
        assertMessage("cnn.spark.batchPerWorker", () -> SparkSettings.of("local[2]", null, -1, null, temp, null));
        assertMessage("cnn.spark.conf", () -> SparkSettings.of("local[2]", null, null, null, temp, "executor.memory=4g"));
        assertMessage("cnn.spark.conf", () -> SparkSettings.of("local[2]", null, null, null, temp, "spark.master=local"));
        assertEquals(null, SparkSettings.of(" ", 2, 16, 5, temp, "spark.executor.memory=4g"),
                "a POM's cluster settings wait unused until cnn.spark.master names the cluster");

        SparkSettings s = SparkSettings.of(" spark://127.0.0.1:7077 ", 4, null, null, temp, "spark.executor.memory=4g,"
                + " spark.executor.cores = 2");
        assertEquals("spark://127.0.0.1:7077", s.master());
        assertEquals(Map.of("spark.executor.memory", "4g", "spark.executor.cores", "2"), s.conf());
        assertEquals(SparkSettings.DEFAULT_AVERAGING_PERIOD, s.averagingPeriod());
        assertEquals(32, s.batchPerWorker(128, 4));
        assertEquals(2, SparkSettings.of("local[2]", null, null, null, temp, null).localThreads());
        assertEquals("hdfs://namenode:8020/cnn", SparkSettings.of("local[2]", null, null, null, "hdfs://namenode:8020/cnn",
                null).dataDir(), "a file system URI as it is");
        assertEquals(Path.of("shards").toAbsolutePath().toString(), SparkSettings.of("local[2]", null, null, null, "shards",
                null).dataDir(), "a path made absolute");
        assertEquals(Map.of("fs.s3a.endpoint", "http://127.0.0.1:9000"), SparkSettings.of("local[2]", null, null, null, temp,
                "spark.executor.memory=1g,spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000").hadoopConf());
        // nothing listens on port 1 of this machine
        InvalidConfigurationException unreachable = assertThrows(InvalidConfigurationException.class,
                () -> SparkSettings.of("spark://127.0.0.1:1", null, null, null, temp, null).checkReachable());
        assertTrue(unreachable.getMessage().startsWith("cnn.spark.master spark://127.0.0.1:1 cannot be reached"),
                unreachable.getMessage());
    }

    private static void assertMessage(String property, org.junit.jupiter.api.function.Executable call) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, call);
        assertTrue(e.getMessage().contains(property), e.getMessage());
    }
}
