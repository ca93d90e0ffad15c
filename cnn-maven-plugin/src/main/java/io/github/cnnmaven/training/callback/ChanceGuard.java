package io.github.cnnmaven.training.callback;

import io.github.cnnmaven.output.EpochRecord;
import io.github.cnnmaven.training.TrainingDivergedException;

import java.util.List;
import java.util.Locale;

/**
 * Fails a run that is not learning, before it writes a model that looks normal: when the validation
 * accuracy of each of the first {@value #EPOCHS} epochs stayed at chance, that of always guessing the
 * largest class, plus a margin ({@link #threshold}). Such a network often still has a finite, falling
 * training loss, so the divergence guard does not fire; its validation loss is typically saturated
 * (outputs that are certain and wrong), which the message quotes. It judges the history, which a
 * resumed run restores, so it keeps no state of its own.
 */
public final class ChanceGuard implements TrainingCallback {

    /** The epochs judged: a network that learns at all is clearly above chance by then. */
    public static final int EPOCHS = 3;

    private final double chanceAccuracy;
    private final int classes;
    private final double configuredRate;

    /**
     * @param chanceAccuracy the validation split's share of its largest class
     * @param configuredRate {@code cnn.learningRate}, which the message names
     */
    public ChanceGuard(double chanceAccuracy, int classes, double configuredRate) {
        this.chanceAccuracy = chanceAccuracy;
        this.classes = classes;
        this.configuredRate = configuredRate;
    }

    @Override
    public String name() {
        return "chance";
    }

    /** At or below this validation accuracy an epoch counts as at chance: 2 points, or 5 % of what is above chance. */
    public double threshold() {
        return chanceAccuracy + Math.max(0.02, 0.05 * (1 - chanceAccuracy));
    }

    @Override
    public String afterEpoch(EpochEnd epoch) throws TrainingDivergedException {
        if (!epoch.hasValidation() || epoch.epoch() != EPOCHS || epoch.history().size() < EPOCHS) {
            return null;
        }
        List<EpochRecord> first = epoch.history().subList(0, EPOCHS);
        if (first.stream().anyMatch(r -> !(r.validationAccuracy() <= threshold()))) {
            return null;
        }
        double loss = first.get(EPOCHS - 1).validationLoss();
        boolean saturated = loss > 2 * Math.log(Math.max(2, classes));
        throw new TrainingDivergedException(String.format(Locale.ROOT,
                "Training is not learning: the validation accuracy of epochs 1-%d (%s) stayed at chance, %.4f for always"
                        + " guessing the largest of %d classes (at most %.4f counts as chance)%s. No model was written."
                        + " Lower the learning rate (cnn.learningRate=%s; mvn cnn:find-lr picks one), turn on batch norm"
                        + " (cnn.batchNorm), or check that the pipeline can fit a tiny subset (cnn.overfit=64).",
                EPOCHS, first.stream().map(r -> String.format(Locale.ROOT, "%.4f", r.validationAccuracy()))
                        .reduce((a, b) -> a + ", " + b).orElse(""), chanceAccuracy, classes, threshold(),
                saturated ? String.format(Locale.ROOT, "; the validation loss, %.2f, is saturated (guessing gives %.2f):"
                        + " the network is certain and wrong", loss, Math.log(Math.max(2, classes))) : "",
                configuredRate));
    }
}
