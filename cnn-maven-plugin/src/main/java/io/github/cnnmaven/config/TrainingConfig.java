package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import io.github.cnnmaven.common.InvalidConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything that decides what {@code train} produces: the network and its hyperparameters, as the
 * user set them ({@code cnn.*} properties, DESIGN.md). Plain data, serialised to JSON to hand it to
 * the forked training JVM and to fingerprint outputs.
 */
public record TrainingConfig(
        String network,
        List<LayerSpec> layers,
        int kernelSize,
        int epochs,
        int batchSize,
        long seed,
        double validationSplit,
        String optimizer,
        double learningRate,
        double momentum,
        double weightDecay,
        String schedule,
        int stepSize,
        List<Integer> milestones,
        double gamma,
        int patience,
        int warmupEpochs,
        Double dropout,
        boolean batchNorm,
        double labelSmoothing,
        double gradientClip,
        List<String> augment,
        String balance,
        int earlyStopping,
        int maxMinutes,
        Integer overfit) {

    public static final Set<String> PRESETS = Set.of("lenet5", "alexnet-cifar", "vgg11", "vgg13", "vgg16", "vgg19",
            "nin", "resnet20", "resnet18");
    public static final List<String> OPTIMIZERS = List.of("sgd", "nesterov", "adam", "adamw", "rmsprop");
    public static final List<String> SCHEDULES = List.of("constant", "step", "multistep", "plateau", "cosine", "onecycle");
    public static final List<String> AUGMENTATIONS = List.of("crop4", "flip", "jitter", "cutout");

    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    public TrainingConfig {
        layers = layers == null ? null : List.copyOf(layers);
        milestones = milestones == null ? List.of() : List.copyOf(milestones);
        augment = augment == null ? List.of() : List.copyOf(augment);
        network = network == null ? null : network.trim().toLowerCase(Locale.ROOT);
        optimizer = optimizer == null ? null : optimizer.trim().toLowerCase(Locale.ROOT);
        schedule = schedule == null ? null : schedule.trim().toLowerCase(Locale.ROOT);
        balance = balance == null ? "none" : balance.trim().toLowerCase(Locale.ROOT);
    }

    /** The defaults of DESIGN.md, for tests and programmatic use. */
    public static TrainingConfig defaults() {
        return new TrainingConfig("alexnet-cifar", null, 3, 20, 128, 42, 0.1, "adam", 0.001, 0.9, 0.0005,
                "constant", 0, List.of(), 0.1, 5, 0, null, true, 0, 0, List.of(), "none", 0, 0, null);
    }

    /** Parses {@code cnn.augment}: a comma list such as {@code crop4,flip}; {@code none} or blank for none. */
    public static List<String> parseAugment(String value) throws InvalidConfigurationException {
        List<String> result = new ArrayList<>();
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("none")) {
            return result;
        }
        for (String part : value.split(",")) {
            String a = part.trim().toLowerCase(Locale.ROOT);
            if (!AUGMENTATIONS.contains(a)) {
                throw InvalidConfigurationException.of("cnn.augment", part.trim(), "use a comma list of "
                        + String.join(", ", AUGMENTATIONS) + " (or none)");
            }
            result.add(a);
        }
        return result;
    }

    /** Checks every value; the message names the property and what is allowed. */
    public TrainingConfig validate() throws InvalidConfigurationException {
        if (layers == null || layers.isEmpty()) {
            if (network == null || !PRESETS.contains(network)) {
                throw InvalidConfigurationException.of("cnn.network", network, "use one of "
                        + String.join(", ", PRESETS.stream().sorted().toList()) + ", or declare <layers>");
            }
        }
        if (kernelSize < 1 || kernelSize > 11 || kernelSize % 2 == 0) {
            throw InvalidConfigurationException.of("cnn.kernelSize", kernelSize, "use an odd size from 1 to 11, such as 3 or 5");
        }
        positive("cnn.epochs", epochs);
        positive("cnn.batchSize", batchSize);
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw InvalidConfigurationException.of("cnn.validationSplit", validationSplit,
                    "use a fraction from 0 (no validation) to below 1, such as 0.1");
        }
        if (!OPTIMIZERS.contains(optimizer)) {
            throw InvalidConfigurationException.of("cnn.optimizer", optimizer, "use one of " + String.join(", ", OPTIMIZERS));
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw InvalidConfigurationException.of("cnn.learningRate", learningRate,
                    "use a positive number such as 0.001, or auto to use find-lr's suggestion");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw InvalidConfigurationException.of("cnn.momentum", momentum, "use a value from 0 to below 1, such as 0.9");
        }
        if (!(weightDecay >= 0)) {
            throw InvalidConfigurationException.of("cnn.weightDecay", weightDecay, "use 0 or a small positive number such as 0.0005");
        }
        if (!SCHEDULES.contains(schedule)) {
            throw InvalidConfigurationException.of("cnn.schedule", schedule, "use one of " + String.join(", ", SCHEDULES));
        }
        if (schedule.equals("step") && stepSize <= 0) {
            throw InvalidConfigurationException.of("cnn.stepSize", stepSize, "cnn.schedule=step needs a positive step size in epochs");
        }
        if (schedule.equals("multistep") && milestones.isEmpty()) {
            throw InvalidConfigurationException.of("cnn.milestones", "", "cnn.schedule=multistep needs epochs, such as 10,15");
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw InvalidConfigurationException.of("cnn.gamma", gamma, "use a factor in (0, 1], such as 0.1");
        }
        if (patience < 1) {
            throw InvalidConfigurationException.of("cnn.patience", patience, "use a positive number of epochs");
        }
        if (warmupEpochs < 0 || warmupEpochs >= epochs) {
            throw InvalidConfigurationException.of("cnn.warmupEpochs", warmupEpochs, "use 0 or fewer epochs than cnn.epochs");
        }
        if (dropout != null && !(dropout >= 0 && dropout < 1)) {
            throw InvalidConfigurationException.of("cnn.dropout", dropout, "use a drop probability from 0 to below 1, such as 0.5");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw InvalidConfigurationException.of("cnn.labelSmoothing", labelSmoothing, "use a value from 0 to below 1, such as 0.1");
        }
        if (!(gradientClip >= 0)) {
            throw InvalidConfigurationException.of("cnn.gradientClip", gradientClip, "use 0 (off) or a positive L2 norm, such as 5");
        }
        for (String a : augment) {
            if (!AUGMENTATIONS.contains(a)) {
                throw InvalidConfigurationException.of("cnn.augment", a, "use a comma list of " + String.join(", ", AUGMENTATIONS));
            }
        }
        if (!balance.equals("none") && !balance.equals("oversample")) {
            throw InvalidConfigurationException.of("cnn.balance", balance, "use none or oversample");
        }
        if (earlyStopping < 0) {
            throw InvalidConfigurationException.of("cnn.earlyStopping", earlyStopping, "use 0 (off) or a patience in epochs");
        }
        if (maxMinutes < 0) {
            throw InvalidConfigurationException.of("cnn.maxMinutes", maxMinutes, "use 0 (no limit) or a number of minutes");
        }
        if (overfit != null && overfit < 1) {
            throw InvalidConfigurationException.of("cnn.overfit", overfit, "use a positive number of examples, such as 64");
        }
        if (layers != null) {
            for (int i = 0; i < layers.size(); i++) {
                layers.get(i).validate(i);
            }
        }
        return this;
    }

    private static void positive(String property, int value) throws InvalidConfigurationException {
        if (value <= 0) {
            throw InvalidConfigurationException.of(property, value, "use a positive number");
        }
    }

    /** Whether this is the {@code cnn.overfit} sanity check: no augmentation, no regularisation. */
    @JsonIgnore
    public boolean isOverfitCheck() {
        return overfit != null;
    }

    /** A copy for the sanity check: the same network, with regularisation and augmentation off. */
    public TrainingConfig forOverfitCheck() {
        return new TrainingConfig(network, layers, kernelSize, epochs, batchSize, seed, 0, optimizer, learningRate, momentum,
                0, "constant", stepSize, milestones, gamma, patience, 0, 0.0, batchNorm, 0, gradientClip, List.of(),
                "none", 0, maxMinutes, overfit);
    }

    /** A copy with another learning rate (find-lr's suggestion, or a placeholder while the sweep runs). */
    public TrainingConfig withLearningRate(double rate) {
        return new TrainingConfig(network, layers, kernelSize, epochs, batchSize, seed, validationSplit, optimizer, rate,
                momentum, weightDecay, schedule, stepSize, milestones, gamma, patience, warmupEpochs, dropout, batchNorm,
                labelSmoothing, gradientClip, augment, balance, earlyStopping, maxMinutes, overfit);
    }

    /** The display name of the network: the preset, or "custom". */
    @JsonIgnore
    public String networkName() {
        return layers != null && !layers.isEmpty() ? "custom" : network;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
