package io.github.cnnmaven.lrfinder;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.NativeMemory;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.kernels.TrainingLayers;
import io.github.cnnmaven.output.LrFinderResult;
import io.github.cnnmaven.output.LrFinderResult.Point;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.training.TrainingInputs;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import io.github.cnnmaven.training.Pretrained;
import io.github.cnnmaven.training.callback.BatchEnd;
import io.github.cnnmaven.training.callback.FrozenBackbone;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The learning-rate range test: trains a fresh copy of the network that {@code train} will build
 * (same layers, optimiser, weight decay, batch size and augmented batches) for one short sweep,
 * raising the rate exponentially each step, and reads a rate off the loss curve. The copy is
 * thrown away, so the sweep never touches training's weights or optimiser state.
 */
public final class LrFinder {

    /** The sweep's settings ({@code cnn.lrStart}, {@code cnn.lrEnd}, {@code cnn.lrSteps}, {@code cnn.lrMethod}). */
    public record Settings(double start, double end, int steps, LrMethod method) {
    }

    /** Checks the sweep's settings; the message names the property. */
    public static void validate(Settings settings) throws InvalidConfigurationException {
        if (!(settings.start() > 0) || !(settings.end() > settings.start())) {
            throw InvalidConfigurationException.of("cnn.lrStart", settings.start() + ".." + settings.end(),
                    "the sweep needs 0 < cnn.lrStart < cnn.lrEnd, such as 1e-7 to 10");
        }
        if (settings.steps() < 20) {
            throw InvalidConfigurationException.of("cnn.lrSteps", settings.steps(), "use at least 20 steps (100 is usual)");
        }
        if (settings.method() == null) {
            throw InvalidConfigurationException.of("cnn.lrMethod", null, "use valley, steep or minimum");
        }
    }

    private final Console console;

    public LrFinder(Console console) {
        this.console = console;
    }

    /**
     * Runs the sweep and writes {@code lr-finder.json}; {@code fingerprint} identifies what it was run for.
     * With {@code pretrained} the network starts from that model's weights, as fine-tuning does, and
     * with {@code cnn.freezeEpochs} only the new classifier learns during the sweep, as in those first
     * epochs (fastai's {@code lr_find} on a frozen learner): the rate suits what it will train.
     */
    public LrFinderResult find(TrainingConfig config, LoadedDataset data, Settings settings, String fingerprint, Path outputDirectory,
                               Path pretrained) throws CnnException {
        TrainingInputs inputs = TrainingInputs.of(config, data.train(), data.inputSide());
        NetworkBuilder.Built built = NetworkBuilder.build(config, inputs.shape(), inputs.iterationsPerEpoch());
        ComputationGraph graph = new ComputationGraph(built.configuration());
        graph.init();
        FrozenBackbone frozen = null;
        if (pretrained != null) {
            Pretrained.Loaded loaded = Pretrained.load(graph, pretrained);
            if (config.freezeEpochs() > 0) {
                frozen = new FrozenBackbone(config.freezeEpochs(), loaded.classifier(), graph);
            }
            console.info("find-lr: sweeping from the weights of " + pretrained + " (cnn.pretrained; " + loaded.layers()
                    + " layers loaded, the classifier " + loaded.classifier() + " new)" + (frozen == null ? ""
                    : ", training only the classifier as the frozen epochs do (cnn.freezeEpochs)"));
        }
        TrainingLayers.install(graph); // the same arithmetic as training
        NativeMemory nativeMemory = NativeMemory.fromSystemProperties(); // and the same memory
        LrSweep sweep = new LrSweep(settings.start(), settings.end(), settings.steps());
        console.info(String.format(Locale.ROOT, "find-lr: sweeping the learning rate from %.3g to %.3g over %d steps (%s, batch %d)",
                settings.start(), settings.end(), settings.steps(), config.optimizer(), config.batchSize()));
        boolean going = true;
        int epoch = 0;
        while (going) {
            epoch++;
            Nd4j.getRandom().setSeed(config.seed() * 7_919L + epoch);
            AsyncDataSetIterator batches = inputs.batches(inputs.epochOrder(epoch), epoch);
            try {
                while (going && batches.hasNext()) {
                    graph.setLearningRate(sweep.rate(sweep.points().size()));
                    graph.fit(batches.next());
                    if (frozen != null) {
                        frozen.afterBatch(new BatchEnd(1, sweep.points().size() + 1, graph.score(), graph));
                    }
                    nativeMemory.maybeTrim();
                    going = sweep.record(graph.score());
                }
            } finally {
                batches.shutdown();
            }
        }
        if (sweep.diverged()) {
            console.info("find-lr: the loss diverged at lr " + String.format(Locale.ROOT, "%.3g",
                    sweep.points().get(sweep.points().size() - 1).lr()) + "; sweep stopped after "
                    + sweep.points().size() + " of " + settings.steps() + " steps");
        }
        double suggestion = sweep.suggest(settings.method());
        LrFinderResult result = new LrFinderResult(suggestion, settings.method().id(), sweep.points(), sweep.diverged(),
                fingerprint);
        result.write(new OutputDirectory(outputDirectory).lrFinderFile());
        textCurve(sweep.points()).forEach(console::info);
        console.info(String.format(Locale.ROOT, "find-lr suggests a learning rate of %.3g (method %s)", suggestion,
                settings.method()));
        return result;
    }

    /** A compact view of the curve for the log: a dozen rates with their smoothed loss as a bar. */
    static List<String> textCurve(List<Point> points) {
        List<Point> finite = points.stream().filter(p -> Double.isFinite(p.smoothedLoss())).toList();
        if (finite.isEmpty()) {
            return List.of();
        }
        double min = finite.stream().mapToDouble(Point::smoothedLoss).min().orElse(0);
        double max = finite.stream().mapToDouble(Point::smoothedLoss).max().orElse(1);
        List<String> lines = new ArrayList<>();
        int rows = Math.min(12, finite.size());
        for (int r = 0; r < rows; r++) {
            Point p = finite.get(r * (finite.size() - 1) / Math.max(1, rows - 1));
            int width = (int) Math.round(40 * (p.smoothedLoss() - min) / Math.max(1e-12, max - min));
            lines.add(String.format(Locale.ROOT, "  lr %9.3g  loss %8.4f  %s", p.lr(), p.smoothedLoss(), "#".repeat(width + 1)));
        }
        return lines;
    }
}
