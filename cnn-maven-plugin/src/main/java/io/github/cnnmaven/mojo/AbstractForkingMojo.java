package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.TrainingSlots;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.fork.BackendChoice;
import io.github.cnnmaven.fork.CudaRuntime;
import io.github.cnnmaven.fork.SparkSettings;
import io.github.cnnmaven.workflow.ForkRunner;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Goals that run DL4J work (training, evaluation) in the forked JVM with the host's backend. */
public abstract class AbstractForkingMojo extends AbstractDatasetMojo {

    /** auto, cpu or cuda. */
    @Parameter(property = "cnn.backend", defaultValue = "auto")
    protected String backend;

    /** Threads for the numeric backend; all cores by default. */
    @Parameter(property = "cnn.threads")
    protected Integer threads;

    /** JVM options for the forked training JVM, such as -Xmx8g or -Dorg.bytedeco.javacpp.maxbytes=6G; quotes group words. */
    @Parameter(property = "cnn.argLine")
    protected String argLine;

    /**
     * Trainings (train, find-lr, evaluate, study) that may run on this machine at once; more wait their
     * turn. Side by side they share the cores (cnn.threads defaults to the cores divided by this).
     */
    @Parameter(property = "cnn.concurrentTrainings", defaultValue = "1")
    protected int concurrentTrainings = 1;

    /**
     * Where the CUDA 11.6 and cuDNN 8.3 libraries come from: system (installed on the machine) or bundled
     * (NVIDIA's redistributable through Maven, about 1.8 GB once; for machines with a newer CUDA or none).
     */
    @Parameter(property = "cnn.cudaRuntime", defaultValue = "system")
    protected String cudaRuntime;

    /**
     * How many GPUs to train on at once: all (the default) or a number. Beyond one, DL4J's ParallelWrapper
     * trains a copy on each and averages them after every step; cnn.batchSize is split among them. On the
     * CPU a number above 1 runs that many workers on the cores: the same code path, for testing it.
     */
    @Parameter(property = "cnn.gpus", defaultValue = "all")
    protected String gpus;

    /**
     * Train (train and study goals) on this Apache Spark cluster with dl4j-spark's synchronous parameter
     * averaging: local[N], spark://host:port, yarn or k8s://... Unset: train on this machine.
     */
    @Parameter(property = "cnn.spark.master")
    protected String sparkMaster;

    /** With cnn.spark.master: the models trained side by side; by default Spark's default parallelism. */
    @Parameter(property = "cnn.spark.workers")
    protected Integer sparkWorkers;

    /** With cnn.spark.master: each worker's mini-batch; by default cnn.batchSize divided by the workers. */
    @Parameter(property = "cnn.spark.batchPerWorker")
    protected Integer sparkBatchPerWorker;

    /** With cnn.spark.master: the mini-batches each worker trains between two averagings of the parameters (5). */
    @Parameter(property = "cnn.spark.averagingPeriod")
    protected Integer sparkAveragingPeriod;

    /**
     * With cnn.spark.master: a directory every executor can read, where the training images are written as shards:
     * a path (a shared disk) or a Hadoop file system URI (hdfs://namenode/path).
     */
    @Parameter(property = "cnn.spark.dataDir", defaultValue = "${user.home}/.cnn/spark-data")
    protected String sparkDataDir;

    /** With cnn.spark.master: Spark settings passed through, comma-separated key=value pairs (spark.executor.memory=4g). */
    @Parameter(property = "cnn.spark.conf")
    protected String sparkConf;

    @Component
    protected RepositorySystem repositorySystem;

    /** Runs forks with this plugin's classes plus the backend resolved through Maven. */
    protected ForkRunner forks() throws CnnException {
        return new ForkRunner(this::pluginClasspath, new BackendResolver(repositorySystem, session, project,
                plugin == null ? List.of() : plugin.getArtifacts()), forkSettings(), console());
    }

    protected ForkRunner.Settings forkSettings() throws InvalidConfigurationException {
        return new ForkRunner.Settings(Choice.parse(BackendChoice.class, backend == null ? "auto" : backend, "cnn.backend"),
                threads, argLine, concurrentTrainings, TrainingSlots.defaultDirectory(), lockTimeout(),
                Choice.parse(CudaRuntime.class, cudaRuntime == null ? "system" : cudaRuntime, "cnn.cudaRuntime"),
                gpuCount(), SparkSettings.of(sparkMaster, sparkWorkers, sparkBatchPerWorker, sparkAveragingPeriod,
                        sparkDataDir(), sparkConf));
    }

    /** {@code cnn.spark.dataDir}, a relative path taken from the project's directory as Maven takes file parameters. */
    private String sparkDataDir() {
        if (sparkDataDir == null || sparkDataDir.contains(":/") || project == null || Path.of(sparkDataDir).isAbsolute()) {
            return sparkDataDir;
        }
        return project.getBasedir().toPath().resolve(sparkDataDir).toString();
    }

    /** {@code cnn.gpus}: null for all. */
    private Integer gpuCount() throws InvalidConfigurationException {
        if (gpus == null || gpus.isBlank() || gpus.trim().equalsIgnoreCase("all")) {
            return null;
        }
        try {
            return Integer.valueOf(gpus.trim());
        } catch (NumberFormatException e) {
            throw InvalidConfigurationException.of("cnn.gpus", gpus, "use all, or a number of GPUs from 1");
        }
    }

    private List<Path> pluginClasspath() throws CnnException {
        List<Path> paths = new ArrayList<>();
        for (URL url : plugin.getClassRealm().getURLs()) {
            try {
                paths.add(Path.of(url.toURI()));
            } catch (URISyntaxException e) {
                throw new CnnException("Unexpected plugin classpath entry " + url, e);
            }
        }
        return paths;
    }
}
