package io.github.cnnmaven.training;

import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.kernels.TrainingLayers;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.testing.TrainingFixtures;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch split among one-threaded workers (fork.BatchSplit): the step of the whole batch, computed in shares. */
class SplitBatchStepTest {

    @TempDir
    Path temp;

    private static final InputShape SHAPE = new InputShape(1, 28, 28, 10);

    private static ComputationGraph network(boolean batchNorm, double dropout) throws Exception {
        return network(batchNorm, dropout, Optimizer.ADAMW);
    }

    private static ComputationGraph network(boolean batchNorm, double dropout, Optimizer optimizer) throws Exception {
        TrainingConfig config = TrainingConfig.builder().network("lenet5").epochs(2).batchSize(12).batchNorm(batchNorm)
                .dropout(dropout).optimizer(optimizer).learningRate(0.01).weightDecay(0.05).labelSmoothing(0.1)
                .schedule(Schedule.ONECYCLE).seed(3).build();
        ComputationGraph graph = new ComputationGraph(NetworkBuilder.build(config, SHAPE, 4).configuration());
        graph.init();
        TrainingLayers.install(graph);
        return graph;
    }

    /** Another network with the same parameters and optimiser state, as a split step's helpers start. */
    private static ComputationGraph copy(ComputationGraph graph) {
        ComputationGraph copy = graph.clone();
        TrainingLayers.install(copy);
        return copy;
    }

    private static DataSet batch(int images, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(DataType.FLOAT, images, 1, 28, 28);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, images, 10);
        for (int i = 0; i < images; i++) {
            labels.putScalar(i, (int) ((seed + 3L * i) % 10), 1f);
        }
        return new DataSet(features, labels);
    }

    /**
     * With SGD and momentum, whose step is linear in the gradient, to float rounding. (Adam divides by the root of
     * its second moment, which turns the rounding of a gradient near zero into a step of any size.)
     */
    @Test
    void withoutBatchNormASplitStepIsTheStepOnTheWholeBatch() throws Exception {
        ComputationGraph whole = network(false, 0, Optimizer.NESTEROV);
        ComputationGraph split = copy(whole);
        try (SplitBatchStep step = new SplitBatchStep(split, 3)) {
            for (int i = 0; i < 4; i++) {
                DataSet batch = batch(i == 3 ? 7 : 12, i); // the last of an epoch is smaller, and not a multiple of 3
                double wholeLoss = Trainer.fitBatch(whole, batch);
                double splitLoss = step.fit(batch);
                assertEquals(wholeLoss, splitLoss, 1e-4, "step " + i + ": the batch's data loss");
            }
        }
        assertEquals(4, split.getIterationCount(), "the schedule advanced by one per step");
        float[] expected = whole.params().toFloatVector();
        float[] actual = split.params().toFloatVector();
        float largest = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(largest < 1e-6, "parameters after 4 steps with momentum and weight decay differ by at most " + largest);
        assertTrue(whole.params().sub(network(false, 0, Optimizer.NESTEROV).params()).norm2Number().doubleValue() > 1e-3,
                "the steps moved them");
        assertTrue(whole.getUpdater().getStateViewArray().equalsWithEps(split.getUpdater().getStateViewArray(), 1e-6),
                "the momentum");
    }

    @Test
    void batchNormMovesItsRunningStatisticsByTheAverageOfTheShares() throws Exception {
        ComputationGraph start = network(true, 0);
        DataSet batch = batch(12, 5);
        ComputationGraph first = copy(start);
        Trainer.fitBatch(first, (DataSet) batch.getRange(0, 6));
        ComputationGraph second = copy(start);
        Trainer.fitBatch(second, (DataSet) batch.getRange(6, 12));
        ComputationGraph split = copy(start);
        try (SplitBatchStep step = new SplitBatchStep(split, 2)) {
            step.fit(batch);
        }
        List<String> statistics = new ArrayList<>();
        split.paramTable().forEach((name, value) -> {
            if (name.endsWith("_mean") || name.endsWith("_var") || name.endsWith("_log10stdev")) {
                statistics.add(name);
                INDArray average = first.getParam(name).add(second.getParam(name)).divi(2);
                assertTrue(average.equalsWithEps(value, 1e-5), name + ": " + value + " is the shares' " + average);
                assertNotEquals(start.getParam(name), value, name + " moved");
            }
        });
        assertTrue(statistics.size() >= 2, "the network has batch-norm statistics: " + split.paramTable().keySet());
    }

    @Test
    void theSameSeedGivesTheSameStepsBitForBit() throws Exception {
        ComputationGraph start = network(true, 0.3);
        float[][] runs = new float[2][];
        for (int run = 0; run < 2; run++) {
            ComputationGraph graph = copy(start);
            try (SplitBatchStep step = new SplitBatchStep(graph, 2)) {
                Nd4j.getRandom().setSeed(11);
                step.seed(11);
                for (int i = 0; i < 3; i++) {
                    step.fit(batch(12, 20 + i));
                }
            }
            runs[run] = graph.params().toFloatVector();
        }
        assertArrayEquals(runs[0], runs[1], "dropout on every worker seeded, shares summed in order");
    }

    /**
     * DL4J's updater takes its path for another network's gradient unless it is handed the network's own flattened
     * array, which DL4J's own gradient never returns (a new view at every call): that path builds views of every
     * parameter twice a step. The step hands it the array itself.
     */
    @Test
    void theUpdaterIsHandedTheNetworksOwnGradientArray() throws Exception {
        ComputationGraph graph = network(true, 0, Optimizer.NESTEROV);
        List<Boolean> own = new ArrayList<>();
        graph.setUpdater(new ComputationGraphUpdater(graph) {
            @Override
            public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                            LayerWorkspaceMgr workspaceMgr) {
                own.add(gradient.gradient() == getFlattenedGradientsView());
                super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            }
        });
        try (SplitBatchStep step = new SplitBatchStep(graph, 2)) {
            step.fit(batch(12, 3));
            step.fit(batch(12, 4));
        }
        assertEquals(List.of(true, true), own, "the updater got the network's own array at each step");
        assertNotSame(graph.getFlattenedGradients(), graph.gradient().gradient(),
                "DL4J's gradient now returns the array itself: drop NetworksOwn");
    }

    /**
     * The updater's scratch arrays live in a workspace that every step enters, as in DL4J's own fit: outside one,
     * each step's would wait for the garbage collector. (It was once configured and never entered: DL4J's builder
     * had scoped the type out before it was named.)
     */
    @Test
    void everyStepRunsTheUpdaterInItsWorkspace() throws Exception {
        ComputationGraph graph = network(true, 0.3, Optimizer.NESTEROV);
        String id = SplitBatchStep.UPDATER_WORKSPACE;
        long[] generations = new long[4];
        long[] sizes = new long[generations.length];
        try (SplitBatchStep step = new SplitBatchStep(graph, 2)) {
            for (int i = 0; i < generations.length; i++) {
                step.fit(batch(12, 40 + i));
                assertTrue(Nd4j.getWorkspaceManager().checkIfWorkspaceExists(id),
                        "the updater ran in " + id + ", not only " + Nd4j.getWorkspaceManager().getAllWorkspacesIdsForCurrentThread());
                MemoryWorkspace workspace = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(id);
                generations[i] = workspace.getGenerationId();
                sizes[i] = workspace.getCurrentSize();
            }
        }
        for (int i = 1; i < generations.length; i++) {
            assertTrue(generations[i] > generations[i - 1], "entered at each step: " + Arrays.toString(generations));
            assertEquals(sizes[1], sizes[i], "reused, not grown: " + Arrays.toString(sizes));
        }
    }

    /** In a JVM of one native thread, as the fork runner starts a training of batch 64 on two threads. */
    @Test
    void aTrainingOnTwoThreadsSplitsItsBatchesAndLearns() throws Exception {
        List<String> infos = new ArrayList<>();
        TrainingConfig config = TrainingConfig.builder().network("lenet5").epochs(4).batchSize(64).validationSplit(0.2)
                .optimizer(Optimizer.ADAM).learningRate(0.003).build();
        LoadedDataset data = TrainingFixtures.shapes(120);
        TrainRequest request = new TrainRequest(TrainingFixtures.context(data.prepared(), null, temp.resolve("out")), config,
                "fp");
        assertEquals(2, request.context().threads());
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        List<EpochRecord> history;
        try {
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            history = new Trainer(Console.of(infos::add, s -> { })).train(request, data, null).history();
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
        }
        assertTrue(infos.stream().anyMatch(l -> l.contains(", 2 threads (each batch split among 2 one-threaded workers),")),
                infos.toString());
        assertTrue(history.get(3).trainLoss() < history.get(0).trainLoss(), "the loss falls: " + history);
        assertTrue(history.get(3).validationAccuracy() > 0.3, "well above chance (0.1): " + history);
    }
}
