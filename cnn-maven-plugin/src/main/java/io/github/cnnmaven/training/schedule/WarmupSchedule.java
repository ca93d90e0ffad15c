package io.github.cnnmaven.training.schedule;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * {@code cnn.warmupEpochs}: another schedule ramped up linearly over its first {@code steps} steps.
 * DL4J's {@code RampSchedule} does the same but cannot be read back from a network's JSON (it has no
 * creator), so a model trained with warm-up could not be loaded, resumed or evaluated.
 */
public final class WarmupSchedule implements ISchedule {

    private static final long serialVersionUID = 1L;

    @JsonProperty
    private final ISchedule base;
    @JsonProperty
    private final int steps;

    public WarmupSchedule(@JsonProperty("base") ISchedule base, @JsonProperty("steps") int steps) {
        this.base = base;
        this.steps = Math.max(1, steps);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return base.valueAt(iteration, epoch) * Math.min(1.0, (iteration + 1.0) / steps);
    }

    @Override
    public ISchedule clone() {
        return new WarmupSchedule(base.clone(), steps);
    }

    // Value equality: DL4J groups layers with equal updaters into one block of state (see CosineSchedule).
    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupSchedule w && w.steps == steps && w.base.equals(base);
    }

    @Override
    public int hashCode() {
        return Objects.hash(base, steps);
    }
}
