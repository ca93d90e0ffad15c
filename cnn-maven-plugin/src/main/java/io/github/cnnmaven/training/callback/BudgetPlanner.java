package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.common.Console;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * {@code cnn.maxMinutes} with a schedule: plans the number of epochs that fit the budget, so that
 * cosine, 1cycle and step schedules reach their final rate at the end of the budget instead of being
 * cut off at a high rate. It measures the speed over the first steps of the first epoch, plans, and
 * plans again after every epoch from the epochs' measured times (shrinking at any time, growing only
 * in the first half, before the rate falls). The plan is its state, saved in the checkpoint with the
 * network (whose schedule holds it), so a resumed run keeps it; the fingerprint never sees it.
 *
 * <p>{@code cnn.minEpochs} is the floor: a machine too slow or too busy for that many epochs in the
 * budget still gets them, and the log says the run will overrun, rather than training a model too short
 * to pass a gate tuned for the budget on a normal machine.
 */
public final class BudgetPlanner extends StatefulCallback<BudgetPlanner.State> {

    /** @param plannedEpochs the epochs planned so far; 0 before the first measurement */
    public record State(int plannedEpochs) {
    }

    /** Re-plans the network's schedules for a number of epochs. */
    @FunctionalInterface
    public interface Replanner {
        void replan(ComputationGraph graph, int epochs);
    }

    /** Steps of the first epoch timed before the first plan (fewer when an epoch is shorter). */
    static final int MEASURED_STEPS = 30;

    private final int minutes;
    private final int maxEpochs;
    private final int minEpochs;
    private final int stepsPerEpoch;
    private final double validationShare;
    private final Replanner replanner;
    private final LongSupplier nanos;
    private final Console console;
    private long firstStepNanos = -1;

    /**
     * @param maxEpochs       {@code cnn.epochs}: never more
     * @param minEpochs       {@code cnn.minEpochs}: never fewer, whatever the budget
     * @param validationShare the time of an epoch's validation as a share of its training time, guessed
     *                        for the first plan (later plans use the measured epochs)
     */
    public BudgetPlanner(int minutes, int maxEpochs, int minEpochs, int stepsPerEpoch, double validationShare,
                         Replanner replanner, LongSupplier nanos, Console console) {
        super(State.class, new State(0));
        this.minutes = minutes;
        this.maxEpochs = maxEpochs;
        this.minEpochs = Math.min(minEpochs, maxEpochs);
        this.stepsPerEpoch = stepsPerEpoch;
        this.validationShare = validationShare;
        this.replanner = replanner;
        this.nanos = nanos;
        this.console = console;
    }

    @Override
    public String name() {
        return "budgetPlanner";
    }

    /** The epochs planned: {@code cnn.epochs} until the first measurement. */
    public int plannedEpochs() {
        return state.plannedEpochs() > 0 ? state.plannedEpochs() : maxEpochs;
    }

    @Override
    public void afterBatch(BatchEnd batch) {
        if (state.plannedEpochs() > 0 || batch.epoch() != 1) {
            return;
        }
        // The first step includes set-up and warm-up: time from its end.
        if (firstStepNanos < 0) {
            firstStepNanos = nanos.getAsLong();
            return;
        }
        int measured = Math.min(MEASURED_STEPS, Math.max(1, stepsPerEpoch / 2));
        if (batch.iteration() - 1 >= measured) {
            double secondsPerStep = (nanos.getAsLong() - firstStepNanos) / 1e9 / (batch.iteration() - 1);
            double epochSeconds = secondsPerStep * stepsPerEpoch * (1 + validationShare);
            plan(batch.graph(), fitting(epochSeconds, 0, 0), epochSeconds, String.format(Locale.ROOT,
                    "%.1f s an epoch expected from the first %d steps", epochSeconds, batch.iteration() - 1));
        }
    }

    @Override
    public String afterEpoch(EpochEnd epoch) {
        double perEpoch = epoch.secondsSoFar() / epoch.history().size();
        int fit = fitting(perEpoch, epoch.epoch(), epoch.secondsSoFar());
        int kept = kept(fit);
        int planned = plannedEpochs();
        boolean early = epoch.epoch() <= planned / 2;
        if (kept < planned || kept > planned && early) {
            plan(epoch.graph(), fit, perEpoch, String.format(Locale.ROOT, "%.1f s an epoch measured over %d epoch%s", perEpoch,
                    epoch.history().size(), epoch.history().size() == 1 ? "" : "s"));
        }
        return epoch.epoch() >= plannedEpochs() && epoch.epoch() < maxEpochs
                ? "the " + plannedEpochs() + " epochs planned for the time budget of " + minutes + " minutes (cnn.maxMinutes)"
                + " are done"
                : null;
    }

    /** The epochs that fit the budget after {@code done} epochs that took {@code secondsSoFar}: at least those done. */
    private int fitting(double secondsPerEpoch, int done, double secondsSoFar) {
        double left = minutes * 60.0 - secondsSoFar;
        int more = (int) Math.floor(left / Math.max(1e-9, secondsPerEpoch));
        return Math.max(Math.max(1, done), Math.min(maxEpochs, done + more));
    }

    /** The epochs trained for a budget that fits {@code fit}: at least {@code cnn.minEpochs}. */
    int kept(int fit) {
        return Math.max(fit, minEpochs);
    }

    private void plan(ComputationGraph graph, int fit, double secondsPerEpoch, String why) {
        int epochs = kept(fit);
        if (epochs == state.plannedEpochs()) {
            return;
        }
        boolean first = state.plannedEpochs() == 0;
        if (epochs != plannedEpochs()) {
            replanner.replan(graph, epochs);
        }
        state = new State(epochs);
        if (epochs > fit) {
            console.warn(String.format(Locale.ROOT, "%s only %d of the %d epochs fit in %d minutes (cnn.maxMinutes; %s),"
                            + " but cnn.minEpochs keeps %d: training runs past the budget, about %.0f minutes in all",
                    first ? "Time budget:" : "Time budget re-planned:", fit, maxEpochs, minutes, why, epochs,
                    epochs * secondsPerEpoch / 60));
            return;
        }
        console.info((first ? "Time budget: " : "Time budget re-planned: ") + epochs + " of the " + maxEpochs
                + " epochs fit in " + minutes + " minutes (cnn.maxMinutes; " + why + ")"
                + (epochs < maxEpochs ? ": the schedule is planned to end after epoch " + epochs : ""));
    }
}
