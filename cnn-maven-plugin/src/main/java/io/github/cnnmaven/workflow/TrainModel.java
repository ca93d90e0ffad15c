package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.training.TrainRequest;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code train} goal: fetches the data when needed, picks the learning rate, and trains in the
 * forked JVM unless the output directory's model is up to date.
 */
public final class TrainModel {

    private final Datasets datasets;
    private final ForkRunner forks;
    private final OutputDirectory output;
    private final Console console;

    public TrainModel(Datasets datasets, ForkRunner forks, OutputDirectory output, Console console) {
        this.datasets = datasets;
        this.forks = forks;
        this.output = output;
        this.console = console;
    }

    /** Trains (or finds the model up to date) and exports it to ONNX; returns what to attach, or null for none. */
    public ModelArtifacts run(TrainingSetup setup) throws CnnException {
        setup.validate();
        forks.settings().validate();
        try (ProcessLock lock = output.lock("train", console)) {
            return train(setup);
        }
    }

    private ModelArtifacts train(TrainingSetup setup) throws CnnException {
        PreparedDataset prepared = datasets.prepare(setup.dataset());
        TrainingConfig config = new FindLearningRate(datasets, forks, output, console).configFor(setup, prepared, true);
        String fingerprint = Freshness.fingerprint(config, prepared, setup);
        Freshness.ModelState state = config.isOverfitCheck() || setup.fresh() ? null : Freshness.model(output, fingerprint);
        if (state != null && state.upToDate()) {
            if (state.status() == Freshness.Status.STUDY_WINNER) {
                console.info("The model is the winner of the study of this configuration: '" + state.study().winner()
                        + "' (" + output.studyFile() + ")");
            }
            console.info("Model is up to date (fingerprint " + state.metadata().fingerprint() + "): " + output.modelFile()
                    + ". Not retraining; -Dcnn.fresh retrains from scratch.");
        } else {
            if (state != null && state.status() == Freshness.Status.STALE && state.metadata() == null) {
                console.warn("Retraining: the model " + output.modelFile() + " cannot be trusted: " + state.why());
            }
            forks.run(output, "train", new TrainRequest(forks.context(prepared, setup, output), config, fingerprint),
                    setup.pretrainedNativeLibraries());
        }
        if (config.isOverfitCheck() || !Files.isRegularFile(output.modelFile())) {
            return null;
        }
        return new ModelArtifacts(output.modelFile(), ExportOnnx.ensure(forks, output, console));
    }
}
