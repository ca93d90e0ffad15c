package io.github.cnnmaven.training;

import io.github.cnnmaven.kernels.TrainingLayers;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Training steps whose batch is split among workers ({@link io.github.cnnmaven.fork.BatchSplit}): the
 * network's own thread takes the first share and each helper thread one more, on a copy of the network
 * that holds the same parameters. The shares' gradients are summed and the network's own updater takes
 * one step with them and the whole batch's size, as {@code graph.fit(batch)} would.
 * <p>
 * The same step as on the whole batch (a test holds it to that) except for batch norm, which normalises
 * each share by its own statistics (as each GPU does in PyTorch's DistributedDataParallel) and moves its
 * running statistics by their average. DL4J's {@code ParallelWrapper} averages the workers' parameters
 * and updater states after each of them has stepped instead: for Adam that is not one step on the batch,
 * and it ran an epoch slower than one worker here (69 s against 54 s).
 * <p>
 * Deterministic: each worker is single-threaded, its dropout generator seeded from the epoch, and the
 * shares are summed in worker order.
 */
public final class SplitBatchStep implements AutoCloseable {
    private final ComputationGraph graph;
    private final List<ComputationGraph> helpers = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();
    /** The workspace of the updater's scratch arrays, on the network's own thread. */
    static final String UPDATER_WORKSPACE = "CNN_SPLIT_BATCH_UPDATER";
    /**
     * The updater's scratch arrays in a workspace, as in DL4J's own fit: outside one, every step's would be
     * freed only when the garbage collector ran. The workspace first: {@code defaultNoWorkspace()} scopes out
     * every array type not configured yet, and a later {@code with} does not undo that.
     */
    private static final LayerWorkspaceMgr UPDATER_MEMORY = LayerWorkspaceMgr.builder()
            .with(ArrayType.UPDATER_WORKING_MEM, UPDATER_WORKSPACE, WorkspaceConfiguration.builder()
                    .initialSize(0).overallocationLimit(0.05).policyLearning(LearningPolicy.FIRST_LOOP)
                    .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE)
                    .policyAllocation(AllocationPolicy.OVERALLOCATE).build())
            .defaultNoWorkspace()
            .build();
    /** This step's copies of the batch's rows, closed after it. */
    private final List<INDArray> copies = new ArrayList<>();
    /** Gradients of batch-norm statistics: a moving-average step per share, averaged rather than summed. */
    private final List<String> averaged = new ArrayList<>();

    /** @param workers the network's own thread and {@code workers - 1} helpers (at least 2 in all) */
    public SplitBatchStep(ComputationGraph graph, int workers) {
        if (workers < 2) {
            throw new IllegalArgumentException("a split step needs at least 2 workers, not " + workers);
        }
        this.graph = graph;
        for (int i = 1; i < workers; i++) {
            ComputationGraph helper = graph.clone();
            TrainingLayers.install(helper);
            helpers.add(helper);
            int index = i;
            threads.add(Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "cnn-batch-worker-" + index);
                thread.setDaemon(true);
                return thread;
            }));
        }
        for (GraphVertex vertex : graph.getVertices()) {
            Layer layer = vertex.getLayer();
            if (layer != null) {
                for (String param : layer.paramTable().keySet()) {
                    if (!layer.updaterDivideByMinibatch(param)) {
                        averaged.add(vertex.getVertexName() + "_" + param);
                    }
                }
            }
        }
    }

    public int workers() {
        return helpers.size() + 1;
    }

    /** Seeds each helper's dropout from {@code seed}, as the caller seeds its own thread's at each epoch. */
    public void seed(long seed) {
        List<Callable<Object>> seeding = new ArrayList<>();
        for (int i = 0; i < helpers.size(); i++) {
            long helperSeed = seed + 7_919L * (i + 1);
            seeding.add(() -> {
                Nd4j.getRandom().setSeed(helperSeed);
                return null;
            });
        }
        await(submit(seeding));
    }

    /** One step on {@code batch}; returns its data loss (the score less the weight penalty scored), as {@link Trainer#fitBatch}. */
    public double fit(DataSet batch) {
        int n = batch.numExamples();
        int workers = Math.min(workers(), n);
        if (workers < 2) {
            return Trainer.fitBatch(graph, batch);
        }
        int[] bounds = new int[workers + 1];
        for (int w = 0; w <= workers; w++) {
            bounds[w] = (int) ((long) n * w / workers);
        }
        INDArray params = graph.params();
        List<Callable<Object>> shares = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            ComputationGraph helper = helpers.get(w - 1);
            helper.params().assign(params);
            helper.getConfiguration().setIterationCount(graph.getIterationCount());
            helper.getConfiguration().setEpochCount(graph.getEpochCount());
            INDArray features = share(batch.getFeatures(), bounds[w], bounds[w + 1]);
            INDArray labels = share(batch.getLabels(), bounds[w], bounds[w + 1]);
            shares.add(() -> gradient(helper, features, labels));
        }
        List<Future<Object>> running = submit(shares);
        double[] scores = new double[workers];
        scores[0] = gradient(graph, share(batch.getFeatures(), 0, bounds[1]), share(batch.getLabels(), 0, bounds[1]));
        List<Object> helperScores = await(running);
        Gradient gradient = graph.gradient();
        INDArray sum = graph.getFlattenedGradients();
        for (int w = 1; w < workers; w++) {
            scores[w] = (Double) helperScores.get(w - 1);
            sum.addi(helpers.get(w - 1).getFlattenedGradients());
        }
        for (String key : averaged) {
            gradient.getGradientFor(key).divi(workers);
        }
        double penalty = graph.calcRegularizationScore(true); // of the parameters scored, before the update
        // what DL4J's StochasticGradientDescent does after computing a gradient: the updater, the step, the count
        graph.getUpdater().update(new NetworksOwn(gradient, sum), graph.getIterationCount(), graph.getEpochCount(), n,
                UPDATER_MEMORY);
        params.subi(sum.reshape(params.shape()));
        graph.getConfiguration().setIterationCount(graph.getIterationCount() + 1);
        copies.forEach(INDArray::close); // their memory now, not when the collector gets to them
        copies.clear();
        double loss = 0;
        for (int w = 0; w < workers; w++) {
            loss += (scores[w] - penalty) * (bounds[w + 1] - bounds[w]);
        }
        return loss / n;
    }

    /**
     * The network's gradient, handing the updater the network's own flattened array. DL4J 1.0.0-M2.1's
     * {@code DefaultGradient.gradient()} returns a new reshaped view at every call, so the updater never recognises
     * the network's array and takes its path for a gradient from another network: the same arithmetic on the same
     * memory, through views it creates anew for every parameter, twice a step, where the other path has kept them
     * since it was built. For resnet20 that was a quarter of the arrays a step creates, each tracked by ND4J until
     * the collector reached it; together they made every young collection copy 20-40 MB (docs/benchmarks.md).
     */
    private record NetworksOwn(Gradient of, INDArray flattened) implements Gradient {
        @Override
        public Map<String, INDArray> gradientForVariable() {
            return of.gradientForVariable();
        }

        @Override
        public INDArray gradient(List<String> order) {
            return of.gradient(order);
        }

        @Override
        public INDArray gradient() {
            return flattened;
        }

        @Override
        public void clear() {
            of.clear();
        }

        @Override
        public INDArray getGradientFor(String variable) {
            return of.getGradientFor(variable);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient) {
            return of.setGradientFor(variable, gradient);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient, Character flatteningOrder) {
            return of.setGradientFor(variable, gradient, flatteningOrder);
        }

        @Override
        public Character flatteningOrderForVariable(String variable) {
            return of.flatteningOrderForVariable(variable);
        }
    }

    /** A worker's rows of the batch, as an array of its own (a network reads its input from offset 0). */
    private INDArray share(INDArray array, int from, int to) {
        INDArray copy = array.get(NDArrayIndex.interval(from, to)).dup();
        copies.add(copy);
        return copy;
    }

    /** Forward and backward pass of one share; returns its score (mean loss plus the weight penalty). */
    private static double gradient(ComputationGraph g, INDArray features, INDArray labels) {
        g.setInputs(features);
        g.setLabels(labels);
        g.computeGradientAndScore();
        double score = g.score();
        g.clearLayersStates();
        return score;
    }

    private List<Future<Object>> submit(List<Callable<Object>> tasks) {
        List<Future<Object>> futures = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            futures.add(threads.get(i).submit(tasks.get(i)));
        }
        return futures;
    }

    private static List<Object> await(List<Future<Object>> futures) {
        List<Object> results = new ArrayList<>();
        for (Future<Object> future : futures) {
            try {
                results.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while a batch worker computed its share", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error; // an OutOfMemoryError stays one, for MemoryFailure's message
                }
                throw new IllegalStateException(cause);
            }
        }
        return results;
    }

    @Override
    public void close() {
        threads.forEach(ExecutorService::shutdownNow);
    }
}
