package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.output.OutputDirectory;

import java.nio.file.Files;

/**
 * The check that {@code evaluate} and {@code predict} make before they use {@code model.zip}: it
 * exists, and it is the model of this configuration and data (or the winner of their study). A
 * missing or stale model fails with one message that says which goal produces it.
 *
 * @param prepared the dataset, prepared (fetched only when not cached)
 * @param config   the training configuration, with the learning rate find-lr chose
 */
record CurrentModel(PreparedDataset prepared, TrainingConfig config) {

    static CurrentModel require(Datasets datasets, ForkRunner forks, OutputDirectory output, Console console, TrainingSetup setup)
            throws CnnException {
        if (!Files.isRegularFile(output.modelFile())) {
            throw new CnnException("No trained model at " + output.modelFile() + ": the train goal produces it (mvn cnn:train,"
                    + " or bind train in the POM so that mvn verify runs it before evaluate)");
        }
        PreparedDataset prepared = datasets.prepare(setup.dataset());
        TrainingConfig config = new FindLearningRate(datasets, forks, output, console).configFor(setup, prepared, false);
        Freshness.ModelState state = Freshness.model(output, Freshness.fingerprint(config, prepared, setup));
        switch (state.status()) {
            case CURRENT -> { }
            case STUDY_WINNER -> console.info("Using the winner of the study, '" + state.study().winner() + "' ("
                    + state.study().variants().size() + " variants compared on validation; " + output.studyFile() + ")");
            default -> throw new CnnException("The model " + output.modelFile() + " is stale: " + state.why()
                    + ". Run the train goal first (mvn cnn:train), or the study goal when the model comes from a study.");
        }
        return new CurrentModel(prepared, config);
    }
}
