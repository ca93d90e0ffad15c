package io.github.cnnmaven.training;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.NativeMemory;
import io.github.cnnmaven.common.ProcessMemory;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.ImageSet;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.fork.BatchSplit;
import io.github.cnnmaven.fork.DeviceProbe;
import io.github.cnnmaven.kernels.LayerHelpers;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.kernels.TrainingLayers;
import io.github.cnnmaven.output.ClusterRun;
import io.github.cnnmaven.output.DeviceInfo;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.output.ModelSummary;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.output.RunRecord;
import io.github.cnnmaven.output.TrainingHistory;
import io.github.cnnmaven.training.callback.BatchEnd;
import io.github.cnnmaven.training.callback.FrozenBackbone;
import io.github.cnnmaven.training.callback.BestModelKeeper;
import io.github.cnnmaven.training.callback.Checkpointer;
import io.github.cnnmaven.training.callback.EpochEnd;
import io.github.cnnmaven.training.callback.TrainingCallback;
import io.github.cnnmaven.training.callback.WeightAverage;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Trains a network on a loaded dataset: a seeded stratified validation split, per-channel
 * normalisation from the training split, augmentation prepared on another thread, one log line per
 * epoch. The loop itself only trains and validates; everything else is a {@link TrainingCallback}
 * (divergence, best model, plateau decay, early stopping, time budget, checkpoint). Writes
 * {@code model.zip} (the best epoch by validation accuracy, or the last without validation),
 * {@code history.json} and {@code run.json}.
 */
public final class Trainer {

    /** Called after every epoch's checkpoint; returning {@code false} stops the run there (as a kill would). */
    public interface EpochListener {
        boolean continueAfter(EpochRecord record);
    }

    /** Training accuracy is measured on up to this many un-augmented training images at each epoch end. */
    static final int TRAIN_ACCURACY_SAMPLE = 2000;

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
        } catch (IOException | UncheckedIOException e) {
            throw new CnnException("Training failed writing to " + request.context().outputDirectory() + ": " + e.getMessage(), e);
        } catch (RuntimeException | OutOfMemoryError e) {
            String memory = MemoryFailure.message(e, request.config().batchSize(), DeviceProbe::describe);
            if (memory != null) {
                throw new CnnException(memory, e);
            }
            throw e;
        }
    }

    private Result run(TrainRequest request, LoadedDataset data, EpochListener listener) throws IOException, CnnException {
        long started = System.nanoTime();
        TrainingConfig config = request.config().isOverfitCheck() ? request.config().forOverfitCheck() : request.config();
        TrainingInputs inputs = TrainingInputs.of(config, data.train(), data.inputSide());
        sayWhatTheSplitMeans(config, inputs.split());
        // The overfit check's few images train here; everything else where cnn.spark.master says
        try (ClusterTraining cluster = config.isOverfitCheck() ? null : ClusterTraining.open(request, inputs, console)) {
            return run(request, data, listener, config, inputs, cluster, started);
        }
    }

    private Result run(TrainRequest request, LoadedDataset data, EpochListener listener, TrainingConfig config,
                       TrainingInputs inputs, ClusterTraining cluster, long started) throws IOException, CnnException {
        DataParallel.Plan plan = cluster != null ? DataParallel.Plan.single(config.batchSize()) : parallelPlan(request, config);
        NetworkBuilder.Built built = NetworkBuilder.build(config, inputs.shape(), inputs.stepsPerEpoch(plan));
        int[] trainSample = trainSample(config, data.train(), inputs.split());
        WeightAverage.BatchNormPass batchNorm = g -> BatchNormReestimation.reestimate(g, new ImageBatches(data.train(),
                trainSample, config.batchSize(), inputs.normalizer(), null, 0, 0, inputs.evaluationFraming()), config.seed());
        TrainingCallbacks callbacks = new TrainingCallbacks(config, data.train(), inputs.split(), inputs.stepsPerEpoch(plan),
                request.output().checkpointDirectory(), request.fingerprint(), batchNorm, console);
        Start start = resumeOrInit(request, config, built, callbacks, data.train().numClasses());
        ComputationGraph graph = start.graph();
        ModelSummary summary = built.summarize(graph);
        // libnd4j's threads for an operation's main loop: OMP_NUM_THREADS as the fork runner started this JVM
        int batchWorkers = BatchSplit.workersIn(request.batchWorkers(!isCuda(), BatchSplit.SWITCH.on()),
                Nd4j.getEnvironment().maxMasterThreads());
        NativeMemory nativeMemory = installAndLog(graph, summary, request.context().threads(), batchWorkers);
        List<EpochRecord> history = start.history();
        double seconds = start.seconds();
        String stopReason = null;
        try (Epochs epochs = new Epochs(graph, config, data.train(), inputs, plan, cluster, request.context().interactive(),
                callbacks, trainSample, nativeMemory, batchWorkers)) {
            for (int epoch = start.firstEpoch(); epoch <= config.epochs() && stopReason == null; epoch++) {
                EpochRecord record = epochs.train(epoch, callbacks.plannedEpochs(config.epochs()));
                history.add(record);
                seconds += record.seconds();
                int planned = callbacks.plannedEpochs(config.epochs());
                EpochEnd end = new EpochEnd(record, graph, metadata(request, config, data, inputs.normalizer(), epoch,
                        record.validationAccuracy()), inputs.split().validation().length > 0, planned, seconds, List.copyOf(history));
                logEpoch(record, planned, seconds / history.size());
                for (TrainingCallback callback : callbacks.list()) {
                    String reason = callback.afterEpoch(end);
                    stopReason = stopReason == null ? reason : stopReason;
                }
                if (stopReason != null) {
                    console.info("Stopping after epoch " + epoch + ": " + stopReason);
                } else if (listener != null && !listener.continueAfter(record)) {
                    return new Result(history, false, "stopped", summary);
                }
            }
        }
        if (config.isOverfitCheck()) {
            return overfitVerdict(request, history, summary);
        }
        finish(request, config, data, inputs, graph, callbacks, history, stopReason);
        writeRunRecord(request, data, summary, history.size(), seconds, started, plan, cluster);
        return new Result(history, true, stopReason, summary);
    }

    /** Where a run starts: a checkpoint's network, history and time, or a new (perhaps pretrained) network at epoch 1. */
    private record Start(ComputationGraph graph, List<EpochRecord> history, int firstEpoch, double seconds) {
    }

    private void sayWhatTheSplitMeans(TrainingConfig config, Splits.Split split) {
        if (config.isOverfitCheck()) {
            console.info("Sanity check: training on " + split.train().length + " examples without augmentation or"
                    + " regularisation; the training loss should fall to about 0");
        }
        if (config.batchSize() > split.train().length) {
            console.warn("cnn.batchSize " + config.batchSize() + " is larger than the training set (" + split.train().length
                    + " images): each epoch is one batch of " + split.train().length);
        }
    }

    private Start resumeOrInit(TrainRequest request, TrainingConfig config, NetworkBuilder.Built built,
                               TrainingCallbacks callbacks, int classes) throws IOException, CnnException {
        Checkpointer.Resumed resumed = callbacks.checkpointer.resume(request.context().fresh(), config.epochs(), console);
        Start start;
        if (resumed != null) {
            start = new Start(resumed.graph(), new ArrayList<>(resumed.state().history()), resumed.state().epoch() + 1,
                    resumed.state().seconds());
            if (callbacks.plateau != null) {
                start.graph().setLearningRate(callbacks.plateau.currentRate());
            }
        } else {
            ComputationGraph graph = new ComputationGraph(built.configuration());
            graph.init();
            if (request.context().pretrained() != null) {
                Pretrained.Loaded loaded = Pretrained.load(graph, request.context().pretrained());
                console.info("Fine-tuning from " + request.context().pretrained() + " (cnn.pretrained: " + loaded.source() + "): the weights"
                        + " of " + loaded.layers() + " layers loaded; the classifier " + loaded.classifier() + " is new, for "
                        + classes + " classes");
            }
            start = new Start(graph, new ArrayList<>(), 1, 0);
        }
        if (config.freezeEpochs() > 0 && request.context().pretrained() != null) {
            String classifier = Pretrained.classifier(start.graph());
            FrozenBackbone frozen = callbacks.freeze(config.freezeEpochs(), classifier, start.graph());
            if (frozen.frozen(start.firstEpoch())) {
                console.info("Epochs 1-" + config.freezeEpochs() + " train only the classifier " + classifier
                        + " (cnn.freezeEpochs: every other layer keeps its pretrained weights); then every layer trains");
            }
        }
        return start;
    }

    /** Gives the network the plugin's faster layers, and logs the model and the backend. */
    private NativeMemory installAndLog(ComputationGraph graph, ModelSummary summary, int threads, int batchWorkers)
            throws CnnException {
        TrainingLayers.Installed trainingLayers = TrainingLayers.install(graph);
        summary.lines().forEach(console::info);
        NativeMemory nativeMemory = NativeMemory.fromSystemProperties();
        logBackend(threads, batchWorkers, trainingLayers, nativeMemory);
        return nativeMemory;
    }

    /**
     * Trains one epoch at a time: its batches, then the metrics of a fixed sample of the training split
     * (un-augmented) and of the validation split. Holds what does not change from epoch to epoch.
     */
    private final class Epochs implements AutoCloseable {
        private final ComputationGraph graph;
        private final TrainingConfig config;
        private final ImageSet train;
        private final TrainingInputs inputs;
        private final DataParallel.Plan plan;
        private final ClusterTraining cluster;
        private final boolean interactive;
        private final List<TrainingCallback> callbacks;
        private final WeightAverage averaging;
        private final NativeMemory nativeMemory;
        private final int[] trainSample;
        private final String firstLayer;
        /** The batch split among one-threaded workers (fork.BatchSplit); null to fit it whole. */
        private final SplitBatchStep split;

        Epochs(ComputationGraph graph, TrainingConfig config, ImageSet train, TrainingInputs inputs, DataParallel.Plan plan,
               ClusterTraining cluster, boolean interactive, TrainingCallbacks callbacks, int[] trainSample,
               NativeMemory nativeMemory, int batchWorkers) {
            this.graph = graph;
            this.config = config;
            this.train = train;
            this.inputs = inputs;
            this.plan = plan;
            this.cluster = cluster;
            this.interactive = interactive;
            this.callbacks = callbacks.list();
            this.averaging = callbacks.averaging;
            this.nativeMemory = nativeMemory;
            this.trainSample = trainSample;
            this.firstLayer = graph.getLayers()[0].conf().getLayer().getLayerName();
            this.split = batchWorkers > 1 && cluster == null && !plan.isParallel() ? new SplitBatchStep(graph, batchWorkers) : null;
        }

        @Override
        public void close() {
            if (split != null) {
                split.close();
            }
        }

        /** @param planned the epochs planned before this one (SWA averages the last of them) */
        EpochRecord train(int epoch, int planned) throws CnnException {
            long epochStart = System.nanoTime();
            long dropoutSeed = config.seed() * 1_000_003L + epoch; // dropout: reproducible, also after a resume
            Nd4j.getRandom().setSeed(dropoutSeed);
            if (split != null) {
                split.seed(dropoutSeed);
            }
            int[] order = inputs.epochOrder(epoch);
            double trainLoss = cluster != null
                    ? cluster.fitEpoch(graph, order, epoch, callbacks, new EpochProgress(epoch, order.length, interactive,
                    System::nanoTime, console))
                    : fitEpoch(graph, inputs, plan, split, order, epoch, interactive, callbacks, nativeMemory);
            graph.incrementEpochCount(); // epoch-based schedules read it
            double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
            if (averaging != null) {
                averaging.epochTrained(epoch, planned, graph);
            }
            double[][] metrics = averaging == null ? measure(graph) : averaging.withAveraged(graph, this::measure);
            nativeMemory.collectAndTrim(); // what evaluation left, before the next epoch allocates again
            double[] trainEval = metrics[0];
            double[] valEval = metrics[1];
            return new EpochRecord(epoch, trainLoss, trainEval[1], valEval[0], valEval[1], graph.getLearningRate(firstLayer),
                    (System.nanoTime() - epochStart) / 1e9, order.length / trainSeconds);
        }

        /** Loss and accuracy of the training sample and of the validation split, with the weights {@code g} holds. */
        private double[][] measure(ComputationGraph g) {
            double[] trainEval = evaluate(g, train, trainSample, inputs.normalizer(), config.batchSize(),
                    inputs.evaluationFraming());
            int[] validation = inputs.split().validation();
            double[] valEval = validation.length > 0 ? evaluate(g, train, validation, inputs.normalizer(),
                    config.batchSize(), inputs.evaluationFraming()) : new double[] {Double.NaN, Double.NaN};
            return new double[][] {trainEval, valEval};
        }
    }

    /** The fixed, class-stratified sample of un-augmented training images measured at each epoch's end. */
    static int[] trainSample(TrainingConfig config, ImageSet train, Splits.Split split) {
        return Arrays.copyOf(Splits.epochOrder(split.train(), train.labels(), train.numClasses(), false, config.seed()),
                Math.min(split.train().length, TRAIN_ACCURACY_SAMPLE));
    }

    /** model.zip (the best epoch's, or the last without validation) and history.json. */
    private void finish(TrainRequest request, TrainingConfig config, LoadedDataset data, TrainingInputs inputs,
                        ComputationGraph graph, TrainingCallbacks callbacks, List<EpochRecord> history, String stopReason)
            throws IOException, CnnException {
        OutputDirectory out = request.output();
        BestModelKeeper best = callbacks.best;
        int bestEpoch = best.hasBest() ? best.state().bestEpoch() : 0;
        if (best.hasBest()) {
            best.requireOwnedBy(request.fingerprint());
            AtomicFiles.write(out.modelFile(), tmp -> Files.copy(best.file(), tmp));
            console.info(String.format(Locale.ROOT, "Kept the best epoch, %d, with validation accuracy %.4f",
                    bestEpoch, best.state().bestValidationAccuracy()));
        } else {
            ModelMetadata metadata = metadata(request, config, data, inputs.normalizer(), history.size(), Double.NaN);
            if (callbacks.averaging == null) {
                ModelFile.write(graph, metadata, null, false, out.modelFile());
            } else {
                callbacks.averaging.withAveraged(graph, g -> {
                    ModelFile.write(g, metadata, null, false, out.modelFile());
                    return null;
                });
            }
        }
        new TrainingHistory(request.fingerprint(), history, bestEpoch,
                best.hasBest() ? best.state().bestValidationAccuracy() : null, stopReason).write(out.historyFile());
    }

    private void writeRunRecord(TrainRequest request, LoadedDataset data, ModelSummary summary, int epochsRun,
                                double seconds, long started, DataParallel.Plan plan, ClusterTraining cluster)
            throws CnnException {
        OptionalLong peakMb = ProcessMemory.peakResidentMb();
        runRecord(request, data, summary, epochsRun, seconds, (System.nanoTime() - started) / 1e9, peakMb, plan,
                cluster == null ? null : cluster.describe()).write(request.output().runFile());
        peakMb.ifPresent(mb -> console.info("Peak resident memory of the training JVM: " + mb + " MB"));
        console.info("Wrote " + request.output().modelFile() + " and " + request.output().historyFile());
    }

    private static boolean isCuda() {
        return DeviceProbe.describe().backend().toUpperCase(Locale.ROOT).contains("CUDA");
    }

    /** The devices to train on ({@code cnn.gpus}) and each one's share of the batch. */
    private DataParallel.Plan parallelPlan(TrainRequest request, TrainingConfig config) throws CnnException {
        boolean cuda = isCuda();
        int workers = DataParallel.workers(request.context().gpus(), cuda, Nd4j.getAffinityManager().getNumberOfDevices(), console);
        if (workers == 1) {
            return DataParallel.Plan.single(config.batchSize());
        }
        DataParallel.Plan plan = DataParallel.Plan.of(config.batchSize(), workers);
        console.info("Data-parallel training on " + workers + (cuda ? " GPUs" : " CPU workers") + " (DL4J ParallelWrapper,"
                + " parameters and updater state averaged after every step): each takes " + plan.batchPerWorker()
                + " images of every batch of " + plan.batchPerWorker() * workers);
        return plan;
    }

    /** One epoch of training batches; returns the mean of the batches' losses. */
    private double fitEpoch(ComputationGraph graph, TrainingInputs inputs, DataParallel.Plan plan, SplitBatchStep split,
                            int[] order, int epoch, boolean interactive, List<TrainingCallback> callbacks,
                            NativeMemory nativeMemory)
            throws CnnException {
        double lossSum = 0;
        int batches = 0;
        int images = 0;
        EpochProgress progress = new EpochProgress(epoch, order.length, interactive, System::nanoTime, console);
        if (plan.isParallel()) {
            return DataParallel.fitEpoch(graph, plan, inputs.batchesInPlace(order, epoch, plan.batchPerWorker()), epoch,
                    callbacks, progress);
        }
        AsyncDataSetIterator it = inputs.batches(order, epoch);
        try {
            while (it.hasNext()) {
                DataSet batch = it.next();
                double loss = split != null ? split.fit(batch) : fitBatch(graph, batch);
                nativeMemory.maybeTrim();
                batches++;
                images += batch.numExamples();
                BatchEnd end = new BatchEnd(epoch, batches, loss, graph);
                for (TrainingCallback callback : callbacks) {
                    callback.afterBatch(end);
                }
                lossSum += loss;
                progress.update(images);
            }
        } finally {
            it.shutdown();
        }
        return lossSum / Math.max(1, batches);
    }

    /**
     * One training step; returns the batch's data loss (the mean cross-entropy against its labels, as
     * smoothed by cnn.labelSmoothing), the same quantity as the validation loss, so the two curves compare.
     */
    static double fitBatch(ComputationGraph graph, DataSet batch) {
        // DL4J's score adds the weight-decay (or L2) penalty of the parameters it scored, the ones before
        // this step's update: take that penalty now. One taken some steps earlier is larger than the
        // scored one while weight decay shrinks the weights, and drove the reported loss below zero.
        double penalty = graph.calcRegularizationScore(true);
        graph.fit(batch);
        return graph.score() - penalty;
    }

    /** A step's score less the penalty of the parameters it was scored with (called before their update). */
    static double dataLoss(double score, ComputationGraph graph) {
        return score - graph.calcRegularizationScore(true);
    }

    private Result overfitVerdict(TrainRequest request, List<EpochRecord> history, ModelSummary summary) throws CnnException {
        EpochRecord lastEpoch = history.get(history.size() - 1);
        Json.write(request.output().overfitFile(), Map.of("examples", request.config().overfit(), "epochs", history));
        if (lastEpoch.trainLoss() > 0.05 && lastEpoch.trainAccuracy() < 0.999) {
            throw new CnnException(String.format(Locale.ROOT, "Sanity check failed: after %d epochs on %d examples the"
                    + " training loss is %.4f and training accuracy %.4f, not about 0 and 1. The pipeline cannot fit even a"
                    + " tiny subset: check the labels, the learning rate (cnn.learningRate) and the network.",
                    lastEpoch.epoch(), request.config().overfit(), lastEpoch.trainLoss(), lastEpoch.trainAccuracy()));
        }
        console.info(String.format(Locale.ROOT, "Sanity check passed: training loss %.4f, training accuracy %.4f on %d"
                + " examples after %d epochs", lastEpoch.trainLoss(), lastEpoch.trainAccuracy(), request.config().overfit(),
                lastEpoch.epoch()));
        return new Result(history, true, "overfit check", summary);
    }

    /** The share of the largest class among {@code indices}: the accuracy of always guessing it. */
    static double largestShare(int[] labels, int[] indices, int classes) {
        int[] counts = new int[classes];
        for (int i : indices) {
            counts[labels[i]]++;
        }
        return Arrays.stream(counts).max().orElse(0) / (double) Math.max(1, indices.length);
    }

    /** Mean cross-entropy and accuracy (DL4J's Evaluation) over the given images, without augmentation. */
    static double[] evaluate(ComputationGraph graph, ImageSet images, int[] indices, ChannelNormalizer normalizer, int batchSize,
                             Framing framing) {
        Evaluation evaluation = new Evaluation(images.numClasses());
        ImageBatches batches = new ImageBatches(images, indices, batchSize, normalizer, null, 0, 0, framing);
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

    private void logEpoch(EpochRecord r, int epochs, double secondsPerEpoch) {
        // without a validation split (cnn.validationSplit=0) there is nothing to print rather than NaN
        String validation = Double.isNaN(r.validationAccuracy()) ? ""
                : String.format(Locale.ROOT, "  val loss %.4f acc %.4f", r.validationLoss(), r.validationAccuracy());
        console.info(String.format(Locale.ROOT, "Epoch %d/%d  train loss %.4f acc %.4f%s  lr %.3g"
                        + "  %.1f s  %.0f img/s  ETA %s", r.epoch(), epochs, r.trainLoss(), r.trainAccuracy(),
                validation, r.learningRate(), r.seconds(), r.imagesPerSecond(),
                duration(secondsPerEpoch * (epochs - r.epoch()))));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private void logBackend(int threads, int batchWorkers, TrainingLayers.Installed trainingLayers, NativeMemory nativeMemory) {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String threading = batchWorkers > 1 ? threads + " threads (each batch split among " + batchWorkers
                + " one-threaded workers)" : threads + " threads" + (threads > 1 ? BatchSplit.SWITCH.offNote() : "");
        console.info("Backend: " + env.getOrDefault("backend", "?") + ", BLAS " + env.getOrDefault("blas.vendor", "?")
                + ", " + threading + ", " + env.getOrDefault("cores", "?") + " cores, oneDNN layer helpers "
                + (LayerHelpers.oneDnnOn() ? "on" : "off") + ", " + trainingLayers.describe() + ", " + nativeMemory.describe());
    }

    private static ModelMetadata metadata(TrainRequest request, TrainingConfig config, LoadedDataset data,
                                          ChannelNormalizer normalizer, int epoch, double validationAccuracy) {
        ImageSet train = data.train();
        return new ModelMetadata(request.fingerprint(), config.networkName(), train.classNames(), train.channels(),
                data.inputSide(), data.inputSide(), normalizer.mean(), normalizer.std(), epoch, validationAccuracy,
                data.inputSide() == train.height() ? 0 : train.height());
    }

    private static RunRecord runRecord(TrainRequest request, LoadedDataset data, ModelSummary summary, int epochsRun,
                                       double trainingSeconds, double wallSeconds, OptionalLong peakResidentMb,
                                       DataParallel.Plan plan, ClusterRun cluster) {
        DeviceInfo device = DeviceProbe.describe();
        return new RunRecord(request.fingerprint(), data.describe(), request.config(),
                RunRecord.Model.of(request.config().networkName(), summary), device.backend(), device.device(),
                request.context().threads(), epochsRun, trainingSeconds, wallSeconds,
                peakResidentMb.isPresent() ? peakResidentMb.getAsLong() : null, device,
                cluster == null ? plan.workers() : cluster.workers(), cluster == null ? "local" : cluster.engine(), cluster);
    }
}
