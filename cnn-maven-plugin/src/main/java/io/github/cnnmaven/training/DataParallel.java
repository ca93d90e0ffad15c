package io.github.cnnmaven.training;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.training.callback.BatchEnd;
import io.github.cnnmaven.training.callback.TrainingCallback;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training on several devices at once ({@code cnn.gpus}) through DL4J's {@link ParallelWrapper}: one
 * worker per device, each with a copy of the network, their parameters and updater state averaged
 * after every step.
 * <p>
 * Why averaging after every step, not the wrapper's default gradient sharing: sharing sends
 * threshold-encoded gradients (quantised, with residuals carried over), made for links too slow for
 * whole updates, and its result depends on the threshold. Between the devices of one machine exact
 * averaging is affordable, and for SGD with momentum it is exactly one step on the whole batch.
 * <p>
 * {@code cnn.batchSize} stays the batch of one step: it is split among the workers, so the learning
 * rate and its schedule need no rescaling and a history means the same as on one device.
 */
public final class DataParallel {

    /**
     * How an epoch is spread over the workers.
     *
     * @param workers        devices (or, on the CPU, worker threads) training at once
     * @param batchPerWorker each worker's share of {@code cnn.batchSize}
     */
    public record Plan(int workers, int batchPerWorker) {

        /** One device: the whole batch. */
        public static Plan single(int batchSize) {
            return new Plan(1, batchSize);
        }

        /** {@code batchSize} split among {@code workers} (rounded up, so no image is left out of a step). */
        public static Plan of(int batchSize, int workers) throws InvalidConfigurationException {
            if (batchSize < workers) {
                throw InvalidConfigurationException.of("cnn.batchSize", batchSize, "it is split among the " + workers
                        + " devices of cnn.gpus: use at least " + workers + ", or fewer devices");
            }
            return new Plan(workers, (batchSize + workers - 1) / workers);
        }

        public boolean isParallel() {
            return workers > 1;
        }

        /** Optimiser steps in an epoch of {@code images}: one per round of one batch on every worker. */
        public int stepsPerEpoch(int images) {
            int batches = (images + batchPerWorker - 1) / batchPerWorker;
            return (batches + workers - 1) / workers;
        }
    }

    private DataParallel() {
    }

    /**
     * The number of workers for {@code cnn.gpus}.
     *
     * @param requested {@code cnn.gpus}: null for all devices
     * @param cuda      whether the CUDA backend runs
     * @param devices   the devices the backend sees
     */
    public static int workers(Integer requested, boolean cuda, int devices, Console console) throws InvalidConfigurationException {
        if (requested != null && requested < 1) {
            throw InvalidConfigurationException.of("cnn.gpus", requested, "use all, or a number of GPUs from 1");
        }
        if (!cuda) {
            int workers = requested == null ? 1 : requested;
            if (workers > 1) {
                console.info("cnn.gpus=" + workers + " on the CPU: " + workers + " data-parallel workers share the cores."
                        + " This is the multi-GPU code path, for testing it; it is not faster than one worker.");
            }
            return workers;
        }
        if (requested != null && requested > devices) {
            console.warn("cnn.gpus=" + requested + " but the machine has " + devices + " GPU" + (devices == 1 ? "" : "s")
                    + ": training on " + devices);
        }
        return requested == null ? devices : Math.min(requested, devices);
    }

    /**
     * Trains one epoch of {@code batches} (each of {@link Plan#batchPerWorker()} images, not prefetched) on the workers,
     * calling the callbacks after every worker's step with that step's data loss, and leaves the
     * averaged parameters and updater state in {@code graph}.
     *
     * @return the mean data loss of the steps
     */
    static double fitEpoch(ComputationGraph graph, Plan plan, DataSetIterator batches, int epoch,
                           List<TrainingCallback> callbacks, EpochProgress progress) throws CnnException {
        StepListener listener = new StepListener(graph, epoch, callbacks, progress, plan.batchPerWorker());
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(graph)
                .workers(plan.workers())
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .averagingFrequency(1)
                .averageUpdaters(true)
                .reportScoreAfterAveraging(false)
                .workspaceMode(WorkspaceMode.ENABLED)
                // The wrapper prepares batches ahead itself, in the way its workers can share: a batch
                // from an ordinary prefetching iterator lives in a workspace it soon overwrites.
                .prefetchBuffer(2 * plan.workers())
                .build();
        listener.wrapper = wrapper;
        wrapper.setListeners(listener);
        wrapper.fit(batches); // closes the workers at its end
        if (listener.failure != null) {
            throw listener.failure;
        }
        // Worker 0 trains the network itself (the others train copies), so its step count, which the
        // schedule reads, has advanced by one per round of steps: as on one device with the whole batch.
        return listener.lossSum / Math.max(1, listener.steps);
    }

    /**
     * Sees every worker's step (on the workers' threads, hence synchronized): the data loss for the
     * callbacks and the progress line. A callback's failure stops the wrapper and is rethrown after it.
     */
    private static final class StepListener extends BaseTrainingListener {
        private final ComputationGraph graph;
        private final int epoch;
        private final List<TrainingCallback> callbacks;
        private final EpochProgress progress;
        private final int batchPerWorker;
        private int steps;
        private double lossSum;
        private CnnException failure;
        /** Each worker's data loss of its current step, taken before the update (see onGradientCalculation). */
        private final Map<Model, Double> dataLoss = new IdentityHashMap<>();
        private ParallelWrapper wrapper;

        StepListener(ComputationGraph graph, int epoch, List<TrainingCallback> callbacks, EpochProgress progress,
                     int batchPerWorker) {
            this.graph = graph;
            this.epoch = epoch;
            this.callbacks = callbacks;
            this.progress = progress;
            this.batchPerWorker = batchPerWorker;
        }

        /**
         * As on one device: the data loss, without the weight-decay penalty DL4J's score adds. Here the
         * score is computed and the parameters are not yet updated, so the penalty is the one scored.
         */
        @Override
        public synchronized void onGradientCalculation(Model model) {
            dataLoss.put(model, Trainer.dataLoss(model.score(), (ComputationGraph) model));
        }

        @Override
        public synchronized void iterationDone(Model model, int iteration, int ignoredEpoch) {
            if (failure != null) {
                return;
            }
            // DL4J's optimizer calls onGradientCalculation before every update, so the step's loss is there
            Double stepLoss = dataLoss.remove(model);
            double loss = stepLoss != null ? stepLoss : Trainer.dataLoss(model.score(), (ComputationGraph) model);
            steps++;
            lossSum += loss;
            try {
                for (TrainingCallback callback : callbacks) {
                    callback.afterBatch(new BatchEnd(epoch, steps, loss, graph));
                }
            } catch (CnnException e) {
                failure = e;
                wrapper.stopFit();
            }
            progress.update(steps * batchPerWorker);
        }
    }
}
