package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.workflow.PredictImages;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;

/**
 * Classifies image files with the trained model ({@code mvn cnn:predict -Dcnn.images=<file or folder>}):
 * PNG and JPEG files are resized as the training images were, each one's top-3 classes and their
 * probabilities are printed, and all go to {@code predictions.csv} in the output directory. A file
 * that cannot be read is named and skipped. The model must be current, as for {@code evaluate}.
 * Not bound to a phase.
 */
@Mojo(name = "predict", threadSafe = true)
public class PredictMojo extends AbstractTrainingMojo {

    /** An image file, or a folder whose PNG and JPEG files (sub-folders included) are classified. */
    @Parameter(property = "cnn.images")
    private File images;

    /** Skips this goal only. */
    @Parameter(property = "cnn.predict.skip", defaultValue = "false")
    private boolean skipPredict;

    @Override
    protected String goal() {
        return "predict";
    }

    @Override
    protected boolean isGoalSkipped() {
        return skipPredict;
    }

    @Override
    protected void run() throws CnnException {
        new PredictImages(datasets(), forks(), output(), console()).run(trainingSetup(), images == null ? null : images.toPath());
    }
}
