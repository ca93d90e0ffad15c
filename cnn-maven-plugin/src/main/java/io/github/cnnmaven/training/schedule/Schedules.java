package io.github.cnnmaven.training.schedule;

import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

import java.util.Map;
import java.util.TreeMap;

/**
 * Learning-rate (and momentum) schedules from {@code cnn.schedule}, built from DL4J's own ISchedule
 * classes where one exists. {@code plateau} depends on validation results, so the trainer lowers
 * the rate itself; here it is constant.
 */
public final class Schedules {

    private Schedules() {
    }

    public static ISchedule learningRate(TrainingConfig c, int iterationsPerEpoch) {
        return learningRate(c, iterationsPerEpoch, c.epochs());
    }

    /**
     * The rate's schedule planned to end after {@code epochs} (fewer than {@code cnn.epochs} when a time
     * budget cannot fit them all): cosine and 1cycle end at their final rate there, and step and
     * multistep reach their last step, their epochs scaled in proportion.
     */
    public static ISchedule learningRate(TrainingConfig c, int iterationsPerEpoch, int epochs) {
        double lr = c.learningRate();
        int total = Math.max(1, epochs * iterationsPerEpoch);
        double scale = (double) epochs / c.epochs();
        ISchedule base = switch (c.schedule()) {
            case STEP -> new StepSchedule(ScheduleType.EPOCH, lr, c.gamma(), Math.max(1, Math.round(c.stepSize() * scale)));
            case MULTISTEP -> {
                Map<Integer, Double> values = new TreeMap<>();
                values.put(0, lr);
                double v = lr;
                for (int m : c.milestones().stream().sorted().distinct().toList()) {
                    v *= c.gamma();
                    values.put((int) Math.max(1, Math.round(m * scale)), v);
                }
                yield new MapSchedule(ScheduleType.EPOCH, values);
            }
            case COSINE -> new CosineSchedule(lr, 0, total);
            case ONECYCLE -> OneCycleSchedule.learningRate(lr, total);
            // plateau: the trainer lowers the rate between epochs (training.PlateauDecay)
            case CONSTANT, PLATEAU -> new FixedSchedule(lr);
        };
        int warmup = c.warmupEpochs() * iterationsPerEpoch;
        return warmup > 0 ? new WarmupSchedule(base, warmup) : base;
    }

    /** 1cycle's momentum runs against the learning rate: 0.95 down to 0.85 and back (SGD's momentum; Adam's β1 is fixed in DL4J). */
    public static ISchedule momentum(TrainingConfig c, int iterationsPerEpoch) {
        return momentum(c, iterationsPerEpoch, c.epochs());
    }

    /** The momentum's schedule planned to end after {@code epochs}. */
    public static ISchedule momentum(TrainingConfig c, int iterationsPerEpoch, int epochs) {
        if (c.schedule() != Schedule.ONECYCLE) {
            return new FixedSchedule(c.momentum());
        }
        return OneCycleSchedule.momentum(Math.max(1, epochs * iterationsPerEpoch));
    }

    /**
     * Re-plans a network's schedules to end after {@code epochs}, in place. DL4J's own
     * {@code setLearningRate(ISchedule)} swaps the rate and keeps the optimiser's state; momentum,
     * which only SGD with momentum has, is swapped in each layer's updater.
     */
    public static void replan(ComputationGraph graph, TrainingConfig c, int iterationsPerEpoch, int epochs) {
        graph.setLearningRate(learningRate(c, iterationsPerEpoch, epochs));
        ISchedule momentum = momentum(c, iterationsPerEpoch, epochs);
        for (Layer layer : graph.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer base && base.getIUpdater() instanceof Nesterovs nesterovs) {
                nesterovs.setMomentumISchedule(momentum);
            }
        }
    }
}
