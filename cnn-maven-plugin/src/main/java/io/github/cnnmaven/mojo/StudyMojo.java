package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.study.StudySpec;
import io.github.cnnmaven.workflow.RunStudy;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Trains variants of the configuration that differ in the hyperparameters named on the study's
 * axes, one axis at a time around the base or as a full grid, all with the same seed, validation
 * split and epoch budget; compares them on validation accuracy only; and writes the winner as the
 * output directory's {@code model.zip} (with its fingerprint) and {@code model.onnx}, attached to the
 * build as train attaches them, plus {@code study.json}. A following
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

    @Override
    protected void run() throws CnnException {
        attach(new RunStudy(datasets(), forks(), output(), console()).run(trainingSetup(), studySpec()));
    }
}
