package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.lrfinder.FindLrRequest;
import io.github.cnnmaven.output.LrFinderResult;
import io.github.cnnmaven.output.OutputDirectory;

import java.util.Locale;

/**
 * The {@code find-lr} goal, and the learning rate every training goal uses: the configured number,
 * or with {@code cnn.learningRate=auto} find-lr's suggestion for this configuration and data.
 */
public final class FindLearningRate {

    private final Datasets datasets;
    private final ForkRunner forks;
    private final OutputDirectory output;
    private final Console console;

    public FindLearningRate(Datasets datasets, ForkRunner forks, OutputDirectory output, Console console) {
        this.datasets = datasets;
        this.forks = forks;
        this.output = output;
        this.console = console;
    }

    /** The find-lr goal: runs the range test when asked to, unless an up-to-date result exists. */
    public void run(TrainingSetup setup) throws CnnException {
        setup.validate();
        if (!setup.autoLearningRate() && !setup.findLr()) {
            console.info("Skipping find-lr: cnn.learningRate is " + setup.config().learningRate()
                    + " and cnn.findLr is false (set cnn.learningRate=auto to train with the finder's suggestion)");
            return;
        }
        forks.settings().validate();
        try (ProcessLock lock = output.lock("find-lr", console)) {
            PreparedDataset prepared = datasets.prepare(setup.dataset());
            String fingerprint = Freshness.lrFinderFingerprint(setup.config(), prepared, setup);
            LrFinderResult earlier = current(fingerprint);
            if (!setup.fresh() && earlier != null) {
                console.info(String.format(Locale.ROOT, "find-lr is up to date: suggestion %.3g (%s)", earlier.suggestion(),
                        output.lrFinderFile()));
                return;
            }
            sweep(setup, prepared, fingerprint);
        }
    }

    /**
     * The rate training uses: the configured number, or with {@code auto} find-lr's suggestion,
     * running the finder first when there is no current result and {@code mayRunFinder} allows it.
     */
    public double rateFor(TrainingSetup setup, PreparedDataset prepared, boolean mayRunFinder) throws CnnException {
        TrainingConfig config = setup.config();
        if (!setup.autoLearningRate()) {
            return config.learningRate();
        }
        String fingerprint = Freshness.lrFinderFingerprint(config, prepared, setup);
        LrFinderResult result = current(fingerprint);
        if (result == null) {
            if (!mayRunFinder) {
                throw new CnnException("cnn.learningRate=auto, but there is no current find-lr result in " + output.root()
                        + ": run the train goal (it runs find-lr first) or mvn cnn:find-lr");
            }
            console.info("cnn.learningRate=auto and no current find-lr result: running find-lr first");
            result = sweep(setup, prepared, fingerprint);
        }
        console.info(String.format(Locale.ROOT, "Learning rate %.3g from find-lr (%s)%s", result.suggestion(),
                OutputDirectory.LR_FINDER, config.schedule() == Schedule.ONECYCLE ? ", as the 1cycle peak" : ""));
        return result.suggestion();
    }

    /** The configuration training uses: {@code setup}'s with the rate of {@link #rateFor}. */
    public TrainingConfig configFor(TrainingSetup setup, PreparedDataset prepared, boolean mayRunFinder) throws CnnException {
        return setup.config().withLearningRate(rateFor(setup, prepared, mayRunFinder));
    }

    private LrFinderResult current(String fingerprint) {
        try {
            LrFinderResult result = output.lrFinder();
            return result != null && fingerprint.equals(result.fingerprint()) ? result : null;
        } catch (CnnException e) {
            console.warn(e.getMessage() + "; running find-lr again");
            return null;
        }
    }

    private LrFinderResult sweep(TrainingSetup setup, PreparedDataset prepared, String fingerprint) throws CnnException {
        forks.run(output, "find-lr", new FindLrRequest(forks.context(prepared, setup, output), setup.config(),
                setup.finder(), fingerprint), setup.pretrainedNativeLibraries());
        LrFinderResult result = output.lrFinder();
        if (result == null) {
            throw new CnnException("find-lr wrote no " + output.lrFinderFile());
        }
        return result;
    }
}
