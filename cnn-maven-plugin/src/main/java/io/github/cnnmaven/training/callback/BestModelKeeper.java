package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.training.ModelFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Keeps the model of the epoch with the best validation accuracy as {@code checkpoints/best.zip};
 * training then writes that one as {@code model.zip}. Without a validation split it keeps nothing
 * and the last epoch's model is the result.
 */
public final class BestModelKeeper extends StatefulCallback<BestModelKeeper.State> {

    /** @param bestEpoch 0 while no epoch has been validated */
    public record State(double bestValidationAccuracy, int bestEpoch) {
    }

    private final Path file;
    private final WeightAverage averaging;

    /** @param averaging cnn.ema or cnn.swa, whose averaged weights are the ones kept; null for none */
    public BestModelKeeper(Path file, WeightAverage averaging) {
        super(State.class, new State(-1, 0));
        this.file = file;
        this.averaging = averaging;
    }

    public BestModelKeeper(Path file) {
        this(file, null);
    }

    @Override
    public String name() {
        return "bestModel";
    }

    @Override
    public String afterEpoch(EpochEnd epoch) {
        if (epoch.hasValidation() && epoch.record().validationAccuracy() > state.bestValidationAccuracy()) {
            state = new State(epoch.record().validationAccuracy(), epoch.epoch());
            try {
                if (averaging == null) {
                    ModelFile.write(epoch.graph(), epoch.metadata(), null, false, file);
                } else { // the weights this epoch was validated with
                    averaging.withAveraged(epoch.graph(), g -> {
                        ModelFile.write(g, epoch.metadata(), null, false, file);
                        return null;
                    });
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return null;
    }

    public Path file() {
        return file;
    }

    /**
     * Checks that the kept model is this run's before it is promoted to {@code model.zip}: a model of
     * another configuration there (another build in the same directory) must never be passed off as this one.
     */
    public void requireOwnedBy(String fingerprint) throws CnnException {
        ModelMetadata metadata;
        try {
            metadata = ModelMetadata.read(file);
        } catch (IOException e) {
            throw new CnnException("Cannot read the best epoch's model " + file + ": " + e.getMessage(), e);
        }
        if (metadata == null || !fingerprint.equals(metadata.fingerprint())) {
            throw new CnnException(file + " holds the model of another configuration (fingerprint "
                    + (metadata == null ? "unknown" : metadata.fingerprint()) + ", this run's is " + fingerprint
                    + "): another build wrote into this output directory. Train again with -Dcnn.fresh.");
        }
    }

    /** Whether an epoch was kept. */
    public boolean hasBest() {
        return state.bestEpoch() > 0;
    }
}
