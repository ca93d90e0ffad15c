package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.InvalidConfigurationException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how {@code train} and {@code study} train on an Apache Spark cluster ({@code cnn.spark.*}):
 * dl4j-spark's synchronous parameter averaging, driven from the training JVM.
 *
 * @param master          {@code cnn.spark.master}: {@code local[N]}, {@code spark://host:port}, {@code yarn}, {@code k8s://…}
 * @param workers         {@code cnn.spark.workers}: models trained side by side; null for the cluster's default parallelism
 * @param batchPerWorker  {@code cnn.spark.batchPerWorker}: each worker's mini-batch; null for cnn.batchSize / workers
 * @param averagingPeriod {@code cnn.spark.averagingPeriod}: mini-batches each worker trains between two averagings
 * @param dataDir         {@code cnn.spark.dataDir}: where the training images are written as shards that every executor
 *                        reads: an absolute path, or a Hadoop file system URI such as {@code hdfs://namenode/cnn}
 * @param conf            {@code cnn.spark.conf}: Spark settings passed through, such as {@code spark.executor.memory=4g}
 */
public record SparkSettings(String master, Integer workers, Integer batchPerWorker, int averagingPeriod, String dataDir,
                            Map<String, String> conf) {

    public static final int DEFAULT_AVERAGING_PERIOD = 5;
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\d+|\\*)(,\\d+)?])?");
    private static final Pattern STANDALONE = Pattern.compile("spark://([^:/,]+):(\\d+)");
    private static final Pattern MASTER = Pattern.compile("local.*|spark://.+|yarn|k8s://.+|mesos://.+");
    private static final int CONNECT_TIMEOUT_MS = 3000;
    private static final Pattern URI_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:/");
    private static final String HADOOP_PREFIX = "spark.hadoop.";

    public SparkSettings {
        conf = Map.copyOf(conf);
    }

    /**
     * The settings from the parameters, checked; null when {@code cnn.spark.master} is not set: then the build
     * trains on this machine and the other {@code cnn.spark.*} wait unused, so one POM can hold the cluster's
     * settings and train on it only where {@code -Dcnn.spark.master} says so.
     */
    public static SparkSettings of(String master, Integer workers, Integer batchPerWorker, Integer averagingPeriod,
                                   String dataDir, String conf) throws InvalidConfigurationException {
        if (master == null || master.isBlank()) {
            return null;
        }
        String m = master.trim();
        if (!MASTER.matcher(m).matches() || (m.startsWith("local") && !LOCAL.matcher(m).matches())) {
            throw InvalidConfigurationException.of("cnn.spark.master", master, "use local[N], spark://host:port, yarn or"
                    + " k8s://https://host:port, as spark-submit's --master takes it");
        }
        positive("cnn.spark.workers", workers);
        positive("cnn.spark.batchPerWorker", batchPerWorker);
        positive("cnn.spark.averagingPeriod", averagingPeriod);
        if (dataDir == null || dataDir.isBlank()) {
            throw InvalidConfigurationException.of("cnn.spark.dataDir", dataDir, "name a directory every executor can read");
        }
        return new SparkSettings(m, workers, batchPerWorker,
                averagingPeriod == null ? DEFAULT_AVERAGING_PERIOD : averagingPeriod, absolute(dataDir.trim()), parseConf(conf));
    }

    /** A Hadoop file system URI as it is ({@code hdfs://…}, {@code file:/…}); a path made absolute. */
    private static String absolute(String dataDir) {
        return URI_SCHEME.matcher(dataDir).lookingAt() ? dataDir : Path.of(dataDir).toAbsolutePath().normalize().toString();
    }

    /** The Spark settings of {@code cnn.spark.conf} for Hadoop's file systems ({@code spark.hadoop.*}), prefix taken off. */
    public Map<String, String> hadoopConf() {
        Map<String, String> hadoop = new LinkedHashMap<>();
        conf.forEach((key, value) -> {
            if (key.startsWith(HADOOP_PREFIX)) {
                hadoop.put(key.substring(HADOOP_PREFIX.length()), value);
            }
        });
        return hadoop;
    }

    private static void positive(String property, Integer value) throws InvalidConfigurationException {
        if (value != null && value < 1) {
            throw InvalidConfigurationException.of(property, value, "use a whole number from 1");
        }
    }

    /** {@code key=value} pairs separated by commas or new lines; every key a Spark setting ({@code spark.…}). */
    static Map<String, String> parseConf(String text) throws InvalidConfigurationException {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return pairs;
        }
        for (String item : text.split("[,\\n]")) {
            String pair = item.trim();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq).trim();
            if (eq < 1 || !key.startsWith("spark.")) {
                throw InvalidConfigurationException.of("cnn.spark.conf", pair, "give key=value pairs of Spark settings,"
                        + " separated by commas, such as spark.executor.memory=4g,spark.executor.cores=2");
            }
            if (key.equals("spark.master")) {
                throw InvalidConfigurationException.of("cnn.spark.conf", pair, "set the master with cnn.spark.master");
            }
            pairs.put(key, pair.substring(eq + 1).trim());
        }
        return pairs;
    }

    /** Whether the driver runs the executors itself ({@code local[N]}): nothing leaves this JVM. */
    public boolean isLocal() {
        return master.startsWith("local");
    }

    /** The workers a local master has ({@code local[N]}: N; {@code local[*]}: the cores); null for a cluster. */
    public Integer localThreads() {
        Matcher m = LOCAL.matcher(master);
        if (!m.matches()) {
            return null;
        }
        if (m.group(2) == null) {
            return 1;
        }
        return m.group(2).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(2));
    }

    /** Each worker's mini-batch: {@code cnn.spark.batchPerWorker}, or {@code cnn.batchSize} shared among the workers. */
    public int batchPerWorker(int batchSize, int workerCount) {
        return batchPerWorker != null ? batchPerWorker : Math.max(1, batchSize / workerCount);
    }

    /**
     * Fails, naming {@code cnn.spark.master}, when a standalone master does not accept connections: before any
     * download, rather than after Spark has retried for a minute.
     */
    public void checkReachable() throws InvalidConfigurationException {
        Matcher m = STANDALONE.matcher(master);
        if (!m.matches()) {
            return; // local runs in-process; YARN and Kubernetes are found through their own configuration
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            throw new InvalidConfigurationException(String.format(Locale.ROOT, "cnn.spark.master %s cannot be reached (%s):"
                    + " start the Spark master there, or correct host and port (the master's web page shows its"
                    + " spark:// URL)", master, e.getMessage()));
        }
    }

    /** One line for the log and run.json. */
    public String describe(int workerCount, int batch) {
        return String.format(Locale.ROOT, "%s, %d workers of %d images a batch, averaged every %d batches", master,
                workerCount, batch, averagingPeriod);
    }
}
