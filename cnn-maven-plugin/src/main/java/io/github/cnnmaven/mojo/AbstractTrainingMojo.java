package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.LayerSpec;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.ArrayList;
import java.util.List;

/** The network and training parameters (DESIGN.md). */
public abstract class AbstractTrainingMojo extends AbstractForkingMojo {

    /** lenet5, alexnet-cifar, vgg11, vgg13, vgg16, vgg19, nin, resnet20 or resnet18; ignored when layers are declared. */
    @Parameter(property = "cnn.network", defaultValue = "alexnet-cifar")
    protected String network;

    /** A network of your own instead of a preset: see README.md for the XML. */
    @Parameter
    protected List<LayerSpec> layers;

    /** The conv kernel size in presets that allow it (lenet5, alexnet-cifar, vgg*). */
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

    /** A number, or auto for find-lr's suggestion. */
    @Parameter(property = "cnn.learningRate", defaultValue = "0.001")
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

    /** A comma list of crop4, flip, jitter, cutout; or none. */
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

    /** Ignore checkpoints and fingerprints and train from scratch. */
    @Parameter(property = "cnn.fresh", defaultValue = "false")
    protected boolean fresh;

    /** Sanity check: train on this many examples without regularisation; the loss must reach about 0. */
    @Parameter(property = "cnn.overfit")
    protected Integer overfit;

    protected TrainingConfig trainingConfig() throws InvalidConfigurationException {
        double lr;
        String rate = learningRate == null ? "0.001" : learningRate.trim();
        if (rate.equalsIgnoreCase("auto")) {
            throw InvalidConfigurationException.of("cnn.learningRate", rate,
                    "auto needs the find-lr goal, which this version does not have yet; give a number such as 0.001");
        }
        try {
            lr = Double.parseDouble(rate);
        } catch (NumberFormatException e) {
            throw InvalidConfigurationException.of("cnn.learningRate", rate, "use a positive number such as 0.001, or auto");
        }
        List<Integer> steps = new ArrayList<>();
        if (milestones != null && !milestones.isBlank()) {
            for (String m : milestones.split(",")) {
                try {
                    steps.add(Integer.parseInt(m.trim()));
                } catch (NumberFormatException e) {
                    throw InvalidConfigurationException.of("cnn.milestones", milestones, "use comma-separated epochs, such as 10,15");
                }
            }
        }
        return new TrainingConfig(network, layers, kernelSize, epochs, batchSize, seed, validationSplit, optimizer, lr,
                momentum, weightDecay, schedule, stepSize, steps, gamma, patience, warmupEpochs, dropout, batchNorm,
                labelSmoothing, gradientClip, TrainingConfig.parseAugment(augment), balance, earlyStopping, maxMinutes,
                overfit).validate();
    }

    /** What selects the examples, besides the dataset's content. */
    protected static String dataIdentity(PreparedDataset prepared, DatasetSpec spec) {
        return prepared.identity() + "|train=" + spec.trainLimit() + "|test=" + spec.testLimit() + "|size=" + spec.imageSize()
                + "|coarse=" + spec.cifar100Coarse() + "|testSplit=" + spec.testSplit() + "|seed=" + spec.seed();
    }

}
