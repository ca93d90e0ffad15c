package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.Augment;
import io.github.cnnmaven.config.Balance;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.config.LayerSpec;
import io.github.cnnmaven.config.Optimizer;
import io.github.cnnmaven.config.Schedule;
import io.github.cnnmaven.config.TrainingConfig;
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

    /**
     * The preset: lenet5, alexnet-cifar, alexnet, vgg11, vgg13, vgg16, vgg19, nin, googlenet, resnet20,
     * resnet18, resnet34 or resnet50; ignored when layers are declared.
     */
    @Parameter(property = "cnn.network", defaultValue = "alexnet-cifar")
    protected String network;

    /** A network of your own instead of a preset: the XML is in docs/configuration.md (a network of your own). */
    @Parameter
    protected List<LayerSpec> layers;

    /** The conv kernel size in presets that take it: lenet5, alexnet-cifar, vgg11, vgg13, vgg16, vgg19. */
    @Parameter(property = "cnn.kernelSize", defaultValue = "3")
    protected int kernelSize;

    @Parameter(property = "cnn.epochs", defaultValue = "20")
    protected int epochs;

    @Parameter(property = "cnn.batchSize", defaultValue = "128")
    protected int batchSize;

    /** The share of each class held out of training to validate on (stratified, seeded). */
    @Parameter(property = "cnn.validationSplit", defaultValue = "0.1")
    protected double validationSplit;

    /** sgd, nesterov, adam, adamw or rmsprop. */
    @Parameter(property = "cnn.optimizer", defaultValue = "adam")
    protected String optimizer;

    /** A number, or auto for find-lr's suggestion; unset: 0.001 for adam, adamw and rmsprop, 0.01 for sgd and nesterov. */
    @Parameter(property = "cnn.learningRate")
    protected String learningRate;

    @Parameter(property = "cnn.momentum", defaultValue = "0.9")
    protected double momentum;

    /** L2 for sgd, nesterov, adam and rmsprop; decoupled weight decay for adamw. */
    @Parameter(property = "cnn.weightDecay", defaultValue = "0.0005")
    protected double weightDecay;

    /** constant, step, multistep, plateau, cosine or onecycle. */
    @Parameter(property = "cnn.schedule", defaultValue = "constant")
    protected String schedule;

    /** step: epochs between decays. */
    @Parameter(property = "cnn.stepSize", defaultValue = "0")
    protected int stepSize;

    /** multistep: comma-separated epochs, such as 10,15. */
    @Parameter(property = "cnn.milestones")
    protected String milestones;

    /** The decay factor of step, multistep and plateau. */
    @Parameter(property = "cnn.gamma", defaultValue = "0.1")
    protected double gamma;

    /** plateau: epochs without validation improvement before decaying. */
    @Parameter(property = "cnn.patience", defaultValue = "5")
    protected int patience;

    /** Linear warm-up, in epochs. */
    @Parameter(property = "cnn.warmupEpochs", defaultValue = "0")
    protected int warmupEpochs;

    /** Drop probability; by default each preset's own. */
    @Parameter(property = "cnn.dropout")
    protected Double dropout;

    @Parameter(property = "cnn.batchNorm", defaultValue = "true")
    protected boolean batchNorm;

    @Parameter(property = "cnn.labelSmoothing", defaultValue = "0")
    protected double labelSmoothing;

    /** Per-layer L2 gradient clipping threshold; 0 is off. */
    @Parameter(property = "cnn.gradientClip", defaultValue = "0")
    protected double gradientClip;

    /** A comma list of crop4, flip, jitter, cutout, resizecrop, randomresizedcrop; or none. */
    @Parameter(property = "cnn.augment", defaultValue = "none")
    protected String augment;

    /** none, or oversample to balance classes. */
    @Parameter(property = "cnn.balance", defaultValue = "none")
    protected String balance;

    /** Patience in epochs on validation accuracy; 0 is off. */
    @Parameter(property = "cnn.earlyStopping", defaultValue = "0")
    protected int earlyStopping;

    /** Time budget: training stops after the epoch that exceeds it, keeping the best model. 0 is no limit. */
    @Parameter(property = "cnn.maxMinutes", defaultValue = "0")
    protected int maxMinutes;

    /**
     * The epochs a time budget never cuts: on a slow or busy machine training runs past cnn.maxMinutes
     * rather than below them, and says so. 0 is none.
     */
    @Parameter(property = "cnn.minEpochs", defaultValue = "0")
    protected int minEpochs;

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
    @Parameter(property = "cnn.freezeEpochs", defaultValue = "0")
    protected int freezeEpochs;

    /**
     * With {@code cnn.augment=resizecrop} or {@code randomresizedcrop}: the side folder images are resized
     * to before the input is cropped out of them; 0 for 8/7 of {@code cnn.imageSize}.
     */
    @Parameter(property = "cnn.resizeTo", defaultValue = "0")
    protected int resizeTo;

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
        for (Artifact a : project.getAttachedArtifacts()) {
            if (MODEL_CLASSIFIER.equals(a.getClassifier()) && type.equals(a.getType())) {
                return;
            }
        }
        projectHelper.attachArtifact(project, type, MODEL_CLASSIFIER, file.toFile());
    }

    /** The training goals' request: dataset, configuration and find-lr settings as parameters give them (checked later). */
    protected TrainingSetup trainingSetup() throws InvalidConfigurationException {
        return new TrainingSetup(datasetSpec(), trainingConfig(), LearningRate.parse(learningRate, "cnn.learningRate"),
                new LrFinder.Settings(lrStart, lrEnd, lrSteps, Choice.parse(LrMethod.class, lrMethod, "cnn.lrMethod")),
                findLr, fresh, isInteractive(), ModelArtifactResolver.resolve(pretrained, repositorySystem, session, project));
    }

    /** The configuration with the configured rate; with {@code auto}, a placeholder that find-lr's sweep replaces. */
    protected TrainingConfig trainingConfig() throws InvalidConfigurationException {
        TrainingConfig.Builder b = TrainingConfig.builder().network(network).layers(layers).kernelSize(kernelSize)
                .epochs(epochs).batchSize(batchSize).seed(seed).validationSplit(validationSplit).momentum(momentum)
                .weightDecay(weightDecay).stepSize(stepSize).gamma(gamma).patience(patience).warmupEpochs(warmupEpochs)
                .dropout(dropout).batchNorm(batchNorm).labelSmoothing(labelSmoothing).gradientClip(gradientClip)
                .earlyStopping(earlyStopping).maxMinutes(maxMinutes).minEpochs(minEpochs).overfit(overfit).freezeEpochs(freezeEpochs)
                .resizeTo(resizeTo)
                .optimizer(Choice.parse(Optimizer.class, optimizer, "cnn.optimizer"))
                .schedule(Choice.parse(Schedule.class, schedule, "cnn.schedule"))
                .balance(Choice.parse(Balance.class, balance == null ? "none" : balance, "cnn.balance"))
                .augment(Augment.parseList(augment))
                .milestones(TrainingConfig.Builder.parseEpochs(milestones, "cnn.milestones"))
                .learningRate(LearningRate.parse(learningRate, "cnn.learningRate"));
        return b.build();
    }
}
