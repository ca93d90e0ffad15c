package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.ZipIntegrity;
import io.github.cnnmaven.config.Fingerprint;
import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.lrfinder.LrFinder;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.output.RunRecord;
import io.github.cnnmaven.output.StudyResult;
import io.github.cnnmaven.output.TrainingHistory;

/**
 * The one place that decides whether outputs may be trusted: what the fingerprint of a
 * configuration and its data is, and whether the model in an output directory is up to date (trained
 * from them, or the winner of a study of them) or stale.
 */
public final class Freshness {

    /** What the output directory's model is, for a given fingerprint. */
    public enum Status {
        /** No model.zip. */
        MISSING,
        /** Trained from this configuration and data; its history and run file belong to it. */
        CURRENT,
        /** The winner of a study of this configuration and data; its history and run file belong to it. */
        STUDY_WINNER,
        /** Trained from something else, unreadable, or beside a history or run file of another model. */
        STALE
    }

    /**
     * @param metadata the model's metadata; null when missing or unreadable
     * @param study    the study it won, for {@link Status#STUDY_WINNER}
     * @param why      for {@link Status#STALE}: why it is not current
     */
    public record ModelState(Status status, ModelMetadata metadata, StudyResult study, String why) {

        public boolean upToDate() {
            return status == Status.CURRENT || status == Status.STUDY_WINNER;
        }
    }

    private Freshness() {
    }

    /** What selects the examples, besides the dataset's content. */
    public static String dataIdentity(PreparedDataset prepared, DatasetSpec spec) {
        return prepared.identity() + "|train=" + spec.trainLimit() + "|test=" + spec.testLimit() + "|size=" + spec.imageSize()
                + "|coarse=" + spec.cifar100Coarse() + "|testSplit=" + spec.testSplit() + "|seed=" + spec.seed();
    }

    /** The fingerprint every output of training this configuration on this data carries. */
    public static String fingerprint(TrainingConfig config, PreparedDataset prepared, DatasetSpec spec) {
        return Fingerprint.of(config, dataIdentity(prepared, spec));
    }

    /**
     * The fingerprint of a setup's model: a fine-tuned one also depends on the model it started from
     * (its fingerprint, so moving or re-installing the same model changes nothing).
     */
    public static String fingerprint(TrainingConfig config, PreparedDataset prepared, TrainingSetup setup)
            throws InvalidConfigurationException {
        return Fingerprint.of(config, startIdentity(prepared, setup));
    }

    /** What training starts from besides the configuration: the data, and the pretrained model's fingerprint if any. */
    public static String startIdentity(PreparedDataset prepared, TrainingSetup setup) throws InvalidConfigurationException {
        PretrainedModel pretrained = setup.pretrainedModel();
        String data = dataIdentity(prepared, setup.dataset());
        return pretrained == null ? data : data + "|pretrained:" + pretrained.fingerprint();
    }

    /**
     * What a find-lr result is valid for: everything but the learning rate, what training starts from
     * (the pretrained model, if any), plus the sweep's settings.
     */
    public static String lrFinderFingerprint(TrainingConfig config, PreparedDataset prepared, TrainingSetup setup)
            throws InvalidConfigurationException {
        return Fingerprint.of(config.withLearningRate(LearningRate.Auto.PLACEHOLDER), startIdentity(prepared, setup) + "|"
                + setup.finder());
    }

    /**
     * The state of the model in {@code output} for {@code fingerprint}. Up to date means that
     * {@code model.zip}, {@code history.json} and {@code run.json} all carry one fingerprint, and
     * that it is {@code fingerprint} or the winner's of a study of {@code fingerprint}.
     */
    public static ModelState model(OutputDirectory output, String fingerprint) {
        ModelMetadata metadata;
        TrainingHistory history;
        RunRecord run;
        try {
            metadata = output.modelMetadata();
            if (metadata == null) {
                return new ModelState(Status.MISSING, null, null, "there is no " + output.modelFile());
            }
            history = output.history();
            run = output.run();
        } catch (CnnException e) {
            return new ModelState(Status.STALE, null, null, e.getMessage());
        }
        String damage = ZipIntegrity.problem(output.modelFile());
        if (damage != null) {
            return new ModelState(Status.STALE, null, null, "it is damaged (" + damage + ")");
        }
        String model = metadata.fingerprint();
        if (history == null || !model.equals(history.fingerprint()) || run == null || !model.equals(run.fingerprint())) {
            return new ModelState(Status.STALE, metadata, null, "its " + OutputDirectory.HISTORY + " or " + OutputDirectory.RUN
                    + " is missing or belongs to another model (an interrupted build)");
        }
        if (fingerprint.equals(model)) {
            return new ModelState(Status.CURRENT, metadata, null, null);
        }
        StudyResult study;
        try {
            study = output.study();
        } catch (CnnException e) {
            study = null; // an unreadable study names no winner
        }
        if (study != null && study.isWinner(fingerprint, model)) {
            return new ModelState(Status.STUDY_WINNER, metadata, study, null);
        }
        return new ModelState(Status.STALE, metadata, null, "it was trained with fingerprint " + model
                + ", but the configuration and data now give " + fingerprint);
    }
}
