package io.github.cnnmaven.benchmark;

import io.github.cnnmaven.kernels.TrainingLayers;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a training step spends its time ({@code scripts/profile-training.sh}).
 * {@code train <model> [stock]}: trains 40 iterations of a preset (alexnet-cifar or resnet20) at batch 128 under
 * async-profiler's wall-clock sampler (attached by the script; {@code stock} keeps DL4J's own layers).
 * {@code report <collapsed stacks>}: attributes the training thread's samples to the innermost
 * DL4J layer method (forward: activate/preOutput, backward: backpropGradient) and prints shares.
 * {@code onednn <log>}: sums the execution times oneDNN's verbose mode logged during {@code train}
 * by primitive (kind, implementation, direction, shape) and prints them per training step.
 */
public final class LayerProfile {

    private static final Pattern LAYER = Pattern.compile(
            "(?:org/deeplearning4j/nn/(?:layers|graph/vertex/impl)|io/github/cnnmaven/network)/(?:[a-z]+/)*([A-Za-z0-9]+)\\.([A-Za-z]+)");

    private LayerProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("train")) {
            train(args[1], args.length > 2 && args[2].equals("stock"));
        } else if (args[0].equals("onednn")) {
            onednn(Path.of(args[1]));
        } else {
            report(Path.of(args[1]));
        }
    }

    static void train(String model, boolean stock) throws Exception {
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(TrainingBenchmark.config(model, BATCH),
                new InputShape(3, 32, 32, 10), 100).configuration());
        graph.init();
        if (!stock) {
            TrainingLayers.install(graph);
        }
        DataSet batch = TrainingBenchmark.syntheticBatch(BATCH);
        long t0 = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            if (i == 5) {
                t0 = System.nanoTime();
            }
            graph.fit(batch);
        }
        System.out.printf(Locale.ROOT, "%s trained at %.1f images/s under the profiler%n", model,
                40 * BATCH / ((System.nanoTime() - t0) / 1e9));
    }

    /** The iterations {@link #train} runs, warm-up included. */
    static final int ITERATIONS = 45;
    static final int BATCH = 128;

    static void onednn(Path log) throws Exception {
        Map<String, double[]> primitives = new LinkedHashMap<>();
        double[] activations = new double[2]; // ms and calls of the activations' reorders
        for (String line : Files.readAllLines(log)) {
            // dnnl_verbose,exec,cpu,<kind>,<implementation>,<direction>,<formats>,<attributes>,<algorithm>,<shape>,<ms>
            String[] f = line.split(",");
            if (f.length < 11 || !f[0].endsWith("_verbose") || !f[1].equals("exec")) {
                continue;
            }
            String key = String.format(Locale.ROOT, "%-12s %-26s %-17s %s", f[3], f[4], f[5].equals("undef") ? "" : f[5], f[f.length - 2]);
            double[] sum = primitives.computeIfAbsent(key, k -> new double[2]);
            sum[0] += Double.parseDouble(f[f.length - 1]);
            sum[1]++;
            // a layout conversion between layers: an activation's or its gradient's reorder, whose formats never block
            // the first dimension (the batch); the weights' formats block theirs (ABcd16b16a, Acdb16a), and a weight
            // tensor of 128 filters has the batch's first dimension, which the shape alone would count
            if (f[3].equals("reorder") && f[f.length - 2].startsWith(BATCH + "x") && !f[6].contains("blocked:A")
                    && !f[6].contains("blocked:B")) {
                activations[0] += Double.parseDouble(f[f.length - 1]);
                activations[1]++;
            }
        }
        double total = primitives.values().stream().mapToDouble(v -> v[0]).sum() / ITERATIONS;
        System.out.printf(Locale.ROOT, "oneDNN primitives per training step (%d iterations, warm-up included): %.1f ms%n", ITERATIONS, total);
        System.out.println("  ms/step  calls/step  kind         implementation             direction         shape");
        primitives.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(24)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %7.2f  %10.1f  %s%n", e.getValue()[0] / ITERATIONS,
                        e.getValue()[1] / ITERATIONS, e.getKey()));
        System.out.printf(Locale.ROOT, "reorders of the activations and their gradients: %.2f ms in %.1f calls per step%n",
                activations[0] / ITERATIONS, activations[1] / ITERATIONS);
    }

    /** The layer type behind a DL4J layer or helper class. */
    static String kind(String className) {
        if (className.contains("Conv")) {
            return "convolution";
        }
        if (className.contains("BatchNorm")) {
            return "batch norm";
        }
        if (className.contains("ElementWise")) {
            return "residual add";
        }
        if (className.contains("Activation") || className.contains("Relu")) {
            return "ReLU";
        }
        if (className.contains("Subsampling")) {
            return "max pooling";
        }
        if (className.contains("OutputLayer")) {
            return "output (softmax + loss)";
        }
        if (className.equals("BaseLayer")) {
            return "dense";
        }
        return className.contains("Dropout") ? "dropout" : "other";
    }

    static void report(Path collapsed) throws Exception {
        Map<String, Long> shares = new LinkedHashMap<>();
        long total = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            String stack = line.substring(0, space);
            // the training thread is the JVM's main thread, which async-profiler names DestroyJavaVM at exit
            if (!stack.startsWith("[DestroyJavaVM") || !stack.contains("ComputationGraph.fitHelper")) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1));
            total += samples;
            // the innermost layer class says which layer; any backward method outside it says the phase
            String key = null;
            String phase = "forward";
            Matcher m = LAYER.matcher(stack);
            while (m.find()) {
                if (m.group(2).equals("backpropGradient") || m.group(2).equals("doBackward")) {
                    phase = "backward";
                }
                key = kind(m.group(1)) + ", " + phase;
            }
            if (key == null) {
                key = stack.contains("Updater") || stack.contains("updater") ? "updater (Adam)" : "other (graph, memory, dense gemm)";
            }
            shares.merge(key, samples, Long::sum);
        }
        long all = total;
        System.out.println("share of the training thread's wall time, by layer type:");
        shares.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).forEach(e ->
                System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / all, e.getKey()));
    }
}
