package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Fingerprint;
import io.github.cnnmaven.lrfinder.FindLrMain;
import io.github.cnnmaven.lrfinder.FindLrRequest;
import io.github.cnnmaven.lrfinder.LrFinder;
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

    /** Whether {@code cnn.learningRate=auto}: training takes find-lr's suggestion. */
    protected boolean autoLearningRate() {
        return learningRate != null && learningRate.trim().equalsIgnoreCase("auto");
    }

    /** The configuration with the configured rate; with {@code auto}, a placeholder that find-lr's sweep replaces. */
    protected TrainingConfig trainingConfig() throws InvalidConfigurationException {
        return trainingConfig(autoLearningRate() ? 1.0 : parseLearningRate());
    }

    private double parseLearningRate() throws InvalidConfigurationException {
        String rate = learningRate == null ? "0.001" : learningRate.trim();
        try {
            return Double.parseDouble(rate);
        } catch (NumberFormatException e) {
            throw InvalidConfigurationException.of("cnn.learningRate", rate, "use a positive number such as 0.001, or auto");
        }
    }

    protected LrFinder.Settings lrFinderSettings() throws InvalidConfigurationException {
        if (!(lrStart > 0) || !(lrEnd > lrStart)) {
            throw InvalidConfigurationException.of("cnn.lrStart", lrStart + ".." + lrEnd,
                    "the sweep needs 0 < cnn.lrStart < cnn.lrEnd, such as 1e-7 to 10");
        }
        if (lrSteps < 20) {
            throw InvalidConfigurationException.of("cnn.lrSteps", lrSteps, "use at least 20 steps (100 is usual)");
        }
        String method = lrMethod == null ? "valley" : lrMethod.trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("valley", "steep", "minimum").contains(method)) {
            throw InvalidConfigurationException.of("cnn.lrMethod", lrMethod, "use valley, steep or minimum");
        }
        return new LrFinder.Settings(lrStart, lrEnd, lrSteps, method);
    }

    /** What a find-lr result is valid for: everything but the learning rate, plus the sweep's settings. */
    protected String lrFinderFingerprint(TrainingConfig config, String dataIdentity, LrFinder.Settings settings) {
        return Fingerprint.of(config.withLearningRate(1.0), dataIdentity + "|" + settings);
    }

    /**
     * The rate training uses: the configured number, or with {@code auto} find-lr's suggestion, running
     * the finder first when there is no current result and {@code runFinder} allows it.
     */
    protected double learningRateFor(TrainingConfig config, PreparedDataset prepared, DatasetSpec spec, boolean runFinder)
            throws CnnException {
        if (!autoLearningRate()) {
            return config.learningRate();
        }
        LrFinder.Settings settings = lrFinderSettings();
        String fingerprint = lrFinderFingerprint(config, dataIdentity(prepared, spec), settings);
        LrFinder.Result result = LrFinder.read(outputDirectory.toPath());
        if (result == null || !fingerprint.equals(result.fingerprint())) {
            if (!runFinder) {
                throw new CnnException("cnn.learningRate=auto, but there is no current find-lr result in " + outputDirectory
                        + ": run the train goal (it runs find-lr first) or mvn cnn:find-lr");
            }
            getLog().info("cnn.learningRate=auto and no current find-lr result: running find-lr first");
            result = runFinder(config, prepared, spec, settings, fingerprint);
        }
        getLog().info(String.format(java.util.Locale.ROOT, "Learning rate %.3g from find-lr (%s)%s", result.suggestion(),
                LrFinder.FILE_NAME, config.schedule().equals("onecycle") ? ", as the 1cycle peak" : ""));
        return result.suggestion();
    }

    protected LrFinder.Result runFinder(TrainingConfig config, PreparedDataset prepared, DatasetSpec spec,
                                        LrFinder.Settings settings, String fingerprint) throws CnnException {
        java.nio.file.Path out = outputDirectory.toPath();
        fork(FindLrMain.class.getName(), "find-lr", new FindLrRequest(prepared, spec, config, settings, fingerprint, out));
        LrFinder.Result result = LrFinder.read(out);
        if (result == null) {
            throw new CnnException("find-lr wrote no readable " + out.resolve(LrFinder.FILE_NAME));
        }
        return result;
    }

    protected TrainingConfig trainingConfig(double lr) throws InvalidConfigurationException {
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
