package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.lrfinder.LrFinder;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The learning-rate range test. Runs when {@code cnn.learningRate=auto} (training then uses its
 * suggestion) or {@code cnn.findLr=true}; otherwise it says why it skipped. Writes {@code lr-finder.json}.
 */
@Mojo(name = "find-lr", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true)
public class FindLrMojo extends AbstractTrainingMojo {

    /** Skips this goal only. */
    @Parameter(property = "cnn.find-lr.skip", defaultValue = "false")
    private boolean skipFindLr;

    @Override
    protected String goal() {
        return "find-lr";
    }

    @Override
    protected boolean isGoalSkipped() {
        return skipFindLr;
    }

    @Override
    protected void run() throws CnnException {
        TrainingConfig config = trainingConfig();
        LrFinder.Settings settings = lrFinderSettings();
        if (!autoLearningRate() && !findLr) {
            getLog().info("Skipping find-lr: cnn.learningRate is " + learningRate.trim()
                    + " and cnn.findLr is false (set cnn.learningRate=auto to train with the finder's suggestion)");
            return;
        }
        DatasetSpec spec = datasetSpec();
        PreparedDataset prepared = datasetService(spec).prepare(spec);
        String fingerprint = lrFinderFingerprint(config, dataIdentity(prepared, spec), settings);
        LrFinder.Result earlier = LrFinder.read(outputDirectory.toPath());
        if (!fresh && earlier != null && fingerprint.equals(earlier.fingerprint())) {
            getLog().info(String.format(java.util.Locale.ROOT, "find-lr is up to date: suggestion %.3g (%s)",
                    earlier.suggestion(), outputDirectory.toPath().resolve(LrFinder.FILE_NAME)));
            return;
        }
        runFinder(config, prepared, spec, settings, fingerprint);
    }
}
