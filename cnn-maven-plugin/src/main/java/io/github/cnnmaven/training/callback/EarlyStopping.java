package io.github.cnnmaven.training.callback;

/** {@code cnn.earlyStopping}: stops when validation accuracy has not improved for that many epochs. */
public final class EarlyStopping extends StatefulCallback<EarlyStopping.State> {

    public record State(double best, int bestEpoch) {
    }

    private final int patience;

    public EarlyStopping(int patience) {
        super(State.class, new State(-1, 0));
        this.patience = patience;
    }

    @Override
    public String name() {
        return "earlyStopping";
    }

    @Override
    public String afterEpoch(EpochEnd epoch) {
        if (!epoch.hasValidation()) {
            return null;
        }
        if (epoch.record().validationAccuracy() > state.best()) {
            state = new State(epoch.record().validationAccuracy(), epoch.epoch());
            return null;
        }
        return epoch.epoch() - state.bestEpoch() >= patience
                ? "early stopping: no improvement in validation accuracy for " + patience + " epochs" : null;
    }
}
