package io.github.cnnmaven.benchmark;

import io.github.cnnmaven.config.Augment;

import io.github.cnnmaven.common.NativeMemory;
import io.github.cnnmaven.common.ProcessMemory;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.kernels.TrainingLayers;
import io.github.cnnmaven.inference.InferenceGraph;
import io.github.cnnmaven.kernels.InferenceLayers;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.training.Augmentation;
import io.github.cnnmaven.training.ChannelNormalizer;
import io.github.cnnmaven.training.ImageBatches;
import io.github.cnnmaven.training.SplitBatchStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * One configuration's figures, printed as {@code RESULT <name> <value>} lines: training and inference
 * images/s of a network (alexnet-cifar or resnet20, batch 128, synthetic 32×32×3) and the JVM's peak
 * RSS, or the machine's own figures (sgemm GFLOP/s, the input pipeline's images/s). {@link BenchmarkRunner}
 * runs it in a JVM of its own for each configuration and network, as the plugin trains one network
 * per forked JVM: a network trained after another in one JVM reads low (docs/benchmarks.md, "How the
 * benchmark measures").
 *
 * <p>Args: {@code plugin} measures what the plugin does (its own training layers and native-memory
 * trimming for training, the batch-norm-folded, channels-last {@link InferenceGraph} for inference, as
 * {@code evaluate} uses); {@code baseline} measures DL4J as it comes. Then a network's name, or
 * {@code machine}.
 */
public final class TrainingBenchmark {

    /** What the second argument names besides a network: sgemm and the input pipeline. */
    static final String MACHINE = "machine";
    /** The third argument, when a network's training and inference run in JVMs of their own: which one this is. */
    static final String TRAIN = "train";
    static final String INFER = "infer";
    /** The system property that splits each training batch among this many one-threaded workers (fork.BatchSplit). */
    static final String WORKERS = "cnn.benchmark.batchWorkers";

    private TrainingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean plugin = args[0].equals("plugin");
        int batch = 128;
        if (args[1].equals(MACHINE)) {
            result("sgemm.gflops", sgemm(2048));
            result("pipeline", pipeline(batch)); // one Java thread; it needs no native memory
            return;
        }
        String network = args[1];
        NetworkBuilder.Built built = NetworkBuilder.build(config(network, batch), new InputShape(3, 32, 32, 10), 100);
        ComputationGraph graph = new ComputationGraph(built.configuration());
        graph.init();
        String part = args.length > 2 ? args[2] : "both";
        if (plugin && !part.equals(INFER)) {
            path("training", TrainingLayers.install(graph).describe()); // as the plugin's training does
        }
        result(network + ".macs", built.summarize(graph).multiplyAdds());
        result(network + ".params", trainableParameters(graph));
        DataSet ds = syntheticBatch(batch);
        INDArray x = ds.getFeatures();
        NativeMemory nativeMemory = NativeMemory.every(plugin ? 2 : 0); // as the plugin's training loop does
        if (!part.equals(INFER)) {
            // as the plugin's training does on the CPU: each batch split among the threads, when the runner
            // started this JVM with one native thread for them (fork.BatchSplit)
            int workers = plugin ? Integer.getInteger(WORKERS, 1) : 1;
            SplitBatchStep split = workers > 1 ? new SplitBatchStep(graph, workers) : null;
            result(network + ".train", SteadyWindow.TRAINING.imagesPerSecond(batch, () -> {
                if (split != null) {
                    split.fit(ds);
                } else {
                    graph.fit(ds);
                }
                nativeMemory.maybeTrim();
            }));
            if (split != null) {
                split.close();
            }
        }
        if (part.equals(TRAIN)) {
            result("peakRssMb", peakRssMb());
            return;
        }
        // as evaluate runs it: NCHW batches in (permuted when the folded graph runs channels-last)
        InferenceGraph.Folded inference = plugin ? InferenceGraph.fold(graph) : new InferenceGraph.Folded(graph, 0, 0, 0, false, InferenceLayers.Installed.NONE);
        if (plugin) {
            path("inference", inference.layers().describe());
        }
        result(network + ".infer", SteadyWindow.INFERENCE.imagesPerSecond(batch, () -> inference.output(x)));
        result("peakRssMb", peakRssMb());
    }

    /** Trainable parameters: all but batch norm's running mean and variance, which ND4J keeps as parameters too. */
    static long trainableParameters(ComputationGraph graph) {
        long n = 0;
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            boolean batchNorm = layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization;
            for (java.util.Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                if (!batchNorm || p.getKey().equals("gamma") || p.getKey().equals("beta")) {
                    n += p.getValue().length();
                }
            }
        }
        return n;
    }

    /** The measured configuration: the network at batch {@code batch}, Adam, weight decay, the documented defaults (docs/configuration.md). */
    static TrainingConfig config(String network, int batch) {
        return TrainingConfig.builder().network(network).epochs(1).batchSize(batch).build();
    }

    /** Random 32×32×3 images with one-hot labels cycling through ten classes. */
    static DataSet syntheticBatch(int batch) {
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, 32, 32);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1);
        }
        return new DataSet(x, y);
    }

    static double sgemm(int n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        for (int i = 0; i < 2; i++) {
            a.mmuli(b, c);
        }
        int reps = 5;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            a.mmuli(b, c);
        }
        return reps * 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9;
    }

    /** Read + normalise + augment (crop4, flip) of CIFAR-sized images into batches, alone, on one thread. */
    static double pipeline(int batch) {
        int n = 10_000;
        byte[] pixels = new byte[n * 3072];
        new Random(1).nextBytes(pixels);
        int[] labels = IntStream.range(0, n).map(i -> i % 10).toArray();
        ImageSet set = new ImageSet(3, 32, 32, pixels, labels, IntStream.range(0, 10).mapToObj(String::valueOf).toList());
        int[] order = IntStream.range(0, n).toArray();
        ChannelNormalizer normalizer = ChannelNormalizer.fit(set, order);
        Augmentation augmentation = new Augmentation(List.of(Augment.CROP4, Augment.FLIP));
        for (int i = 0; i < 2; i++) {
            ImageBatches warm = new ImageBatches(set, order, batch, normalizer, augmentation, i, 0);
            while (warm.hasNext()) {
                warm.next();
            }
        }
        long t0 = System.nanoTime();
        int images = 0;
        for (int round = 0; round < 3; round++) {
            ImageBatches batches = new ImageBatches(set, order, batch, normalizer, augmentation, round, 0);
            while (batches.hasNext()) {
                images += batches.next().numExamples();
            }
        }
        return images / ((System.nanoTime() - t0) / 1e9);
    }

    static double peakRssMb() {
        OptionalLong mb = ProcessMemory.peakResidentMb();
        return mb.isPresent() ? mb.getAsLong() : Double.NaN;
    }

    /** Which code path a part runs, printed as {@code PATH <part>: <description>} (the runner shows it). */
    static void path(String part, String description) {
        System.out.println("PATH " + part + ": " + description);
    }

    static void result(String name, double value) {
        System.out.println(String.format(Locale.ROOT, "RESULT %s %.1f", name, value));
    }
}
