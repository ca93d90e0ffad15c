package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.network.NetworkDefinitionException;
import io.github.cnnmaven.training.schedule.Schedules;
import io.github.cnnmaven.output.EpochRecord;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cnn.maxMinutes with a schedule: the schedule is planned to end when the budget does. */
class BudgetPlannerTest {

    static final int STEPS = 10;
    static final double PEAK = 0.003;

    final List<String> log = new ArrayList<>();
    final long[] now = {0};
    final TrainingConfig config = TrainingConfig.builder().network("lenet5").epochs(20).batchSize(32)
            .optimizer(Optimizer.ADAMW).learningRate(PEAK).schedule(Schedule.ONECYCLE).maxMinutes(1).build();
    final ComputationGraph graph = graph(config);

    static ComputationGraph graph(TrainingConfig config) {
        try {
            ComputationGraph g = new ComputationGraph(NetworkBuilder.build(config, new InputShape(1, 28, 28, 10), STEPS)
                    .configuration());
            g.init();
            return g;
        } catch (NetworkDefinitionException e) {
            throw new IllegalStateException(e);
        }
    }

    BudgetPlanner planner() {
        return planner(0);
    }

    BudgetPlanner planner(int minEpochs) {
        return new BudgetPlanner(1, 20, minEpochs, STEPS, 0.0, (g, epochs) -> Schedules.replan(g, config, STEPS, epochs),
                () -> now[0], Console.of(log::add, log::add));
    }

    static double rate(ComputationGraph g, int iteration) {
        return ((BaseLayer) g.getLayers()[0].conf().getLayer()).getIUpdater().getLearningRate(iteration, iteration / STEPS);
    }

    /** The first epoch's steps at {@code seconds} each; the planner times them. */
    void firstEpoch(BudgetPlanner planner, double seconds) {
        for (int i = 1; i <= STEPS; i++) {
            now[0] += (long) (seconds * 1e9);
            planner.afterBatch(new BatchEnd(1, i, 1.0, graph));
        }
    }

    String endEpoch(BudgetPlanner planner, int epoch, double secondsEach) {
        List<EpochRecord> history = new ArrayList<>();
        for (int e = 1; e <= epoch; e++) {
            history.add(new EpochRecord(e, 1, 0.5, 1, 0.5, 0.001, secondsEach, 100));
        }
        return planner.afterEpoch(new EpochEnd(history.get(epoch - 1), graph, null, true, planner.plannedEpochs(),
                secondsEach * epoch, history));
    }

    /**
     * cnn.minEpochs: on a machine too slow for them in the budget (here 20 s an epoch: 3 fit in a
     * minute) the plan keeps the minimum, the schedule ends there, the log says it overruns, and the
     * hard stop does not cut it short.
     */
    @Test
    void aSlowMachineStillGetsTheMinimumEpochsAndIsToldItOverruns() {
        BudgetPlanner planner = planner(8);
        firstEpoch(planner, 2.0);
        assertEquals(8, planner.plannedEpochs(), "3 fit, 8 kept");
        assertEquals("Time budget: only 3 of the 20 epochs fit in 1 minutes (cnn.maxMinutes; 20.0 s an epoch expected"
                + " from the first 5 steps), but cnn.minEpochs keeps 8: training runs past the budget, about 3 minutes in all",
                log.get(0));
        assertNull(endEpoch(planner, 1, 40.0), "twice as slow again: still 8");
        assertEquals(8, planner.plannedEpochs());
        TimeBudget budget = new TimeBudget(1, 8);
        for (int epoch = 1; epoch < 8; epoch++) {
            assertNull(budget.afterEpoch(epochEnd(epoch, 20.0)), "the budget is used up, the minimum is not: " + epoch);
        }
        assertEquals("time budget of 1 minutes (cnn.maxMinutes) used up", budget.afterEpoch(epochEnd(8, 20.0)));
        assertEquals("the 8 epochs planned for the time budget of 1 minutes (cnn.maxMinutes) are done",
                endEpoch(planner, 8, 20.0));
        assertEquals(8, planner.kept(3));
        assertEquals(12, planner.kept(12), "a machine fast enough plans what fits");
        assertEquals(PEAK / 25 / 1e4, rate(graph, 8 * STEPS - 1), 1e-12, "1cycle ends at its final rate in epoch 8");
    }

    EpochEnd epochEnd(int epoch, double secondsEach) {
        List<EpochRecord> history = new ArrayList<>();
        for (int e = 1; e <= epoch; e++) {
            history.add(new EpochRecord(e, 1, 0.5, 1, 0.5, 0.001, secondsEach, 100));
        }
        return new EpochEnd(history.get(epoch - 1), graph, null, true, 20, secondsEach * epoch, history);
    }

    @Test
    void aBudgetedOneCycleRunEndsWithTheScheduleFinalRateInItsLastEpoch() {
        BudgetPlanner planner = planner();
        assertEquals(20, planner.plannedEpochs(), "cnn.epochs until measured");
        firstEpoch(planner, 0.5); // 5 s an epoch: 12 of the 20 fit in a minute
        assertEquals(12, planner.plannedEpochs());
        assertTrue(log.get(0).startsWith("Time budget: 12 of the 20 epochs fit in 1 minutes (cnn.maxMinutes; 5.0 s an epoch"
                + " expected from the first 5 steps): the schedule is planned to end after epoch 12"), log.toString());
        int last = 12 * STEPS - 1;
        assertEquals(PEAK / 25 / 1e4, rate(graph, last), 1e-12, "the final rate at the last step of epoch 12");
        assertEquals(PEAK, rate(graph, (int) (0.3 * 12 * STEPS) - 1), 1e-12, "the peak at 30 % of the planned steps");
        for (int epoch = 1; epoch < 12; epoch++) {
            assertNull(endEpoch(planner, epoch, 5.0), "epoch " + epoch);
        }
        String stop = endEpoch(planner, 12, 5.0);
        assertEquals("the 12 epochs planned for the time budget of 1 minutes (cnn.maxMinutes) are done", stop);
        assertEquals(1, log.size(), "measured times as expected: no re-plan " + log);
    }

    @Test
    void slowerEpochsShrinkThePlanAndTheScheduleFollows() {
        BudgetPlanner planner = planner();
        firstEpoch(planner, 0.5);
        assertNull(endEpoch(planner, 1, 5.0));
        assertNull(endEpoch(planner, 2, 7.5)); // 15 s so far: 45 s left, 6 more epochs
        assertEquals(8, planner.plannedEpochs());
        assertTrue(log.get(1).startsWith("Time budget re-planned: 8 of the 20 epochs"), log.toString());
        assertEquals(PEAK / 25 / 1e4, rate(graph, 8 * STEPS - 1), 1e-12);
    }

    @Test
    void aResumedBudgetedRunKeepsItsPlan() {
        BudgetPlanner first = planner();
        firstEpoch(first, 0.5);
        assertNull(endEpoch(first, 1, 5.0));

        // The checkpoint: the planner's state, and the network with its schedule, through JSON.
        BudgetPlanner resumed = planner();
        resumed.restoreState(first.saveState());
        ComputationGraph restored = new ComputationGraph(ComputationGraphConfiguration.fromJson(graph.getConfiguration()
                .toJson()));
        restored.init();
        assertEquals(12, resumed.plannedEpochs());
        now[0] = 0;
        for (int i = 1; i <= STEPS; i++) { // epoch 1 again would be re-measured; a resumed run is past it
            now[0] += 50_000_000_000L;
            resumed.afterBatch(new BatchEnd(2, i, 1.0, restored));
        }
        assertEquals(12, resumed.plannedEpochs(), "no new measurement after a resume");
        assertEquals(PEAK / 25 / 1e4, rate(restored, 12 * STEPS - 1), 1e-12, "the schedule travels with the network");
    }
}
