package io.github.cnnmaven.benchmark;

import io.github.cnnmaven.fork.Backend;
import io.github.cnnmaven.fork.BatchSplit;
import io.github.cnnmaven.fork.BackendChoice;
import io.github.cnnmaven.fork.ForkConfiguration;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The training-throughput benchmark ({@code scripts/benchmark-training.sh}): runs
 * {@link TrainingBenchmark} in two configurations — ND4J out of the box (the generic native build,
 * DL4J's helpers off) and the configuration the plugin's training JVM uses on this host
 * (Backend.select: the oneDNN build for the CPU with the helpers on, the plugin's training layers,
 * inference on the batch-norm-folded graph), each network in a JVM of its own — and prints one table
 * with every figure as a percentage of that run's sgemm and the speed-up between the two.
 *
 * <p>With a peer's classpath (benchmarks/djl-peer: DJL on PyTorch's CPU build, the same networks,
 * batch, data, optimiser and thread count) it runs that too, in the same command, each network twice
 * on each side in the order plugin, peer, peer, plugin, and adds each figure's ratio to the peer's,
 * and both sides' trainable parameter counts, which must agree.
 *
 * <p>Args: the local Maven repository (where the script fetched the native jars); optionally the
 * peer's classpath.
 */
public final class BenchmarkRunner {

    private BenchmarkRunner() {
    }

    public static void main(String[] args) throws Exception {
        Path repository = Path.of(args[0]);
        List<String> testClasspath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        // The test classpath's own native jar is the generic build: the out-of-the-box baseline.
        List<String> base = testClasspath.stream().filter(p -> !p.matches(".*nd4j-native-1\\.0\\.0-M2\\.1-.*\\.jar")).toList();
        String generic = testClasspath.stream().filter(p -> p.matches(".*nd4j-native-1\\.0\\.0-M2\\.1-linux-x86_64\\.jar"))
                .findFirst().orElseThrow(() -> new IllegalStateException("run from the test classpath on linux-x86_64"));

        Backend tuned = Backend.select(BackendChoice.CPU, System.getProperty("os.name"), System.getProperty("os.arch"), false, Backend.cpuFlags());
        String nativeCoordinate = tuned.coordinates().stream().filter(c -> c.startsWith("org.nd4j:nd4j-native:") && c.split(":").length == 4)
                .findFirst().orElseThrow();
        Path tunedJar = jar(repository, nativeCoordinate);

        // ONEDNN=false in the script: the plugin side's convolutions go through libnd4j instead of calling oneDNN
        // themselves; ONEDNN_BATCH_NORM=false: its batch norm runs the Java kernels; BLOCKED=false: NCHW between its
        // convolutions and batch norms; INFERENCE_LAYERS=false: its inference graph keeps DL4J's layer objects
        List<String> switched = Stream.of("cnn.oneDnnConvolution", "cnn.oneDnnBatchNorm", "cnn.blockedActivations",
                        "cnn.inferenceLayers")
                .filter(p -> System.getProperty(p) != null).map(p -> "-D" + p + "=" + System.getProperty(p)).toList();
        List<String> pluginOptions = new ArrayList<>(tuned.jvmOptions());
        pluginOptions.add(ForkConfiguration.YOUNG_GENERATION); // as every fork but Spark's runs
        pluginOptions.addAll(switched);
        // SPLIT_BATCH=false in the script: every training operation on all the threads instead of the batch split among them
        int cores = Runtime.getRuntime().availableProcessors();
        int batchWorkers = BatchSplit.SWITCH.on() ? cores : 1;
        // the fork's environment: OpenBLAS told its kernels when the CPU has AVX2 or AVX-512 (Backend.OPENBLAS_CORETYPE),
        // glibc's mmap threshold, all the threads (training JVMs get one each, below)
        Map<String, String> pluginEnvironment = new TreeMap<>(ForkConfiguration.environment(tuned, cores));
        Side pluginSide = new Side("plugin (" + tunedJar.getFileName() + ", helpers on, " + ForkConfiguration.YOUNG_GENERATION + ", "
                + (batchWorkers > 1 ? "each training batch split among " + batchWorkers + " one-threaded workers, " : "")
                + pluginEnvironment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + ", ").collect(Collectors.joining())
                + "batch norm folded and channels-last for inference"
                + switched.stream().map(o -> ", " + o).collect(Collectors.joining()) + ")",
                plus(base, tunedJar.toString()), pluginOptions, pluginEnvironment,
                List.of(TrainingBenchmark.class.getName(), "plugin"), batchWorkers);
        Side peerSide = args.length > 1 ? new Side("peer (DJL 0.35.1 + PyTorch 2.7.1 CPU, the same networks, batch, data,"
                + " Adam and threads)", List.of(args[1]), List.of(), List.of(PEER,
                String.valueOf(Runtime.getRuntime().availableProcessors()))) : null;
        Side outOfTheBoxSide = new Side("out of the box (" + new File(generic).getName() + ")", plus(base, generic), List.of(),
                List.of(TrainingBenchmark.class.getName(), "baseline"));

        // The plugin and the peer first, out of the box last: its JVMs climb to 5-15 GB of RSS, and the VM
        // reclaiming that memory afterwards slowed a following run by a quarter. With the peer, each
        // network runs plugin, peer, peer, plugin, and each side's figure is the mean of its two runs:
        // this machine's speed drifts by a fifth over minutes, and in that order a steady drift
        // hits both sides alike.
        Map<String, Double> plugin = new LinkedHashMap<>(pluginSide.run(TrainingBenchmark.MACHINE));
        Map<String, Double> peer = new LinkedHashMap<>();
        for (String network : NETWORKS) {
            if (peerSide == null) {
                merge(plugin, List.of(pluginSide.run(network)));
                continue;
            }
            Map<String, Double> first = pluginSide.run(network);
            List<Map<String, Double>> peerRuns = List.of(peerSide.run(network), peerSide.run(network));
            merge(plugin, List.of(first, pluginSide.run(network)));
            merge(peer, peerRuns);
        }
        Map<String, Double> outOfTheBox = new LinkedHashMap<>(outOfTheBoxSide.run(TrainingBenchmark.MACHINE));
        for (String network : NETWORKS) {
            merge(outOfTheBox, List.of(outOfTheBoxSide.run(network)));
        }
        for (Map<String, Double> side : List.of(plugin, peer, outOfTheBox)) {
            for (String last : List.of("pipeline", "peakRssMb")) { // the table lists them after the networks
                if (side.containsKey(last)) {
                    side.put(last, side.remove(last));
                }
            }
        }

        System.out.println();
        boolean withPeer = !peer.isEmpty();
        System.out.printf(Locale.ROOT, "%-22s %18s %18s %9s" + (withPeer ? " %18s %11s" : "") + "%n", "figure",
                "out of the box", "plugin", "speed-up", "peer", "plugin/peer");
        for (String key : plugin.keySet()) {
            if (key.endsWith(".macs") || key.endsWith(".params")) {
                continue;
            }
            double a = outOfTheBox.getOrDefault(key, Double.NaN);
            double b = plugin.get(key);
            boolean network = key.endsWith(".train") || key.endsWith(".infer");
            String pa = network ? percent(a, key, outOfTheBox) : "";
            String pb = network ? percent(b, key, plugin) : "";
            boolean lowerIsBetter = key.equals("peakRssMb");
            System.out.printf(Locale.ROOT, "%-22s %10.1f %7s %10.1f %7s %8.2fx", key, a, pa, b, pb,
                    lowerIsBetter ? a / b : b / a);
            if (withPeer && peer.containsKey(key)) {
                double c = peer.get(key);
                String pc = network ? percent(c, key, plugin) : ""; // against the plugin run's sgemm: the same machine
                System.out.printf(Locale.ROOT, " %10.1f %7s %10.2fx", c, pc, lowerIsBetter ? c / b : b / c);
            }
            System.out.println();
        }
        System.out.println("(img/s, GFLOP/s, MB; in brackets: the network's FLOP rate as a share of that run's sgemm,"
                + " counting a training step as 3 × the forward multiply-adds × 2" + (withPeer ? "; the peer's against"
                + " the plugin run's sgemm" : "") + ")");
        if (withPeer) {
            for (String network : NETWORKS) {
                long ours = Math.round(plugin.getOrDefault(network + ".params", Double.NaN));
                long theirs = Math.round(peer.getOrDefault(network + ".params", Double.NaN));
                System.out.printf(Locale.ROOT, "%s trainable parameters: plugin %,d, peer %,d (%s)%n", network, ours, theirs,
                        ours == theirs ? "the same network" : "DIFFERENT networks: the ratios compare unlike things");
            }
        }
    }

    /** Training counts forward + backward ≈ 3× the forward multiply-adds; FLOPs per image from the model summary. */
    private static String percent(double imagesPerSecond, String key, Map<String, Double> run) {
        double forwardFlops = 2 * run.get(key.substring(0, key.lastIndexOf('.')) + ".macs");
        double flops = imagesPerSecond * forwardFlops * (key.endsWith(".train") ? 3 : 1);
        return String.format(Locale.ROOT, "(%.0f%%)", 100 * flops / (run.get("sgemm.gflops") * 1e9));
    }

    private static List<String> plus(List<String> base, String jar) {
        List<String> all = new ArrayList<>(base);
        all.add(jar);
        return all;
    }

    static Path jar(Path repository, String coordinate) {
        String[] p = coordinate.split(":");
        String file = p[1] + "-" + p[2] + (p.length == 4 ? "-" + p[3] : "") + ".jar";
        return repository.resolve(p[0].replace('.', '/')).resolve(p[1]).resolve(p[2]).resolve(file);
    }

    /** The peer's main class (benchmarks/djl-peer), run by name: it is not on this classpath. */
    static final String PEER = "io.github.cnnmaven.peer.PeerBenchmark";

    /** The networks measured, each in a JVM of its own (TrainingBenchmark says why). */
    static final List<String> NETWORKS = List.of("alexnet-cifar", "resnet20");

    /** Adds the mean of {@code runs}' figures to {@code into}; peak RSS is the largest, there and across. */
    static void merge(Map<String, Double> into, List<Map<String, Double>> runs) {
        for (String name : runs.get(0).keySet()) {
            boolean rss = name.equals("peakRssMb");
            double value = rss ? runs.stream().mapToDouble(r -> r.get(name)).max().orElseThrow()
                    : runs.stream().mapToDouble(r -> r.get(name)).average().orElseThrow();
            into.merge(name, value, rss ? Math::max : (a, b) -> b);
        }
    }

    /** One configuration: how to start its JVM, whose last argument names what it measures. */
    private record Side(String label, List<String> classpath, List<String> options, Map<String, String> environment,
                        List<String> main, int batchWorkers) {

        Side(String label, List<String> classpath, List<String> options, List<String> main) {
            this(label, classpath, options, Map.of(), main, 1);
        }

        /**
         * One network, or the machine's figures. With batch workers, as the plugin's training fork and its evaluate
         * fork run: training in a JVM of one native thread per worker, inference in one of all the threads.
         */
        Map<String, Double> run(String part) throws Exception {
            System.out.println("== " + label + ": " + part);
            List<String> arguments = new ArrayList<>(main);
            arguments.add(part);
            if (batchWorkers <= 1 || part.equals(TrainingBenchmark.MACHINE)) {
                return runOne(classpath, options, environment, arguments, label + ", " + part);
            }
            List<String> splitOptions = new ArrayList<>(options);
            splitOptions.add("-D" + TrainingBenchmark.WORKERS + "=" + batchWorkers);
            splitOptions.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=0");
            Map<String, String> oneThread = new LinkedHashMap<>(environment);
            oneThread.put("OMP_NUM_THREADS", "1");
            Map<String, Double> results = new LinkedHashMap<>(runOne(classpath, splitOptions, oneThread,
                    plus(arguments, TrainingBenchmark.TRAIN), label + ", " + part + " training"));
            merge(results, List.of(runOne(classpath, options, environment, plus(arguments, TrainingBenchmark.INFER),
                    label + ", " + part + " inference")));
            return results;
        }
    }

    private static Map<String, Double> runOne(List<String> classpath, List<String> options, Map<String, String> environment,
                                              List<String> main, String label) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx4g"));
        command.addAll(options);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath)));
        command.addAll(main);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        Map<String, Double> results = new LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    String[] f = line.split(" ");
                    results.put(f[1], Double.parseDouble(f[2]));
                    if (!f[1].endsWith(".macs") && !f[1].endsWith(".params")) {
                        System.out.println("  " + f[1] + " " + f[2]);
                    }
                } else if (line.startsWith("PATH ")) {
                    System.out.println("  " + line.substring("PATH ".length()));
                } else {
                    other.add(line);
                }
            }
        }
        if (process.waitFor() != 0 || results.isEmpty()) {
            other.stream().skip(Math.max(0, other.size() - 30)).forEach(System.out::println);
            throw new IllegalStateException(label + " failed with exit code " + process.exitValue());
        }
        if (!Files.exists(Path.of("/proc/self/status"))) {
            results.remove("peakRssMb");
        }
        return results;
    }
}
