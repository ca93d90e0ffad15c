package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.workflow.DownloadDataset;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Fetches the dataset (or validates a local folder), verifies its checksum, caches and unpacks it,
 * reads it once to validate its format, and records what it found in {@code dataset.json}. As the
 * first goal of a build it checks the training configuration too, before anything is downloaded.
 */
@Mojo(name = "download-dataset", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public class DownloadDatasetMojo extends AbstractTrainingMojo {

    /** Skips this goal only. */
    @Parameter(property = "cnn.download-dataset.skip", defaultValue = "false")
    private boolean skipDownload;

    @Override
    protected String goal() {
        return "download-dataset";
    }

    @Override
    protected boolean isGoalSkipped() {
        return skipDownload;
    }

    @Override
    protected void run() throws CnnException {
        // The first goal of a build checks the whole configuration, so nothing is downloaded for a build
        // whose training would fail on it.
        trainingSetup().validate();
        forkSettings().validate();
        new DownloadDataset(datasets(), output(), console()).run(datasetSpec());
    }
}
