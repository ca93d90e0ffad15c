package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.study.StudyPlan;
import io.github.cnnmaven.study.StudyRequest;
import io.github.cnnmaven.study.StudySpec;
import io.github.cnnmaven.study.StudyVariant;

import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@code study} goal: plans the variants (every bad axis fails before any download), then
 * trains them in one forked JVM and keeps the winner by validation accuracy.
 */
public final class RunStudy {

    private final Datasets datasets;
    private final ForkRunner forks;
    private final OutputDirectory output;
    private final Console console;

    public RunStudy(Datasets datasets, ForkRunner forks, OutputDirectory output, Console console) {
        this.datasets = datasets;
        this.forks = forks;
        this.output = output;
        this.console = console;
    }

    /** Runs the study; returns the winner's model and its ONNX form to attach, or null when there is no model. */
    public ModelArtifacts run(TrainingSetup setup, StudySpec study) throws CnnException {
        setup.validate();
        forks.settings().validate();
        plan(setup.config(), study, "check", setup.learningRate()); // bad axes fail before any download
        if (setup.pretrained() != null) {
            StudyPlan.checkFineTuning(study);
        }
        try (ProcessLock lock = output.lock("study", console)) {
            study(setup, study);
            if (!Files.isRegularFile(output.modelFile())) {
                return null;
            }
            return new ModelArtifacts(output.modelFile(), ExportOnnx.ensure(forks, output, console));
        }
    }

    private void study(TrainingSetup setup, StudySpec study) throws CnnException {
        PreparedDataset prepared = datasets.prepare(setup.dataset());
        TrainingConfig config = new FindLearningRate(datasets, forks, output, console).configFor(setup, prepared, true);
        List<StudyVariant> variants = plan(config, study, Freshness.startIdentity(prepared, setup),
                setup.learningRate());
        console.info(String.format(Locale.ROOT, "Study, %s over %s: %d variants, each %d epochs with seed %d on the same"
                        + " validation split (%.2f of the training set); compared on validation accuracy only",
                study.mode().id(), study.axes().entrySet().stream().map(e -> e.getKey() + " (" + String.join(", ",
                        e.getValue()) + ")").collect(Collectors.joining(", ")), variants.size(), config.epochs(),
                config.seed(), config.validationSplit()));
        forks.run(output, "study", new StudyRequest(forks.context(prepared, setup, output), study, variants,
                Freshness.fingerprint(config, prepared, setup)), setup.pretrainedNativeLibraries());
    }

    /** The variants to train, checked; {@code rate}: see {@link StudyPlan#expand}. */
    public static List<StudyVariant> plan(TrainingConfig config, StudySpec spec, String dataIdentity, LearningRate rate)
            throws InvalidConfigurationException {
        if (config.isOverfitCheck()) {
            throw InvalidConfigurationException.of("cnn.overfit", config.overfit(), "the overfit sanity check is not a"
                    + " study: unset cnn.overfit for the study goal");
        }
        if (!(config.validationSplit() > 0)) {
            throw InvalidConfigurationException.of("cnn.validationSplit", config.validationSplit(), "a study compares"
                    + " variants on validation accuracy: use a positive split, such as 0.1");
        }
        return StudyPlan.expand(config, spec, dataIdentity, rate);
    }
}
