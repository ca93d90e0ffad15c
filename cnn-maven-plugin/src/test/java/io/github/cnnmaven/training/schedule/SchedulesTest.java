package io.github.cnnmaven.training.schedule;

import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.Schedule;

import io.github.cnnmaven.config.TrainingConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulesTest {

    static TrainingConfig schedule(String name, int stepSize, List<Integer> milestones, int warmup) {
        return TrainingConfig.builder().network("lenet5").epochs(10).batchSize(32)
                .optimizer(Optimizer.NESTEROV).learningRate(0.1).weightDecay(0).schedule(Choice.fromJson(Schedule.class, name))
                .stepSize(stepSize).milestones(milestones).warmupEpochs(warmup).build();
    }

    @Test
    void stepAndMultistepDecayByEpoch() {
        ISchedule step = Schedules.learningRate(schedule("step", 3, List.of(), 0), 100);
        assertEquals(0.1, step.valueAt(0, 2), 1e-12);
        assertEquals(0.01, step.valueAt(300, 3), 1e-12);
        ISchedule multi = Schedules.learningRate(schedule("multistep", 0, List.of(5, 8), 0), 100);
        assertEquals(0.1, multi.valueAt(0, 4), 1e-12);
        assertEquals(0.01, multi.valueAt(0, 5), 1e-12);
        assertEquals(0.001, multi.valueAt(0, 9), 1e-12);
    }

    @Test
    void cosineAnnealsToZeroOverTraining() {
        ISchedule cosine = Schedules.learningRate(schedule("cosine", 0, List.of(), 0), 100);
        assertEquals(0.1, cosine.valueAt(0, 0), 1e-12);
        assertEquals(0.05, cosine.valueAt(500, 5), 1e-9);
        assertEquals(0.0, cosine.valueAt(1000, 10), 1e-9);
    }

    @Test
    void onecyclePeaksAtTheLearningRateWithMomentumAgainstIt() {
        TrainingConfig c = schedule("onecycle", 0, List.of(), 0);
        ISchedule lr = Schedules.learningRate(c, 100);
        ISchedule momentum = Schedules.momentum(c, 100);
        double start = lr.valueAt(0, 0);
        double peak = 0;
        int peakAt = 0;
        for (int i = 0; i < 1000; i++) {
            if (lr.valueAt(i, i / 100) > peak) {
                peak = lr.valueAt(i, i / 100);
                peakAt = i;
            }
        }
        assertEquals(0.1 / 25, start, 1e-9);
        assertEquals(0.1, peak, 1e-9);
        assertEquals(299, peakAt, "PyTorch's OneCycleLR: the peak after 30 % of the steps");
        assertEquals(0.1 / 25 / 1e4, lr.valueAt(999, 9), 1e-12, "annealed to 1/10^4 of the start at the last step");
        assertEquals((0.1 + 0.1 / 25 / 1e4) / 2, lr.valueAt(649, 6), 1e-9, "a cosine: half-way down half-way through the fall");
        assertEquals(0.95, momentum.valueAt(0, 0), 1e-9);
        assertTrue(momentum.valueAt(peakAt, 4) < 0.86, "momentum lowest where the rate peaks");
    }

    @Test
    void everyScheduleSurvivesTheNetworksJsonSoAdamsStateKeepsItsLayout() throws Exception {
        // DL4J lays updater state out in blocks of layers with equal updaters: a schedule without value
        // equality splits a rebuilt network (resume, ParallelWrapper's copies) into other blocks.
        for (Schedule schedule : Schedule.values()) {
            TrainingConfig c = TrainingConfig.builder().network("lenet5").epochs(3).batchSize(32).optimizer(Optimizer.ADAM)
                    .learningRate(0.003).schedule(schedule).warmupEpochs(1).build();
            ComputationGraph original = new ComputationGraph(NetworkBuilder.build(c, new InputShape(1, 28, 28, 10), 10)
                    .configuration());
            original.init();
            ComputationGraph rebuilt = new ComputationGraph(ComputationGraphConfiguration.fromJson(
                    original.getConfiguration().toJson()));
            rebuilt.init();
            assertEquals(original.getUpdater().getUpdaterBlocks().size(), rebuilt.getUpdater().getUpdaterBlocks().size(),
                    schedule.id());
        }
    }

    @Test
    void warmupRampsUpTheFirstEpochs() {
        ISchedule lr = Schedules.learningRate(schedule("constant", 0, List.of(), 2), 100);
        assertTrue(lr.valueAt(10, 0) < 0.02);
        assertEquals(0.1, lr.valueAt(250, 2), 1e-12);
    }
}
