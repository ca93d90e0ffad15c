package io.github.cnnmaven.training.schedule;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * The 1cycle policy as PyTorch's {@code OneCycleLR} and fastai's {@code fit_one_cycle} run it: a
 * cosine rise from {@code start} to {@code peak} over the first {@code warmupShare} of the steps, then
 * a cosine fall to {@code end} at the last step. DL4J's {@code CycleSchedule} is linear, spends 90 % of
 * the run near the peak and only the last 10 % annealing, and with the same recipe ended lower on
 * Fashion-MNIST; hence this class. Used for the learning rate (peak/25 up
 * to the peak, down to peak/25/10⁴) and, inverted, for momentum (0.95 down to 0.85 and back).
 */
public final class OneCycleSchedule implements ISchedule {

    private static final long serialVersionUID = 1L;

    @JsonProperty
    private final double start;
    @JsonProperty
    private final double peak;
    @JsonProperty
    private final double end;
    @JsonProperty
    private final int steps;
    @JsonProperty
    private final double warmupShare;

    public OneCycleSchedule(@JsonProperty("start") double start, @JsonProperty("peak") double peak,
                            @JsonProperty("end") double end, @JsonProperty("steps") int steps,
                            @JsonProperty("warmupShare") double warmupShare) {
        this.start = start;
        this.peak = peak;
        this.end = end;
        this.steps = Math.max(1, steps);
        this.warmupShare = warmupShare;
    }

    /** The learning rate's cycle for a peak rate over {@code steps} (PyTorch's defaults: 30 % warm-up, ÷25, ÷10⁴). */
    public static OneCycleSchedule learningRate(double peak, int steps) {
        return new OneCycleSchedule(peak / 25, peak, peak / 25 / 1e4, steps, 0.3);
    }

    /** Momentum against the rate: 0.95 down to 0.85 at the peak, back to 0.95. */
    public static OneCycleSchedule momentum(int steps) {
        return new OneCycleSchedule(0.95, 0.85, 0.95, steps, 0.3);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double warmup = Math.max(1, warmupShare * steps - 1);
        double last = steps - 1;
        if (iteration <= warmup) {
            return cosine(start, peak, iteration / warmup);
        }
        return cosine(peak, end, Math.min(1, (iteration - warmup) / Math.max(1, last - warmup)));
    }

    private static double cosine(double from, double to, double progress) {
        return to + (from - to) / 2 * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public ISchedule clone() {
        return new OneCycleSchedule(start, peak, end, steps, warmupShare);
    }

    // Value equality: DL4J groups layers with equal updaters into one block of state (see CosineSchedule).
    @Override
    public boolean equals(Object o) {
        return o instanceof OneCycleSchedule s && s.start == start && s.peak == peak && s.end == end && s.steps == steps
                && s.warmupShare == warmupShare;
    }

    @Override
    public int hashCode() {
        return Objects.hash(start, peak, end, steps, warmupShare);
    }
}
