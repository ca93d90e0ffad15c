package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Fingerprint;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.study.StudyMain;
import io.github.cnnmaven.study.StudyPlan;
import io.github.cnnmaven.study.StudyRequest;
import io.github.cnnmaven.study.StudySpec;
import io.github.cnnmaven.study.StudyVariant;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Trains variants of the configuration that differ in the hyperparameters named on the study's
 * axes, one axis at a time around the base or as a full grid, all with the same seed, validation
 * split and epoch budget; compares them on validation accuracy only; and writes the winner as the
 * output directory's {@code model.zip} (with its fingerprint) plus {@code study.json}. A following
 * {@code train} finds the winner up to date and {@code evaluate} tests it, and only it.
 * Not bound to a phase: bind it (for example to prepare-package, before train) or run {@code mvn cnn:study}.
 */
@Mojo(name = "study", threadSafe = true)
public class StudyMojo extends AbstractTrainingMojo {

    /**
     * The study: {@code <mode>} one-at-a-time (default) or grid, and {@code <axes>} with one element
     * per training property to vary, such as {@code <dropout>0.1,0.3,0.5</dropout>}. Separate values
     * with {@code |} where a value holds commas ({@code <augment>none|crop4,flip</augment>}).
     */
    @Parameter
    private StudyDeclaration study;

    /** Skips this goal only. */
    @Parameter(property = "cnn.study.skip", defaultValue = "false")
    private boolean skipStudy;

    @Override
    protected String goal() {
        return "study";
    }

    @Override
    protected boolean isGoalSkipped() {
        return skipStudy;
    }

    /** The declared study, checked; its values are checked when the variants are planned. */
    StudySpec studySpec() throws InvalidConfigurationException {
        if (study == null) {
            throw new InvalidConfigurationException("The study goal needs a <study> in its <configuration>, such as"
                    + " <study><axes><dropout>0.1,0.3,0.5</dropout></axes></study> (see README.md, Studies)");
        }
        return StudySpec.parse(study.getMode(), study.getAxes());
    }

    /** The variants to train, checked before anything is downloaded. */
    static List<StudyVariant> plan(TrainingConfig config, StudySpec spec, String dataIdentity) throws InvalidConfigurationException {
        if (config.isOverfitCheck()) {
            throw InvalidConfigurationException.of("cnn.overfit", config.overfit(), "the overfit sanity check is not a"
                    + " study: unset cnn.overfit for the study goal");
        }
        if (!(config.validationSplit() > 0)) {
            throw InvalidConfigurationException.of("cnn.validationSplit", config.validationSplit(), "a study compares"
                    + " variants on validation accuracy: use a positive split, such as 0.1");
        }
        return StudyPlan.expand(config, spec, dataIdentity);
    }

    @Override
    protected void run() throws CnnException {
        TrainingConfig configured = trainingConfig();
        StudySpec studySpec = studySpec();
        plan(configured, studySpec, "check"); // bad axes fail before any download
        DatasetSpec spec = datasetSpec();
        PreparedDataset prepared = datasetService(spec).prepare(spec);
        TrainingConfig config = configured.withLearningRate(learningRateFor(configured, prepared, spec, true));
        String identity = dataIdentity(prepared, spec);
        List<StudyVariant> variants = plan(config, studySpec, identity);
        getLog().info(String.format(Locale.ROOT, "Study, %s over %s: %d variants, each %d epochs with seed %d on the same"
                        + " validation split (%.2f of the training set); compared on validation accuracy only",
                studySpec.mode(), studySpec.axes().entrySet().stream().map(e -> e.getKey() + " (" + String.join(", ",
                        e.getValue()) + ")").collect(Collectors.joining(", ")), variants.size(), config.epochs(),
                config.seed(), config.validationSplit()));
        StudyRequest request = new StudyRequest(prepared, spec, studySpec, variants, Fingerprint.of(config, identity),
                outputDirectory.toPath(), fresh, isInteractive(), threadCount());
        fork(StudyMain.class.getName(), "study", request);
    }
}
