package io.github.cnnmaven.benchmark;

import io.github.cnnmaven.inference.InferenceGraph;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The inference graph's code paths side by side in one JVM (scripts/benchmark-inference-paths.sh): one network, its
 * folded graph built once per variant (a variant is a list of switches set to false while the graph is built, or
 * {@code default}), then windows of {@link #WINDOW_SECONDS} s over the variants, in reverse order every other round
 * so a drift of the machine's speed hits them alike. Between JVMs this machine's inference figure moved by a third
 * with the code unchanged; within one it moves by a tenth. Prints each window, each variant's mean images/s at batch
 * 128, and the largest difference of the features the classifier reads from the first variant's.
 */
public final class InferencePaths {

    static final int WINDOW_SECONDS = 4;

    private InferencePaths() {
    }

    /** Arguments: the network, the variants separated by {@code |}, the rounds. */
    public static void main(String[] args) throws Exception {
        String network = args[0];
        String[] variants = args[1].split("\\|");
        int rounds = Integer.parseInt(args[2]);
        int batch = 128;
        NetworkBuilder.Built built = NetworkBuilder.build(TrainingBenchmark.config(network, batch), new InputShape(3, 32, 32, 10), 100);
        ComputationGraph trained = new ComputationGraph(built.configuration());
        trained.init();
        INDArray x = TrainingBenchmark.syntheticBatch(batch).getFeatures();
        List<InferenceGraph.Folded> graphs = new ArrayList<>();
        for (String variant : variants) {
            graphs.add(built(trained, variant));
            System.out.println(variant + ": " + graphs.get(graphs.size() - 1).layers().describe());
        }
        // class probabilities of an untrained network are all near a tenth: compare the features the classifier reads
        String output = trained.getConfiguration().getNetworkOutputs().get(0);
        String features = trained.getConfiguration().getVertexInputs().get(output).get(0);
        INDArray reference = features(graphs.get(0), x, features);
        double[] sum = new double[variants.length];
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder("round " + (round + 1));
            for (int k = 0; k < variants.length; k++) {
                int i = round % 2 == 0 ? k : variants.length - 1 - k;
                double imagesPerSecond = window(graphs.get(i), x, batch);
                sum[i] += imagesPerSecond;
                line.append(String.format(Locale.ROOT, " | %s %.1f", variants[i], imagesPerSecond));
            }
            System.out.println(line);
        }
        for (int i = 0; i < variants.length; i++) {
            double diff = features(graphs.get(i), x, features).sub(reference).amaxNumber().doubleValue();
            System.out.printf(Locale.ROOT, "%-14s %-24s %8.1f images/s  (features within %.1e of %s's, largest %.2f)%n",
                    network, variants[i], sum[i] / rounds, diff, variants[0], reference.amaxNumber().doubleValue());
        }
    }

    /** The folded graph, built with the variant's switches set to false; two batches run to warm it up. */
    private static InferenceGraph.Folded built(ComputationGraph trained, String variant) {
        List<String> off = variant.equals("default") ? List.of() : List.of(variant.split(","));
        off.forEach(property -> System.setProperty(property, "false"));
        try {
            InferenceGraph.Folded folded = InferenceGraph.fold(trained);
            INDArray warm = TrainingBenchmark.syntheticBatch(128).getFeatures();
            folded.output(warm);
            folded.output(warm);
            return folded;
        } finally {
            off.forEach(System::clearProperty);
        }
    }

    private static INDArray features(InferenceGraph.Folded graph, INDArray x, String vertex) {
        return graph.graph().feedForward(graph.input(x), false).get(vertex);
    }

    private static double window(InferenceGraph.Folded graph, INDArray x, int batch) {
        long start = System.nanoTime();
        int batches = 0;
        while (System.nanoTime() - start < WINDOW_SECONDS * 1_000_000_000L) {
            graph.output(x);
            batches++;
        }
        return batches * (double) batch / ((System.nanoTime() - start) / 1e9);
    }
}
