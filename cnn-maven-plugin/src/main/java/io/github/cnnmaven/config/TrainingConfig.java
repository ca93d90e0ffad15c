package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.cnnmaven.common.InvalidConfigurationException;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Everything that decides what {@code train} produces: the network and its hyperparameters, as the
 * user set them ({@code cnn.*} properties). Plain data, serialised to JSON to hand it to the forked
 * training JVM and to fingerprint outputs. Build it with {@link #builder()} (or
 * {@link #toBuilder()}); never by position.
 */
public record TrainingConfig(
        String network,
        List<LayerSpec> layers,
        int kernelSize,
        int epochs,
        int batchSize,
        long seed,
        double validationSplit,
        Optimizer optimizer,
        double learningRate,
        double momentum,
        double weightDecay,
        Schedule schedule,
        int stepSize,
        List<Integer> milestones,
        double gamma,
        int patience,
        int warmupEpochs,
        Double dropout,
        boolean batchNorm,
        double labelSmoothing,
        double gradientClip,
        List<Augment> augment,
        Balance balance,
        int earlyStopping,
        int maxMinutes,
        Integer overfit,
        // absent when 0: configurations from before fine-tuning keep their fingerprint
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int freezeEpochs,
        // the side image-folder images are stored at before resizecrop/randomresizedcrop take the
        // input out of them; 0: the preset ratio 8/7 of cnn.imageSize (256 for 224). Absent when 0.
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int resizeTo,
        // the epochs a time budget never cuts; like cnn.maxMinutes, outside the fingerprint
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int minEpochs) {

    /** Every property's name, as the record (and the POM, without {@code cnn.}) spells it. */
    public static final List<String> PROPERTIES = Arrays.stream(TrainingConfig.class.getRecordComponents())
            .map(RecordComponent::getName).toList();

    public TrainingConfig {
        layers = layers == null ? null : List.copyOf(layers);
        milestones = milestones == null ? List.of() : List.copyOf(milestones);
        augment = augment == null ? List.of() : List.copyOf(augment);
        network = networkId(network);
        balance = balance == null ? Balance.NONE : balance;
    }

    /** {@code cnn.network} as the configuration holds it: trimmed, in lower case. */
    private static String networkId(String network) {
        return network == null ? null : network.trim().toLowerCase(Locale.ROOT);
    }

    /** The defaults, for tests and programmatic use. */
    public static TrainingConfig defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Checks every value; the message names the property and what is allowed. */
    public TrainingConfig validate() throws InvalidConfigurationException {
        if (layers == null || layers.isEmpty()) {
            if (preset() == null) {
                throw InvalidConfigurationException.of("cnn.network", network, "use one of "
                        + String.join(", ", Preset.ids()) + ", or declare <layers>");
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
        required("cnn.optimizer", optimizer, Optimizer.class);
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
        required("cnn.schedule", schedule, Schedule.class);
        if (schedule == Schedule.STEP && stepSize <= 0) {
            throw InvalidConfigurationException.of("cnn.stepSize", stepSize, "cnn.schedule=step needs a positive step size in epochs");
        }
        if (schedule == Schedule.MULTISTEP && milestones.isEmpty()) {
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
        if (earlyStopping < 0) {
            throw InvalidConfigurationException.of("cnn.earlyStopping", earlyStopping, "use 0 (off) or a patience in epochs");
        }
        if (maxMinutes < 0) {
            throw InvalidConfigurationException.of("cnn.maxMinutes", maxMinutes, "use 0 (no limit) or a number of minutes");
        }
        if (minEpochs < 0 || minEpochs > epochs) {
            throw InvalidConfigurationException.of("cnn.minEpochs", minEpochs, "use 0 (none) or a number of epochs up to"
                    + " cnn.epochs (" + epochs + ") that a time budget (cnn.maxMinutes) never cuts");
        }
        if (freezeEpochs < 0) {
            throw InvalidConfigurationException.of("cnn.freezeEpochs", freezeEpochs, "use 0 (off) or a number of epochs"
                    + " that train only the new classifier of a pretrained network");
        }
        List<Augment> crops = augment.stream().filter(Augment::crops).toList();
        if (crops.size() > 1) {
            throw InvalidConfigurationException.of("cnn.augment", crops.get(0) + "," + crops.get(1),
                    "use one of resizecrop and randomresizedcrop, not both");
        }
        if (resizeTo < 0 || resizeTo > 2048) {
            throw InvalidConfigurationException.of("cnn.resizeTo", resizeTo, "use 0 (8/7 of cnn.imageSize) or a side length"
                    + " in pixels, such as 256 for cnn.imageSize=224");
        }
        if (resizeTo > 0 && crops.isEmpty()) {
            throw InvalidConfigurationException.of("cnn.resizeTo", resizeTo, "it applies with cnn.augment=resizecrop or"
                    + " randomresizedcrop: add one of them, or remove cnn.resizeTo");
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

    private static <E extends Enum<E> & Choice> void required(String property, E value, Class<E> type)
            throws InvalidConfigurationException {
        if (value == null) {
            throw InvalidConfigurationException.of(property, null, "use one of " + Choice.ids(type));
        }
    }

    /** Whether this is the {@code cnn.overfit} sanity check: no augmentation, no regularisation. */
    @JsonIgnore
    public boolean isOverfitCheck() {
        return overfit != null;
    }

    /** Whether the network is declared in the POM ({@code <layers>}) rather than a preset. */
    @JsonIgnore
    public boolean hasCustomLayers() {
        return layers != null && !layers.isEmpty();
    }

    /** A copy for the sanity check: the same network, with regularisation and augmentation off. */
    public TrainingConfig forOverfitCheck() {
        return toBuilder().validationSplit(0).weightDecay(0).schedule(Schedule.CONSTANT).warmupEpochs(0).dropout(0.0)
                .labelSmoothing(0).augment(List.of()).balance(Balance.NONE).earlyStopping(0).build();
    }

    /** A copy with another learning rate (find-lr's suggestion, or a placeholder while the sweep runs). */
    public TrainingConfig withLearningRate(double rate) {
        return toBuilder().learningRate(rate).build();
    }

    /** The augmentation that takes the input out of a larger stored image, or null. */
    @JsonIgnore
    public Augment cropping() {
        return augment.stream().filter(Augment::crops).findFirst().orElse(null);
    }

    /** The display name of the network: the preset, or "custom". */
    @JsonIgnore
    /** The preset this configuration builds, or null when it declares its own layers (or names no preset). */
    public Preset preset() {
        return hasCustomLayers() ? null : Preset.of(network);
    }

    public String networkName() {
        return hasCustomLayers() ? "custom" : network;
    }

    /** Builds a configuration property by property; starts from the defaults or from a configuration. */
    public static final class Builder {
        private String network = "alexnet-cifar";
        private List<LayerSpec> layers;
        private int kernelSize = 3;
        private int epochs = 20;
        private int batchSize = 128;
        private long seed = 42;
        private double validationSplit = 0.1;
        private Optimizer optimizer = Optimizer.ADAM;
        private LearningRate learningRate = LearningRate.OPTIMIZER_DEFAULT;
        private double momentum = 0.9;
        private double weightDecay = 0.0005;
        private Schedule schedule = Schedule.CONSTANT;
        private int stepSize;
        private List<Integer> milestones = List.of();
        private double gamma = 0.1;
        private int patience = 5;
        private int warmupEpochs;
        private Double dropout;
        private boolean batchNorm = true;
        private double labelSmoothing;
        private double gradientClip;
        private List<Augment> augment = List.of();
        private Balance balance = Balance.NONE;
        private int earlyStopping;
        private int maxMinutes;
        private Integer overfit;
        private int freezeEpochs;
        private int resizeTo;
        private int minEpochs;

        private Builder() {
        }

        private Builder(TrainingConfig c) {
            network = c.network;
            layers = c.layers;
            kernelSize = c.kernelSize;
            epochs = c.epochs;
            batchSize = c.batchSize;
            seed = c.seed;
            validationSplit = c.validationSplit;
            optimizer = c.optimizer;
            learningRate = new LearningRate.Fixed(c.learningRate);
            momentum = c.momentum;
            weightDecay = c.weightDecay;
            schedule = c.schedule;
            stepSize = c.stepSize;
            milestones = c.milestones;
            gamma = c.gamma;
            patience = c.patience;
            warmupEpochs = c.warmupEpochs;
            dropout = c.dropout;
            batchNorm = c.batchNorm;
            labelSmoothing = c.labelSmoothing;
            gradientClip = c.gradientClip;
            augment = c.augment;
            balance = c.balance;
            earlyStopping = c.earlyStopping;
            maxMinutes = c.maxMinutes;
            overfit = c.overfit;
            freezeEpochs = c.freezeEpochs;
            resizeTo = c.resizeTo;
            minEpochs = c.minEpochs;
        }

        public Builder network(String v) { network = v; return this; }
        public Builder layers(List<LayerSpec> v) { layers = v; return this; }
        public Builder kernelSize(int v) { kernelSize = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder validationSplit(double v) { validationSplit = v; return this; }
        public Builder optimizer(Optimizer v) { optimizer = v; return this; }
        public Builder learningRate(double v) { learningRate = new LearningRate.Fixed(v); return this; }
        /** Where the rate comes from; build() resolves it for the optimizer. */
        public Builder learningRate(LearningRate v) { learningRate = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder schedule(Schedule v) { schedule = v; return this; }
        public Builder stepSize(int v) { stepSize = v; return this; }
        public Builder milestones(List<Integer> v) { milestones = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder warmupEpochs(int v) { warmupEpochs = v; return this; }
        public Builder dropout(Double v) { dropout = v; return this; }
        public Builder batchNorm(boolean v) { batchNorm = v; return this; }
        public Builder labelSmoothing(double v) { labelSmoothing = v; return this; }
        public Builder gradientClip(double v) { gradientClip = v; return this; }
        public Builder augment(List<Augment> v) { augment = v; return this; }
        public Builder balance(Balance v) { balance = v; return this; }
        public Builder earlyStopping(int v) { earlyStopping = v; return this; }
        public Builder maxMinutes(int v) { maxMinutes = v; return this; }
        public Builder minEpochs(int v) { minEpochs = v; return this; }
        public Builder overfit(Integer v) { overfit = v; return this; }
        public Builder freezeEpochs(int v) { freezeEpochs = v; return this; }
        public Builder resizeTo(int v) { resizeTo = v; return this; }

        /**
         * Sets one property from its text, as a POM element or a study axis writes it ({@code 0.3},
         * {@code adamw}, {@code crop4,flip}, {@code default} for the preset's dropout). A value that
         * does not parse is an error naming {@code where} (such as {@code cnn.dropout}).
         */
        public Builder set(String property, String text, String where) throws InvalidConfigurationException {
            String v = text == null ? "" : text.trim();
            try {
                switch (property) {
                    case "network" -> network = v;
                    case "kernelSize" -> kernelSize = Integer.parseInt(v);
                    case "epochs" -> epochs = Integer.parseInt(v);
                    case "batchSize" -> batchSize = Integer.parseInt(v);
                    case "seed" -> seed = Long.parseLong(v);
                    case "validationSplit" -> validationSplit = Double.parseDouble(v);
                    case "optimizer" -> optimizer = Choice.parse(Optimizer.class, v, where);
                    case "learningRate" -> learningRate = new LearningRate.Fixed(Double.parseDouble(v));
                    case "momentum" -> momentum = Double.parseDouble(v);
                    case "weightDecay" -> weightDecay = Double.parseDouble(v);
                    case "schedule" -> schedule = Choice.parse(Schedule.class, v, where);
                    case "stepSize" -> stepSize = Integer.parseInt(v);
                    case "milestones" -> milestones = parseEpochs(v, where);
                    case "gamma" -> gamma = Double.parseDouble(v);
                    case "patience" -> patience = Integer.parseInt(v);
                    case "warmupEpochs" -> warmupEpochs = Integer.parseInt(v);
                    case "dropout" -> dropout = v.equalsIgnoreCase("default") || v.isEmpty() ? null : Double.parseDouble(v);
                    case "batchNorm" -> batchNorm = parseBoolean(v, where);
                    case "labelSmoothing" -> labelSmoothing = Double.parseDouble(v);
                    case "gradientClip" -> gradientClip = Double.parseDouble(v);
                    case "augment" -> augment = Augment.parseList(v);
                    case "balance" -> balance = Choice.parse(Balance.class, v, where);
                    case "earlyStopping" -> earlyStopping = Integer.parseInt(v);
                    case "maxMinutes" -> maxMinutes = Integer.parseInt(v);
                    case "minEpochs" -> minEpochs = Integer.parseInt(v);
                    case "overfit" -> overfit = v.isEmpty() ? null : Integer.parseInt(v);
                    case "freezeEpochs" -> freezeEpochs = Integer.parseInt(v);
                    case "resizeTo" -> resizeTo = Integer.parseInt(v);
                    default -> throw InvalidConfigurationException.of(where, v, "not a training property: use one of "
                            + String.join(", ", PROPERTIES));
                }
            } catch (NumberFormatException e) {
                throw InvalidConfigurationException.of(where, v, switch (property) {
                    case "dropout" -> "use a number (or default)";
                    case "learningRate" -> LearningRate.HINT;
                    default -> "use a number";
                });
            }
            return this;
        }

        /** Comma-separated epochs, such as {@code 10,15}. */
        public static List<Integer> parseEpochs(String text, String where) throws InvalidConfigurationException {
            List<Integer> epochs = new ArrayList<>();
            if (text == null || text.isBlank()) {
                return epochs;
            }
            for (String m : text.split(",")) {
                try {
                    epochs.add(Integer.parseInt(m.trim()));
                } catch (NumberFormatException e) {
                    throw InvalidConfigurationException.of(where, text, "use comma-separated epochs, such as 10,15");
                }
            }
            return epochs;
        }

        private static boolean parseBoolean(String v, String where) throws InvalidConfigurationException {
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw InvalidConfigurationException.of(where, v, "use true or false");
            }
            return Boolean.parseBoolean(v);
        }

        /** The preset being built, as the configuration will name it; null for declared layers or an unknown name. */
        private Preset preset() {
            return layers != null && !layers.isEmpty() ? null : Preset.of(networkId(network));
        }

        public TrainingConfig build() {
            return new TrainingConfig(network, layers, kernelSize, epochs, batchSize, seed, validationSplit, optimizer,
                    learningRate.resolve(optimizer, preset()), momentum, weightDecay, schedule, stepSize, milestones, gamma, patience, warmupEpochs,
                    dropout, batchNorm, labelSmoothing, gradientClip, augment, balance, earlyStopping, maxMinutes, overfit,
                    freezeEpochs, resizeTo, minEpochs);
        }
    }
}
