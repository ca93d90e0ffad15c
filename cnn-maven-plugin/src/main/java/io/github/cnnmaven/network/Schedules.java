package io.github.cnnmaven.network;

import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;
import org.nd4j.linalg.schedule.CycleSchedule;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.RampSchedule;
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
        double lr = c.learningRate();
        int total = Math.max(1, c.epochs() * iterationsPerEpoch);
        ISchedule base = switch (c.schedule()) {
            case STEP -> new StepSchedule(ScheduleType.EPOCH, lr, c.gamma(), c.stepSize());
            case MULTISTEP -> {
                Map<Integer, Double> values = new TreeMap<>();
                values.put(0, lr);
                double v = lr;
                for (int m : c.milestones().stream().sorted().distinct().toList()) {
                    v *= c.gamma();
                    values.put(m, v);
                }
                yield new MapSchedule(ScheduleType.EPOCH, values);
            }
            case COSINE -> new CosineSchedule(lr, 0, total);
            // 1cycle: from lr/25 up to the peak lr over 45 % of training, back down over another 45 %,
            // then annealed to 1/100 of the start (DL4J's CycleSchedule shape).
            case ONECYCLE -> new CycleSchedule(ScheduleType.ITERATION, lr / 25, lr, total, Math.max(1, total / 10), 0.01);
            // plateau: the trainer lowers the rate between epochs (training.PlateauDecay)
            case CONSTANT, PLATEAU -> new FixedSchedule(lr);
        };
        int warmup = c.warmupEpochs() * iterationsPerEpoch;
        return warmup > 0 ? new RampSchedule(base, warmup) : base;
    }

    /** 1cycle's momentum runs against the learning rate: 0.95 down to 0.85 and back. */
    public static ISchedule momentum(TrainingConfig c, int iterationsPerEpoch) {
        if (c.schedule() != Schedule.ONECYCLE) {
            return new FixedSchedule(c.momentum());
        }
        int total = Math.max(1, c.epochs() * iterationsPerEpoch);
        return new CycleSchedule(ScheduleType.ITERATION, 0.95, 0.85, total, Math.max(1, total / 10), 1.0);
    }
}
