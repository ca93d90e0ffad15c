package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.ZipIntegrity;
import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetKind;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.download.Checksum;
import io.github.cnnmaven.lrfinder.LrFinder;
import io.github.cnnmaven.network.InputShape;
import io.github.cnnmaven.network.NetworkBuilder;
import io.github.cnnmaven.network.NetworkDefinitionException;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.training.PretrainedFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the training goals (find-lr, train, evaluate, study) are asked to work on, checked: the
 * dataset, the training configuration and the learning-rate finder's settings.
 *
 * @param config           the configuration; with {@code auto} its rate is a placeholder that find-lr's
 *                         suggestion replaces
 * @param learningRate     where the configuration's rate comes from: a given number, the optimizer's default
 *                         (a study variant with another optimizer takes that optimizer's), or {@code auto}
 * @param findLr           {@code cnn.findLr}: run the range test even with a given rate
 * @param fresh            {@code cnn.fresh}: ignore checkpoints and up-to-date outputs
 * @param interactive      a person watches (not {@code -B}): progress within epochs
 * @param pretrained       {@code cnn.pretrained}, resolved: the {@code model.zip} or Keras HDF5 file to fine-tune
 *                         from, or null
 */
public record TrainingSetup(DatasetSpec dataset, TrainingConfig config, LearningRate learningRate, LrFinder.Settings finder,
                            boolean findLr, boolean fresh, boolean interactive, Path pretrained) {

    public TrainingSetup {
        dataset = dataset == null || config == null ? dataset : framed(dataset, config);
    }

    /** A setup that trains from scratch. */
    public TrainingSetup(DatasetSpec dataset, TrainingConfig config, LearningRate learningRate, LrFinder.Settings finder,
                         boolean findLr, boolean fresh, boolean interactive) {
        this(dataset, config, learningRate, finder, findLr, fresh, interactive, null);
    }

    /** {@code cnn.learningRate=auto}: training takes find-lr's suggestion. */
    public boolean autoLearningRate() {
        return learningRate instanceof LearningRate.Auto;
    }

    /**
     * Checks the whole setup before any download or training, the network's layers included: the
     * input shape of every dataset kind is known before its files are read.
     */
    public TrainingSetup validate() throws InvalidConfigurationException {
        dataset.validate();
        config.validate();
        boolean folders = dataset.kind() == DatasetKind.FOLDER || dataset.kind() == DatasetKind.ARCHIVE;
        if (!folders && (config.cropping() == Augment.RESIZECROP || config.resizeTo() > 0)) {
            throw new InvalidConfigurationException((config.resizeTo() > 0 ? "cnn.resizeTo" : "cnn.augment=resizecrop")
                    + " resizes the images of folders and archives, but " + dataset.kind().displayName() + " images have a"
                    + " fixed size: use crop4 or randomresizedcrop");
        }
        if (folders && dataset.resizeTo() > 0 && dataset.resizeTo() < dataset.imageSize()) {
            throw InvalidConfigurationException.of("cnn.resizeTo", dataset.resizeTo(), "the input (cnn.imageSize="
                    + dataset.imageSize() + ") is cropped out of the resized image: use at least " + dataset.imageSize());
        }
        LrFinder.validate(finder);
        pretrainedModel();
        try {
            NetworkBuilder.check(config, expectedInput(dataset));
        } catch (NetworkDefinitionException e) {
            throw new InvalidConfigurationException(e.getMessage() + " (checked against the " + dataset.kind().displayName()
                    + " input, " + expectedInput(dataset) + ", before anything was downloaded)");
        }
        return this;
    }

    /**
     * The input the network will get: fixed for the built-in datasets, {@code cnn.imageSize} RGB for
     * folders and archives (whose class count is known only once read; the output layer's size does
     * not change whether the layers fit).
     */
    /**
     * The model to fine-tune from, checked before anything is downloaded: it exists, and it is a model
     * written by train for the same network, or a Keras HDF5 file (whose layers the training JVM checks
     * as it loads them). Null without {@code cnn.pretrained}.
     */
    public PretrainedModel pretrainedModel() throws InvalidConfigurationException {
        if (pretrained == null) {
            if (config.freezeEpochs() > 0) {
                throw InvalidConfigurationException.of("cnn.freezeEpochs", config.freezeEpochs(), "it freezes the pretrained"
                        + " layers, so it needs cnn.pretrained (a model.zip, the coordinates of an installed model, or a Keras"
                        + " HDF5 file)");
            }
            return null;
        }
        if (!Files.isRegularFile(pretrained)) {
            throw InvalidConfigurationException.of("cnn.pretrained", pretrained, "a model.zip written by the train goal,"
                    + " the groupId:artifactId:version of an installed model, or a Keras HDF5 file (.h5)");
        }
        PretrainedFormat format;
        try {
            format = PretrainedFormat.of(pretrained);
        } catch (IOException e) {
            throw new InvalidConfigurationException("cnn.pretrained " + pretrained + " cannot be read: " + e.getMessage());
        }
        if (format == PretrainedFormat.KERAS_HDF5) {
            try {
                return new PretrainedModel(format, "keras-sha256:" + Checksum.digest(pretrained, "SHA-256", false));
            } catch (IOException e) {
                throw new InvalidConfigurationException("cnn.pretrained " + pretrained + " cannot be read: " + e.getMessage());
            }
        }
        String damage = format == PretrainedFormat.TRAIN_GOAL_MODEL ? ZipIntegrity.problem(pretrained) : null;
        if (damage != null) {
            throw new InvalidConfigurationException("cnn.pretrained " + pretrained + " is damaged (" + damage + "): it is"
                    + " not a whole model.zip. Copy it again, or train it again with the train goal");
        }
        ModelMetadata metadata;
        try {
            metadata = format == PretrainedFormat.TRAIN_GOAL_MODEL ? ModelMetadata.read(pretrained) : null;
        } catch (IOException | RuntimeException e) {
            metadata = null;
        }
        if (metadata == null) {
            throw new InvalidConfigurationException("cnn.pretrained " + pretrained + " is neither a model written by the train"
                    + " goal (a model.zip with cnn/metadata.json) nor a Keras HDF5 file");
        }
        if (!config.networkName().equals(metadata.network())) {
            throw new InvalidConfigurationException("cnn.pretrained " + pretrained + " is a " + metadata.network()
                    + " network, but this build trains " + config.networkName() + ": fine-tuning needs the same network"
                    + " (cnn.network, or the same <layers>)");
        }
        return new PretrainedModel(format, metadata.fingerprint());
    }

    /**
     * The native libraries the training JVM needs to read {@code cnn.pretrained}: HDF5 for a Keras file.
     * Told by the file's first bytes alone ({@link #validate} has checked the file already; no hashing again).
     */
    public List<String> pretrainedNativeLibraries() throws InvalidConfigurationException {
        if (pretrained == null) {
            return List.of();
        }
        try {
            PretrainedFormat format = PretrainedFormat.of(pretrained);
            return format == null ? List.of() : format.nativeLibraries();
        } catch (IOException e) {
            throw new InvalidConfigurationException("cnn.pretrained " + pretrained + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Folder images are stored at {@code cnn.resizeTo} when resizecrop or randomresizedcrop takes the
     * input out of them: by default 8/7 of the input (256 for 224, as ImageNet training does).
     */
    static DatasetSpec framed(DatasetSpec spec, TrainingConfig config) {
        boolean folders = spec.kind() == DatasetKind.FOLDER || spec.kind() == DatasetKind.ARCHIVE;
        if (!folders || config.cropping() == null) {
            return spec;
        }
        return spec.withResizeTo(config.resizeTo() > 0 ? config.resizeTo() : Math.round(spec.imageSize() * 8f / 7));
    }

    static InputShape expectedInput(DatasetSpec spec) {
        return switch (spec.kind()) {
            case CIFAR10 -> new InputShape(3, 32, 32, 10);
            case CIFAR100 -> new InputShape(3, 32, 32, spec.cifar100Coarse() ? 20 : 100);
            case MNIST, FASHION_MNIST -> new InputShape(1, 28, 28, 10);
            case FOLDER, ARCHIVE -> new InputShape(3, spec.imageSize(), spec.imageSize(), 2);
        };
    }
}
