package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.common.Console;

import java.util.Locale;

/**
 * {@code cnn.schedule=plateau}: multiplies the learning rate by {@code cnn.gamma} each time validation
 * accuracy has not improved for {@code cnn.patience} epochs. Every other schedule is a DL4J schedule
 * fixed in advance (network.Schedules); this one depends on validation, so it acts between epochs.
 */
public final class PlateauDecay extends StatefulCallback<PlateauDecay.State> {

    /** @param factor the product of the reductions so far */
    public record State(double best, int epochsWithoutImprovement, double factor) {
    }

    private final double initialRate;
    private final int patience;
    private final double gamma;
    private final Console console;

    public PlateauDecay(double initialRate, int patience, double gamma, Console console) {
        super(State.class, new State(-1, 0, 1));
        this.initialRate = initialRate;
        this.patience = patience;
        this.gamma = gamma;
        this.console = console;
    }

    @Override
    public String name() {
        return "plateau";
    }

    @Override
    public String afterEpoch(EpochEnd epoch) {
        if (!epoch.hasValidation()) {
            return null;
        }
        double accuracy = epoch.record().validationAccuracy();
        if (accuracy > state.best()) {
            state = new State(accuracy, 0, state.factor());
            return null;
        }
        int without = state.epochsWithoutImprovement() + 1;
        double factor = state.factor();
        if (without % patience == 0) {
            factor *= gamma;
            epoch.graph().setLearningRate(initialRate * factor);
            console.info(String.format(Locale.ROOT, "Validation accuracy has not improved for %d epochs: learning rate"
                    + " lowered to %.3g", patience, initialRate * factor));
        }
        state = new State(state.best(), without, factor);
        return null;
    }

    /** After a resume, the rate the graph must continue with (DL4J's restored updater has the configured one). */
    public double currentRate() {
        return initialRate * state.factor();
    }
}
