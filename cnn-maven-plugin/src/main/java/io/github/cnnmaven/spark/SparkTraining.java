package io.github.cnnmaven.spark;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.fork.Backend;
import io.github.cnnmaven.fork.SparkSettings;
import io.github.cnnmaven.output.ClusterRun;
import io.github.cnnmaven.training.ClusterTraining;
import io.github.cnnmaven.training.EpochProgress;
import io.github.cnnmaven.training.Framing;
import io.github.cnnmaven.training.TrainRequest;
import io.github.cnnmaven.training.TrainingInputs;
import io.github.cnnmaven.training.callback.BatchEnd;
import io.github.cnnmaven.training.callback.TrainingCallback;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Trains the {@link io.github.cnnmaven.training.Trainer}'s network on a Spark cluster with dl4j-spark's
 * {@link ParameterAveragingTrainingMaster}: each of the workers trains its own copy on {@code averagingPeriod}
 * mini-batches, then the driver averages parameters and updater state. One call of
 * {@link SparkComputationGraph#fit} is one averaging round, so the plugin's callbacks (divergence, budget,
 * weight averaging) run on the driver between rounds, and the epochs, checkpoints and best model stay the
 * trainer's. The training JVM is the driver; with {@code local[N]} it runs the executors too.
 */
final class SparkTraining implements ClusterTraining {

    private static final String EXECUTOR_OPTIONS = "spark.executor.extraJavaOptions";
    private static final String EXECUTOR_ENV = "spark.executorEnv.";
    /** The backend's options of the training JVM (Backend.jvmOptions) that its executors need too. */
    private static final List<String> BACKEND_PROPERTIES = List.of("org.bytedeco.javacpp.platform.extension",
            "org.eclipse.deeplearning4j.helpers.disable");

    private final SparkSettings settings;
    private final JavaSparkContext spark;
    private final TrainingConfig config;
    private final BatchLoader loader;
    private final int workers;
    private final int batch;
    private final ParameterAveragingTrainingMaster master;
    private final Console console;
    private final RoundCheckpoint checkpoint;
    private SparkComputationGraph cluster;
    private long rounds;
    private double roundSeconds;

    private SparkTraining(SparkSettings settings, JavaSparkContext spark, TrainingConfig config, BatchLoader loader,
                          int workers, int batch, RoundCheckpoint checkpoint, Console console) {
        this.settings = settings;
        this.spark = spark;
        this.config = config;
        this.loader = loader;
        this.workers = workers;
        this.batch = batch;
        this.console = console;
        this.checkpoint = checkpoint;
        this.master = new ParameterAveragingTrainingMaster.Builder(workers, batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(settings.averagingPeriod())
                .saveUpdater(true) // Adam's and momentum's state is averaged too, and carried to the next round
                .rddTrainingApproach(RDDTrainingApproach.Direct) // the batches are made on the executors, not exported
                .repartionData(Repartition.Never) // a round's tickets come in one partition per worker already
                .storageLevel(StorageLevel.MEMORY_ONLY_SER())
                .workerPrefetchNumBatches(2)
                .rngSeed(config.seed())
                .trainingHooks(new PluginLayersHook())
                .build();
    }

    /** Starts the Spark driver, writes or verifies the shards and checks that the executors can read them. */
    static SparkTraining open(TrainRequest request, TrainingInputs inputs, Console console) throws CnnException {
        SparkSettings settings = request.context().spark();
        TrainingConfig config = inputs.config();
        long started = System.nanoTime();
        String manifest = TrainingShards.prepare(settings.dataDir(), inputs.images(), settings.hadoopConf());
        console.info("Spark: the training images are shards in " + manifest.substring(0, manifest.lastIndexOf('/'))
                + " (cnn.spark.dataDir), verified in "
                + seconds(started) + " s");
        JavaSparkContext spark = new JavaSparkContext(sparkConf(settings, config, System.getenv()));
        try {
            int workers = settings.workers() != null ? settings.workers() : spark.defaultParallelism();
            int batch = settings.batchPerWorker(config.batchSize(), workers);
            int trainImages = inputs.split().train().length;
            if (trainImages < workers * batch) {
                throw InvalidConfigurationException.of("cnn.spark.workers", workers, "the " + trainImages + " training images"
                        + " fill fewer than " + workers + " batches of " + batch + ": use fewer workers or a smaller"
                        + " cnn.spark.batchPerWorker");
            }
            try {
                checkExecutorsRead(spark, manifest, settings.hadoopConf(), workers);
            } catch (RuntimeException e) {
                throw failed(settings, e);
            }
            Framing framing = Framing.forTraining(config.cropping(), inputs.images().height(), inputs.shape().height());
            BatchLoader loader = new BatchLoader(manifest, settings.hadoopConf(), inputs.normalizer(), config.augment(), framing,
                    config.labelSmoothing());
            console.info("Spark: training on " + settings.describe(workers, batch) + " (dl4j-spark parameter averaging; Spark "
                    + spark.version() + ", started in " + seconds(started) + " s)");
            // beside the trainer's checkpoint directory, which it clears when it starts without one
            RoundCheckpoint checkpoint = new RoundCheckpoint(request.output().root().resolve("spark-checkpoint"),
                    request.fingerprint());
            if (request.context().fresh()) {
                checkpoint.discard();
            }
            return new SparkTraining(settings, spark, config, loader, workers, batch, checkpoint, console);
        } catch (CnnException | RuntimeException e) {
            spark.close();
            throw e;
        }
    }

    /** Spark's settings for this training; {@code environment} is this JVM's, which the executors' OpenBLAS follows. */
    static SparkConf sparkConf(SparkSettings settings, TrainingConfig config, Map<String, String> environment) {
        SparkConf conf = new SparkConf().setMaster(settings.master()).setAppName("cnn-maven-plugin " + config.networkName());
        if (settings.isLocal()) {
            conf.set("spark.ui.enabled", "false"); // nothing to watch that the build log does not show
        } else {
            // The executors need this JVM's classes: the plugin, DL4J, ND4J and its native backend, Spark
            conf.set("spark.jars", String.join(",", classpathJars()));
        }
        for (Map.Entry<String, String> e : settings.conf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        if (!settings.isLocal()) {
            // the executors load the native build this JVM loads, with DL4J's oneDNN helpers as here
            String backend = BACKEND_PROPERTIES.stream().filter(key -> System.getProperty(key) != null)
                    .map(key -> "-D" + key + "=" + System.getProperty(key)).collect(java.util.stream.Collectors.joining(" "));
            conf.set(EXECUTOR_OPTIONS, (conf.get(EXECUTOR_OPTIONS, "") + " " + backend).trim());
            // and OpenBLAS's kernels as here (Backend.OPENBLAS_CORETYPE: its own choice on newer CPUs is SSE3's),
            // unless cnn.spark.conf names them for the executors' own CPUs
            String core = environment.get(Backend.OPENBLAS_CORETYPE);
            if (core != null && !conf.contains(EXECUTOR_ENV + Backend.OPENBLAS_CORETYPE)) {
                conf.setExecutorEnv(Backend.OPENBLAS_CORETYPE, core);
            }
        }
        return conf;
    }

    private static List<String> classpathJars() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.endsWith(".jar")).map(p -> Path.of(p).toUri().toString()).toList();
    }

    /** One task per worker reads the manifest: a data dir the executors cannot read fails here, naming the property. */
    private static void checkExecutorsRead(JavaSparkContext spark, String file, Map<String, String> hadoop, int workers)
            throws CnnException {
        List<Integer> tasks = IntStream.range(0, workers).boxed().toList();
        List<Boolean> readable = spark.parallelize(tasks, workers).map(i -> TrainingShards.readable(file, hadoop)).collect();
        if (readable.contains(false)) {
            throw new InvalidConfigurationException("cnn.spark.dataDir: " + readable.stream().filter(r -> !r).count() + " of "
                    + workers + " executors cannot read " + file + ". Name a directory that every executor mounts at the"
                    + " same path (a shared disk or NFS) or a file system they all reach (hdfs://namenode/path), or run on"
                    + " one host.");
        }
    }

    @Override
    public double fitEpoch(ComputationGraph graph, int[] order, int epoch, List<TrainingCallback> callbacks,
                           EpochProgress progress) throws CnnException {
        if (cluster == null || cluster.getNetwork() != graph) {
            cluster = new SparkComputationGraph(spark, graph, master);
        }
        int perRound = workers * settings.averagingPeriod() * batch;
        RoundCheckpoint.State resumed = checkpoint.resume(epoch, graph, console);
        double lossSum = resumed == null ? 0 : resumed.lossSum();
        int round = resumed == null ? 0 : resumed.rounds();
        for (int start = resumed == null ? 0 : resumed.nextImage(); start < order.length; start += perRound) {
            long roundStart = System.nanoTime();
            int end = Math.min(order.length, start + perRound);
            List<BatchLoader.Ticket> tickets = new ArrayList<>();
            for (int b = start; b < end; b += batch) {
                // seeded by epoch and position: the same run augments the same way, resumed or not
                tickets.add(new BatchLoader.Ticket(Arrays.copyOfRange(order, b, Math.min(end, b + batch)),
                        config.seed() * 1_000_003L + epoch * 65_537L + b));
            }
            JavaRDD<DataSet> data = spark.parallelize(tickets, Math.min(workers, tickets.size())).map(loader);
            try {
                cluster.fit(data);
            } catch (RuntimeException e) {
                throw failed(settings, e);
            }
            spark.getPersistentRDDs().values().forEach(rdd -> rdd.unpersist(false)); // the round's cached batches
            // the workers' mean score less the penalty of the averaged weights, as the one-JVM loop reports it
            double loss = cluster.getScore() - graph.calcRegularizationScore(true);
            round++;
            rounds++;
            roundSeconds += (System.nanoTime() - roundStart) / 1e9;
            BatchEnd batchEnd = new BatchEnd(epoch, round, loss, graph);
            for (TrainingCallback callback : callbacks) {
                callback.afterBatch(batchEnd);
            }
            lossSum += loss;
            progress.update(end);
            if (end < order.length) {
                checkpoint.afterRound(graph, new RoundCheckpoint.State(checkpoint.fingerprint(), epoch, end, round, lossSum));
            }
        }
        return lossSum / Math.max(1, round);
    }

    /**
     * A job the cluster could not run, in words that say where to look: Spark's own message names the first
     * failure (an executor that did not start, a task's exception); the executors' logs hold the rest.
     */
    static CnnException failed(SparkSettings settings, RuntimeException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return new CnnException("Training on Spark (cnn.spark.master=" + settings.master() + ") failed: " + message
                + (settings.isLocal() ? "" : ". The executors' logs are in the workers' work directories (the master's web"
                + " page links them)"), e);
    }

    @Override
    public ClusterRun describe() {
        return new ClusterRun("spark", settings.master(), workers, batch, settings.averagingPeriod(), rounds,
                rounds == 0 ? 0 : roundSeconds / rounds);
    }

    @Override
    public void close() {
        spark.close();
    }

    private static String seconds(long since) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - since) / 1e9);
    }
}
