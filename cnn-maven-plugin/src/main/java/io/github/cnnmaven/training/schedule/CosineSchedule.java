package io.github.cnnmaven.training.schedule;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Cosine annealing from {@code initial} to {@code minimum} over {@code iterations} (DL4J 1.0.0-M2.1
 * has no cosine schedule). Jackson-annotated with ND4J's shaded Jackson, because DL4J serialises
 * schedules inside the network configuration.
 */
public final class CosineSchedule implements ISchedule {

    private static final long serialVersionUID = 1L;

    @JsonProperty
    private final double initial;
    @JsonProperty
    private final double minimum;
    @JsonProperty
    private final int iterations;

    public CosineSchedule(@JsonProperty("initial") double initial, @JsonProperty("minimum") double minimum,
                          @JsonProperty("iterations") int iterations) {
        this.initial = initial;
        this.minimum = minimum;
        this.iterations = iterations;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double progress = Math.min(1.0, (double) iteration / iterations);
        return minimum + (initial - minimum) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public ISchedule clone() {
        return new CosineSchedule(initial, minimum, iterations);
    }

    // DL4J groups consecutive layers with equal updaters into one block of updater state. Without
    // value equality, a network rebuilt from its JSON (a resumed checkpoint, ParallelWrapper's copies)
    // has one block per layer where the original had one for all, and Adam's state, copied across,
    // lands in the wrong places (NaN losses, found by DataParallelTest).
    @Override
    public boolean equals(Object o) {
        return o instanceof CosineSchedule c && c.initial == initial && c.minimum == minimum && c.iterations == iterations;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initial, minimum, iterations);
    }
}
