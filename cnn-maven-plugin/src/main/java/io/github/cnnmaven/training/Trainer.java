package io.github.cnnmaven.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.NativeMemory;
import io.github.cnnmaven.common.ProcessMemory;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetDescription;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.network.FastBatchNormHelper;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.ModelSummary;
import io.github.cnnmaven.network.NetworkBuilder;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Trains a network on a loaded dataset: a seeded stratified validation split, per-channel
 * normalisation from the training split, augmentation prepared on another thread, one log line per
 * epoch, an atomic checkpoint after every epoch (resumed when the fingerprint matches), plateau
 * decay, early stopping, a time budget, and divergence detection. Writes {@code model.zip}
 * (the best epoch by validation accuracy, or the last without validation), {@code history.json}
 * and {@code run.json}.
 */
public final class Trainer {

    /** Called after every epoch's checkpoint; returning {@code false} stops the run there (as a kill would). */
    public interface EpochListener {
        boolean continueAfter(EpochRecord record);
    }

    /** Training accuracy is measured on up to this many un-augmented training images at each epoch end. */
    static final int TRAIN_ACCURACY_SAMPLE = 2000;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Console console;

    public Trainer(Console console) {
        this.console = console;
    }

    /** The outcome: the history, and whether the run finished (false when a listener stopped it). */
    public record Result(List<EpochRecord> history, boolean finished, String stopReason, ModelSummary summary) {
    }

    public Result train(TrainRequest request, LoadedDataset data, EpochListener listener) throws CnnException {
        try {
            return run(request, data, listener);
        } catch (IOException e) {
            throw new CnnException("Training failed writing to " + request.outputDirectory() + ": " + e.getMessage(), e);
        }
    }

    private Result run(TrainRequest request, LoadedDataset data, EpochListener listener) throws IOException, CnnException {
        long started = System.nanoTime();
        TrainingConfig config = request.config();
        ImageSet train = data.train();
        int classes = train.numClasses();
        if (config.isOverfitCheck()) {
            config = config.forOverfitCheck();
        }
        TrainingInputs inputs = TrainingInputs.of(config, train);
        Splits.Split split = inputs.split();
        if (config.isOverfitCheck()) {
            console.info("Sanity check: training on " + split.train().length + " examples without augmentation or"
                    + " regularisation; the training loss should fall to about 0");
        }
        ChannelNormalizer normalizer = inputs.normalizer();
        int iterationsPerEpoch = inputs.iterationsPerEpoch();
        NetworkBuilder.Built built = NetworkBuilder.build(config, inputs.shape(), iterationsPerEpoch);

        Files.createDirectories(request.checkpointDirectory());
        Path last = request.checkpointDirectory().resolve("last.zip");
        Path best = request.checkpointDirectory().resolve("best.zip");
        TrainingState state = null;
        ComputationGraph graph = null;
        if (!request.fresh() && Files.isRegularFile(last)) {
            TrainingState saved = ModelFile.readEntry(last, ModelFile.STATE_ENTRY, TrainingState.class);
            if (saved != null && request.fingerprint().equals(saved.fingerprint)) {
                graph = ModelFile.readGraph(last, true);
                state = saved;
                console.info("Resuming from the checkpoint after epoch " + saved.epoch + " of " + config.epochs()
                        + " (" + last + ")");
            } else {
                console.info("Starting fresh: the configuration or data changed since the checkpoint in "
                        + request.checkpointDirectory() + " (fingerprint " + (saved == null ? "unknown" : saved.fingerprint)
                        + " → " + request.fingerprint() + ")");
            }
        } else if (request.fresh() && Files.isRegularFile(last)) {
            console.info("Starting fresh (cnn.fresh): ignoring the checkpoint in " + request.checkpointDirectory());
        }
        if (graph == null) {
            AtomicFiles.deleteRecursively(request.checkpointDirectory());
            Files.createDirectories(request.checkpointDirectory());
            graph = new ComputationGraph(built.configuration());
            graph.init();
            state = new TrainingState();
            state.fingerprint = request.fingerprint();
        }
        int fastBatchNorm = FastBatchNormHelper.install(graph);
        ModelSummary summary = built.summarize(graph);
        summary.lines().forEach(console::info);
        NativeMemory nativeMemory = NativeMemory.fromSystemProperties();
        logBackend(request.threads(), fastBatchNorm, nativeMemory);

        String firstLayer = graph.getLayers()[0].conf().getLayer().getLayerName();
        int[] trainSample = java.util.Arrays.copyOf(Splits.epochOrder(split.train(), train.labels(), classes, false,
                config.seed()), Math.min(split.train().length, TRAIN_ACCURACY_SAMPLE));
        String stopReason = null;
        boolean finished = true;
        for (int epoch = state.epoch + 1; epoch <= config.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            Nd4j.getRandom().setSeed(config.seed() * 1_000_003L + epoch); // dropout: reproducible, also after a resume
            int[] order = inputs.epochOrder(epoch);
            double lossSum = 0;
            int batches = 0;
            AsyncDataSetIterator batchesIt = inputs.batches(order, epoch);
            try {
                int nextReport = 1;
                while (batchesIt.hasNext()) {
                    DataSet batch = batchesIt.next();
                    graph.fit(batch);
                    nativeMemory.maybeTrim();
                    double score = graph.score();
                    if (Double.isNaN(score) || Double.isInfinite(score)) {
                        double lr = graph.getLearningRate(firstLayer);
                        throw new TrainingDivergedException(String.format(Locale.ROOT,
                                "Training diverged in epoch %d, iteration %d: the loss is %s at learning rate %s"
                                        + " (cnn.learningRate=%s). No model was written. Lower the learning rate, or run"
                                        + " mvn cnn:find-lr (or set cnn.learningRate=auto) to pick one.",
                                epoch, batches + 1, score, lr, config.learningRate()));
                    }
                    lossSum += score;
                    batches++;
                    if (request.interactive() && batches * 10 >= nextReport * iterationsPerEpoch && nextReport < 10) {
                        console.info(String.format(Locale.ROOT, "  epoch %d: %d%%  loss %.4f", epoch, nextReport * 10,
                                lossSum / batches));
                        while (batches * 10 >= nextReport * iterationsPerEpoch) {
                            nextReport++;
                        }
                    }
                }
            } finally {
                batchesIt.shutdown();
            }
            graph.incrementEpochCount(); // epoch-based schedules read it
            double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
            double[] trainEval = evaluate(graph, train, trainSample, normalizer, config.batchSize());
            double[] valEval = split.validation().length == 0 ? new double[] {Double.NaN, Double.NaN}
                    : evaluate(graph, train, split.validation(), normalizer, config.batchSize());
            double lr = graph.getLearningRate(firstLayer);
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            EpochRecord record = new EpochRecord(epoch, lossSum / Math.max(1, batches), trainEval[1], valEval[0],
                    valEval[1], lr, seconds, order.length / trainSeconds);
            state.history.add(record);
            state.epoch = epoch;
            state.seconds += seconds;
            logEpoch(record, config.epochs(), state);

            ModelMetadata metadata = metadata(request, config, data, normalizer, epoch, record.validationAccuracy());
            boolean hasValidation = split.validation().length > 0;
            if (hasValidation && record.validationAccuracy() > state.bestValidationAccuracy) {
                state.bestValidationAccuracy = record.validationAccuracy();
                state.bestEpoch = epoch;
                state.epochsWithoutImprovement = 0;
                ModelFile.write(graph, metadata, null, false, best);
            } else if (hasValidation) {
                state.epochsWithoutImprovement++;
                if (config.schedule().equals("plateau") && state.epochsWithoutImprovement % config.patience() == 0) {
                    state.learningRateFactor *= config.gamma();
                    double lowered = config.learningRate() * state.learningRateFactor;
                    graph.setLearningRate(lowered);
                    console.info(String.format(Locale.ROOT, "Validation accuracy has not improved for %d epochs:"
                            + " learning rate lowered to %.3g", config.patience(), lowered));
                }
            }
            ModelFile.write(graph, metadata, state, true, last);

            if (config.earlyStopping() > 0 && hasValidation && epoch - state.bestEpoch >= config.earlyStopping()) {
                stopReason = "early stopping: no improvement in validation accuracy for " + config.earlyStopping() + " epochs";
            } else if (config.maxMinutes() > 0 && state.seconds >= config.maxMinutes() * 60.0 && epoch < config.epochs()) {
                stopReason = "time budget of " + config.maxMinutes() + " minutes (cnn.maxMinutes) used up";
            }
            if (stopReason != null) {
                console.info("Stopping after epoch " + epoch + ": " + stopReason);
                break;
            }
            if (listener != null && !listener.continueAfter(record)) {
                finished = false;
                break;
            }
        }
        if (!finished) {
            return new Result(state.history, false, "stopped", summary);
        }

        if (config.isOverfitCheck()) {
            return overfitVerdict(request, state, summary);
        }
        if (Files.isRegularFile(best)) {
            AtomicFiles.write(request.modelFile(), tmp -> Files.copy(best, tmp));
            console.info(String.format(Locale.ROOT, "Kept the best epoch, %d, with validation accuracy %.4f",
                    state.bestEpoch, state.bestValidationAccuracy));
        } else {
            ModelFile.write(graph, metadata(request, config, data, normalizer, state.epoch, Double.NaN), null, false,
                    request.modelFile());
        }
        writeHistory(request, state, stopReason);
        OptionalLong peakMb = ProcessMemory.peakResidentMb();
        writeRun(request, data, summary, state, (System.nanoTime() - started) / 1e9, peakMb);
        peakMb.ifPresent(mb -> console.info("Peak resident memory of the training JVM: " + mb + " MB"));
        console.info("Wrote " + request.modelFile() + " and " + request.historyFile());
        return new Result(state.history, true, stopReason, summary);
    }

    private Result overfitVerdict(TrainRequest request, TrainingState state, ModelSummary summary) throws IOException, CnnException {
        EpochRecord lastEpoch = state.history.get(state.history.size() - 1);
        AtomicFiles.write(request.outputDirectory().resolve("overfit.json"),
                tmp -> JSON.writeValue(tmp.toFile(), Map.of("examples", request.config().overfit(), "epochs", state.history)));
        if (lastEpoch.trainLoss() > 0.05 && lastEpoch.trainAccuracy() < 0.999) {
            throw new CnnException(String.format(Locale.ROOT, "Sanity check failed: after %d epochs on %d examples the"
                    + " training loss is %.4f and training accuracy %.4f, not about 0 and 1. The pipeline cannot fit even a"
                    + " tiny subset: check the labels, the learning rate (cnn.learningRate) and the network.",
                    lastEpoch.epoch(), request.config().overfit(), lastEpoch.trainLoss(), lastEpoch.trainAccuracy()));
        }
        console.info(String.format(Locale.ROOT, "Sanity check passed: training loss %.4f, training accuracy %.4f on %d"
                + " examples after %d epochs", lastEpoch.trainLoss(), lastEpoch.trainAccuracy(), request.config().overfit(),
                lastEpoch.epoch()));
        return new Result(state.history, true, "overfit check", summary);
    }

    /** Mean cross-entropy and accuracy (DL4J's Evaluation) over the given images, without augmentation. */
    static double[] evaluate(ComputationGraph graph, ImageSet images, int[] indices, ChannelNormalizer normalizer, int batchSize) {
        Evaluation evaluation = new Evaluation(images.numClasses());
        ImageBatches batches = new ImageBatches(images, indices, batchSize, normalizer, null, 0, 0);
        double lossSum = 0;
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            INDArray output = graph.outputSingle(false, batch.getFeatures());
            evaluation.eval(batch.getLabels(), output);
            // cross-entropy of the true class: -log(sum(labels * p))
            INDArray pTrue = output.mul(batch.getLabels()).sum(1);
            lossSum -= Transforms.log(Transforms.max(pTrue, 1e-12), false).sumNumber().doubleValue();
        }
        return new double[] {lossSum / indices.length, evaluation.accuracy()};
    }

    private void logEpoch(EpochRecord r, int epochs, TrainingState state) {
        console.info(String.format(Locale.ROOT, "Epoch %d/%d  train loss %.4f acc %.4f  val loss %.4f acc %.4f  lr %.3g"
                        + "  %.1f s  %.0f img/s  ETA %s", r.epoch(), epochs, r.trainLoss(), r.trainAccuracy(),
                r.validationLoss(), r.validationAccuracy(), r.learningRate(), r.seconds(), r.imagesPerSecond(),
                duration(state.seconds / state.history.size() * (epochs - r.epoch()))));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private void logBackend(int threads, int fastBatchNorm, NativeMemory nativeMemory) {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        console.info("Backend: " + env.getOrDefault("backend", "?") + ", BLAS " + env.getOrDefault("blas.vendor", "?")
                + ", " + threads + " threads, " + env.getOrDefault("cores", "?") + " cores, oneDNN layer helpers "
                + (helpersOn() ? "on" : "off") + (fastBatchNorm > 0 ? " (batch-norm statistics: the faster helper on "
                + fastBatchNorm + " layers)" : "") + ", " + nativeMemory.describe());
    }

    /** Whether DL4J's oneDNN helpers will run (see org.nd4j.nativeblas.Nd4jCpu for why this needs a shim). */
    static boolean helpersOn() {
        return !Nd4j.getEnvironment().helpersAllowed() ? false
                : org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled();
    }

    private static ModelMetadata metadata(TrainRequest request, TrainingConfig config, LoadedDataset data,
                                          ChannelNormalizer normalizer, int epoch, double validationAccuracy) {
        ImageSet train = data.train();
        return new ModelMetadata(request.fingerprint(), config.networkName(), train.classNames(), train.channels(),
                train.height(), train.width(), normalizer.mean(), normalizer.std(), epoch, validationAccuracy);
    }

    private void writeHistory(TrainRequest request, TrainingState state, String stopReason) throws IOException {
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("fingerprint", request.fingerprint());
        history.put("epochs", state.history);
        history.put("bestEpoch", state.bestEpoch);
        history.put("bestValidationAccuracy", state.bestValidationAccuracy < 0 ? null : state.bestValidationAccuracy);
        history.put("stopReason", stopReason);
        AtomicFiles.write(request.historyFile(), tmp -> JSON.writeValue(tmp.toFile(), history));
    }

    private void writeRun(TrainRequest request, LoadedDataset data, ModelSummary summary, TrainingState state,
                          double wallSeconds, OptionalLong peakResidentMb) throws IOException {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("fingerprint", request.fingerprint());
        run.put("dataset", DatasetDescription.describe(data));
        run.put("configuration", request.config());
        run.put("model", Map.of("network", request.config().networkName(), "parameters", summary.parameters(),
                "multiplyAddsPerImage", summary.multiplyAdds(), "flopsPerImage", summary.flops(), "layers", summary.layers()));
        run.put("backend", env.getOrDefault("backend", "unknown"));
        run.put("device", env.getOrDefault("blas.vendor", "unknown") + " on " + env.getOrDefault("cores", "?") + " cores");
        run.put("threads", request.threads());
        run.put("epochsRun", state.history.size());
        run.put("trainingSeconds", state.seconds);
        run.put("wallSeconds", wallSeconds);
        run.put("peakResidentMb", peakResidentMb.isPresent() ? peakResidentMb.getAsLong() : null);
        AtomicFiles.write(request.runFile(), tmp -> JSON.writeValue(tmp.toFile(), run));
    }
}
