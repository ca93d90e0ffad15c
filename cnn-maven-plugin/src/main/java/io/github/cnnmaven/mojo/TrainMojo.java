package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.config.Fingerprint;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.study.StudyResult;
import io.github.cnnmaven.training.ModelMetadata;
import io.github.cnnmaven.training.TrainMain;
import io.github.cnnmaven.training.TrainRequest;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Trains the network on the dataset (fetching it first when needed) in a forked JVM, writes
 * {@code model.zip}, {@code history.json}, {@code run.json} and checkpoints, and attaches the model
 * to the build (type zip, classifier model). With an unchanged fingerprint it says "up to date".
 */
@Mojo(name = "train", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class TrainMojo extends AbstractTrainingMojo {

    /** Skips this goal only. */
    @Parameter(property = "cnn.train.skip", defaultValue = "false")
    private boolean skipTrain;

    @Component
    private MavenProjectHelper projectHelper;

    @Override
    protected String goal() {
        return "train";
    }

    @Override
    protected boolean isGoalSkipped() {
        return skipTrain;
    }

    @Override
    protected void run() throws CnnException {
        TrainingConfig configured = trainingConfig();
        DatasetSpec spec = datasetSpec();
        PreparedDataset prepared = datasetService(spec).prepare(spec);
        TrainingConfig config = configured.withLearningRate(learningRateFor(configured, prepared, spec, true));
        String fingerprint = Fingerprint.of(config, dataIdentity(prepared, spec));
        Path out = outputDirectory.toPath();
        TrainRequest request = new TrainRequest(prepared, spec, config, out, fingerprint, fresh, isInteractive(), threadCount());
        String current = config.isOverfitCheck() || fresh ? null : currentModel(request);
        if (current != null) {
            getLog().info("Model is up to date (fingerprint " + current + "): " + request.modelFile()
                    + ". Not retraining; -Dcnn.fresh retrains from scratch.");
        } else {
            fork(TrainMain.class.getName(), "train", request);
        }
        if (!config.isOverfitCheck() && project != null && projectHelper != null && Files.isRegularFile(request.modelFile())) {
            projectHelper.attachArtifact(project, "zip", "model", request.modelFile().toFile());
        }
    }

    /**
     * The fingerprint of the model in the output directory when it is up to date: trained from this
     * configuration and data, or the winner of a study of them ({@code study.json}). Null otherwise.
     */
    private String currentModel(TrainRequest request) {
        if (!Files.isRegularFile(request.modelFile()) || !Files.isRegularFile(request.historyFile())) {
            return null;
        }
        try {
            ModelMetadata metadata = ModelMetadata.read(request.modelFile());
            if (metadata == null) {
                return null;
            }
            if (request.fingerprint().equals(metadata.fingerprint())) {
                return metadata.fingerprint();
            }
            StudyResult study = StudyResult.winnerFor(request.outputDirectory(), request.fingerprint(), metadata.fingerprint());
            if (study != null) {
                getLog().info("The model is the winner of the study of this configuration: '" + study.winner() + "' ("
                        + request.outputDirectory().resolve(StudyResult.FILE_NAME) + ")");
                return metadata.fingerprint();
            }
            return null;
        } catch (IOException e) {
            return null; // an unreadable model is not up to date; training replaces it
        }
    }
}
