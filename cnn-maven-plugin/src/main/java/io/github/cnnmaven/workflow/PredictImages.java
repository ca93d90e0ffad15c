package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.output.OutputDirectory;
import io.github.cnnmaven.prediction.PredictRequest;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code predict} goal: classifies the image files of {@code cnn.images} with the current model
 * in the forked JVM, printing each one's top classes and writing {@code predictions.csv}.
 */
public final class PredictImages {

    private final Datasets datasets;
    private final ForkRunner forks;
    private final OutputDirectory output;
    private final Console console;

    public PredictImages(Datasets datasets, ForkRunner forks, OutputDirectory output, Console console) {
        this.datasets = datasets;
        this.forks = forks;
        this.output = output;
        this.console = console;
    }

    /** Returns {@code predictions.csv}. */
    public Path run(TrainingSetup setup, Path images) throws CnnException {
        if (images == null) {
            throw new InvalidConfigurationException("The predict goal needs images: -Dcnn.images=<an image file or a folder of"
                    + " PNG or JPEG files>");
        }
        if (!Files.isRegularFile(images) && !Files.isDirectory(images)) {
            throw InvalidConfigurationException.of("cnn.images", images, "an existing image file or folder");
        }
        setup.validate();
        forks.settings().validate();
        try (ProcessLock lock = output.lock("predict", console)) {
            CurrentModel.require(datasets, forks, output, console, setup);
            forks.run(output, "predict", new PredictRequest(output.modelFile(), images,
                    output.predictionsFile()));
        }
        return output.predictionsFile();
    }
}
