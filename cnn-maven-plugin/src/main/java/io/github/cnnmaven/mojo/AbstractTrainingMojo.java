package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.config.LayerSpec;
import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.config.TrainingProperty;
import io.github.cnnmaven.lrfinder.LrFinder;
import io.github.cnnmaven.lrfinder.LrMethod;
import io.github.cnnmaven.workflow.TrainingSetup;
import io.github.cnnmaven.workflow.ModelArtifacts;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

import java.util.List;

/** The network and training parameters, shared by the goals that train or check a model against them. */
public abstract class AbstractTrainingMojo extends AbstractForkingMojo {

    /** The classifier of the attached model artifacts. */
    static final String MODEL_CLASSIFIER = "model";

    @Component
    private MavenProjectHelper projectHelper;

    // The training properties: Maven needs a field per parameter, but the defaults are the catalogue's
    // (TrainingProperty), so none is declared here and trainingConfig() forwards only what was set.

    /**
     * The preset: lenet5, alexnet-cifar, alexnet, vgg11, vgg13, vgg16, vgg19, nin, googlenet, resnet20, resnet32,
     * resnet44, resnet56, resnet110 (the CIFAR ResNets of depth 6n+2),
     * resnet18, resnet34 or resnet50; ignored when layers are declared.
     */
    @Parameter(property = "cnn.network")
    protected String network;

    /** A network of your own instead of a preset: the XML is in docs/configuration.md (a network of your own). */
    @Parameter
    protected List<LayerSpec> layers;

    /** The conv kernel size in presets that take it: lenet5, alexnet-cifar, vgg11, vgg13, vgg16, vgg19. */
    @Parameter(property = "cnn.kernelSize")
    protected Integer kernelSize;

    /** The number of training epochs. */
    @Parameter(property = "cnn.epochs")
    protected Integer epochs;

    /** The examples per mini-batch. */
    @Parameter(property = "cnn.batchSize")
    protected Integer batchSize;

    /** The share of each class held out of training to validate on (stratified, seeded). */
    @Parameter(property = "cnn.validationSplit")
    protected Double validationSplit;

    /** sgd, nesterov, adam, adamw or rmsprop. */
    @Parameter(property = "cnn.optimizer")
    protected String optimizer;

    /** A number, or auto for find-lr's suggestion; unset: the optimizer's default rate (a tenth of it for alexnet and resnet34). */
    @Parameter(property = "cnn.learningRate")
    protected String learningRate;

    /** The momentum of sgd, nesterov and rmsprop. */
    @Parameter(property = "cnn.momentum")
    protected Double momentum;

    /** L2 for sgd, nesterov, adam and rmsprop (unset: 0.0005); decoupled weight decay for adamw (unset: 0.05). */
    @Parameter(property = "cnn.weightDecay")
    protected Double weightDecay;

    /** constant, step, multistep, plateau, cosine or onecycle. */
    @Parameter(property = "cnn.schedule")
    protected String schedule;

    /** step: epochs between decays. */
    @Parameter(property = "cnn.stepSize")
    protected Integer stepSize;

    /** multistep: comma-separated epochs, such as 10,15. */
    @Parameter(property = "cnn.milestones")
    protected String milestones;

    /** The decay factor of step, multistep and plateau. */
    @Parameter(property = "cnn.gamma")
    protected Double gamma;

    /** plateau: epochs without validation improvement before decaying. */
    @Parameter(property = "cnn.patience")
    protected Integer patience;

    /** Linear warm-up, in epochs. */
    @Parameter(property = "cnn.warmupEpochs")
    protected Integer warmupEpochs;

    /** Drop probability; by default each preset's own. */
    @Parameter(property = "cnn.dropout")
    protected Double dropout;

    /** Batch normalisation in the presets. */
    @Parameter(property = "cnn.batchNorm")
    protected Boolean batchNorm;

    /** Label smoothing of the loss. */
    @Parameter(property = "cnn.labelSmoothing")
    protected Double labelSmoothing;

    /** Per-layer L2 gradient clipping threshold; 0 is off. */
    @Parameter(property = "cnn.gradientClip")
    protected Double gradientClip;

    /**
     * An exponential moving average of the weights: off, its decay per step (such as 0.999) or its half-life in
     * steps (such as 500). Validation, the kept model, evaluate and the ONNX export use the averaged weights.
     */
    @Parameter(property = "cnn.ema")
    protected String ema;

    /** Stochastic weight averaging of the last this many epochs, with batch-norm statistics re-estimated; 0 is off. */
    @Parameter(property = "cnn.swa")
    protected Integer swa;

    /** A comma list of crop4, flip, jitter, cutout, erase, resizecrop, randomresizedcrop; or none. */
    @Parameter(property = "cnn.augment")
    protected String augment;

    /** none, or oversample to balance classes. */
    @Parameter(property = "cnn.balance")
    protected String balance;

    /** Patience in epochs on validation accuracy; 0 is off. */
    @Parameter(property = "cnn.earlyStopping")
    protected Integer earlyStopping;

    /** Time budget: training stops after the epoch that exceeds it, keeping the best model. 0 is no limit. */
    @Parameter(property = "cnn.maxMinutes")
    protected Integer maxMinutes;

    /**
     * The epochs a time budget never cuts: on a slow or busy machine training runs past cnn.maxMinutes
     * rather than below them, and says so. 0 is none.
     */
    @Parameter(property = "cnn.minEpochs")
    protected Integer minEpochs;

    /** Ignore checkpoints and fingerprints and train from scratch. */
    @Parameter(property = "cnn.fresh", defaultValue = "false")
    protected boolean fresh;

    /** Sanity check: train on this many examples without regularisation; the loss must reach about 0. */
    @Parameter(property = "cnn.overfit")
    protected Integer overfit;

    /**
     * Fine-tune from another build's model: the path of a {@code model.zip}, the
     * {@code groupId:artifactId:version} of an installed model (type zip, classifier model), or the
     * path of a Keras HDF5 file of the same network. The network must be the same; every layer but the
     * classifier starts from its weights.
     */
    @Parameter(property = "cnn.pretrained")
    protected String pretrained;

    /** With {@code cnn.pretrained}: the first epochs that train only the new classifier (then every layer). */
    @Parameter(property = "cnn.freezeEpochs")
    protected Integer freezeEpochs;

    /**
     * With {@code cnn.augment=resizecrop} or {@code randomresizedcrop}: the side folder images are resized
     * to before the input is cropped out of them; 0 for 8/7 of {@code cnn.imageSize}.
     */
    @Parameter(property = "cnn.resizeTo")
    protected Integer resizeTo;

    /** Run the learning-rate range test even when the learning rate is given. */
    @Parameter(property = "cnn.findLr", defaultValue = "false")
    protected boolean findLr;

    /** find-lr: the first rate of the sweep. */
    @Parameter(property = "cnn.lrStart", defaultValue = "1e-7")
    protected double lrStart;

    /** find-lr: the last rate of the sweep. */
    @Parameter(property = "cnn.lrEnd", defaultValue = "10")
    protected double lrEnd;

    /** find-lr: the number of steps (mini-batches) of the sweep. */
    @Parameter(property = "cnn.lrSteps", defaultValue = "100")
    protected int lrSteps;

    /** find-lr: valley, steep or minimum. */
    @Parameter(property = "cnn.lrMethod", defaultValue = "valley")
    protected String lrMethod;

    /**
     * Attaches {@code model.zip} (type zip) and {@code model.onnx} (type onnx), classifier model, once
     * per build: a study followed by train in one build produce the same files, attached by the first.
     */
    protected void attach(ModelArtifacts artifacts) {
        if (artifacts == null || project == null || projectHelper == null) {
            return;
        }
        attach("zip", artifacts.model());
        attach("onnx", artifacts.onnx());
    }

    private void attach(String type, java.nio.file.Path file) {
        attach(type, MODEL_CLASSIFIER, file);
    }

    /** Attaches {@code file} as (type, classifier) unless an earlier goal of this build attached one already. */
    protected void attach(String type, String classifier, java.nio.file.Path file) {
        if (project == null || projectHelper == null) {
            return;
        }
        for (Artifact a : project.getAttachedArtifacts()) {
            if (classifier.equals(a.getClassifier()) && type.equals(a.getType())) {
                return;
            }
        }
        projectHelper.attachArtifact(project, type, classifier, file.toFile());
    }

    /** The training goals' request: dataset, configuration and find-lr settings as parameters give them (checked later). */
    protected TrainingSetup trainingSetup() throws InvalidConfigurationException {
        return new TrainingSetup(datasetSpec(), trainingConfig(), LearningRate.parse(learningRate, "cnn.learningRate"),
                new LrFinder.Settings(lrStart, lrEnd, lrSteps, Choice.parse(LrMethod.class, lrMethod, "cnn.lrMethod")),
                findLr, fresh, isInteractive(), ModelArtifactResolver.resolve(pretrained, repositorySystem, session, project));
    }

    /**
     * The configuration from the parameters that were set, each parsed and checked by the catalogue as a study
     * axis would be; the rest keep the catalogue's defaults. With {@code auto}, the rate is a placeholder that
     * find-lr's sweep replaces.
     */
    protected TrainingConfig trainingConfig() throws InvalidConfigurationException {
        TrainingConfig.Builder b = TrainingConfig.builder().layers(layers);
        for (TrainingProperty property : TrainingProperty.values()) {
            Object value = property == TrainingProperty.LAYERS ? null : parameter(property.id());
            if (value != null) {
                b.set(property, String.valueOf(value), property.property());
            }
        }
        return b.build();
    }

    /** The value of the parameter field named {@code name}: one field per catalogue property, checked by a test. */
    private Object parameter(String name) {
        for (Class<?> type = AbstractTrainingMojo.class; type != null; type = type.getSuperclass()) {
            try {
                return type.getDeclaredField(name).get(this);
            } catch (NoSuchFieldException e) {
                // declared further up (cnn.seed, shared with the dataset goals)
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no parameter field for cnn." + name);
    }
}
