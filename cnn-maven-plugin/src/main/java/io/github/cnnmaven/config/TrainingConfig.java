package io.github.cnnmaven.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.cnnmaven.common.InvalidConfigurationException;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int minEpochs,
        // weight averaging: the decay of an exponential moving average of the weights (0: off), and the
        // last epochs stochastic weight averaging averages (0: off). Absent when off, like the others.
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) double ema,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int swa) {

    /** Every property's name, as the record (and the POM, without {@code cnn.}) spells it: the catalogue's ids. */
    public static final List<String> PROPERTIES = TrainingProperty.ids();

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

    /** Checks every value, in the catalogue's order; the message names the property and what is allowed. */
    public TrainingConfig validate() throws InvalidConfigurationException {
        for (TrainingProperty property : TrainingProperty.values()) {
            property.check(this);
        }
        return this;
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

    /** A copy for the sanity check: the same network, with regularisation, augmentation and weight averaging off. */
    public TrainingConfig forOverfitCheck() {
        return toBuilder().validationSplit(0).weightDecay(0).schedule(Schedule.CONSTANT).warmupEpochs(0).dropout(0.0)
                .labelSmoothing(0).augment(List.of()).balance(Balance.NONE).earlyStopping(0).ema(0).swa(0).build();
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

    /** The preset this configuration builds, or null when it declares its own layers (or names no preset). */
    @JsonIgnore
    public Preset preset() {
        return hasCustomLayers() ? null : Preset.of(network);
    }

    /** The display name of the network: the preset, or "custom". */
    @JsonIgnore
    public String networkName() {
        return hasCustomLayers() ? "custom" : network;
    }

    /**
     * Builds a configuration property by property; starts from the catalogue's defaults or from a
     * configuration. The typed setters are for code; {@link #set} takes a property's text.
     */
    public static final class Builder {
        /** The record's canonical constructor: build() passes the values in component order. */
        private static final Constructor<TrainingConfig> CANONICAL = canonical();

        private final Map<TrainingProperty, Object> values = new EnumMap<>(TrainingProperty.class);

        private Builder() {
            for (TrainingProperty p : TrainingProperty.values()) {
                values.put(p, p.defaultValue());
            }
        }

        private Builder(TrainingConfig c) {
            for (TrainingProperty p : TrainingProperty.values()) {
                values.put(p, p.value(c));
            }
            // the record holds the resolved number; a copy keeps it whatever optimizer it is given
            values.put(TrainingProperty.LEARNING_RATE, new LearningRate.Fixed(c.learningRate));
        }

        private Builder put(TrainingProperty property, Object value) {
            values.put(property, value);
            return this;
        }

        public Builder network(String v) { return put(TrainingProperty.NETWORK, v); }
        public Builder layers(List<LayerSpec> v) { return put(TrainingProperty.LAYERS, v); }
        public Builder kernelSize(int v) { return put(TrainingProperty.KERNEL_SIZE, v); }
        public Builder epochs(int v) { return put(TrainingProperty.EPOCHS, v); }
        public Builder batchSize(int v) { return put(TrainingProperty.BATCH_SIZE, v); }
        public Builder seed(long v) { return put(TrainingProperty.SEED, v); }
        public Builder validationSplit(double v) { return put(TrainingProperty.VALIDATION_SPLIT, v); }
        public Builder optimizer(Optimizer v) { return put(TrainingProperty.OPTIMIZER, v); }
        public Builder learningRate(double v) { return put(TrainingProperty.LEARNING_RATE, new LearningRate.Fixed(v)); }
        /** Where the rate comes from; build() resolves it for the optimizer. */
        public Builder learningRate(LearningRate v) { return put(TrainingProperty.LEARNING_RATE, v); }
        public Builder momentum(double v) { return put(TrainingProperty.MOMENTUM, v); }
        public Builder weightDecay(double v) { return put(TrainingProperty.WEIGHT_DECAY, v); }
        /** Unset: build() takes the optimizer's default ({@link Optimizer#defaultWeightDecay()}). */
        public Builder defaultWeightDecay() { return put(TrainingProperty.WEIGHT_DECAY, null); }
        public Builder schedule(Schedule v) { return put(TrainingProperty.SCHEDULE, v); }
        public Builder stepSize(int v) { return put(TrainingProperty.STEP_SIZE, v); }
        public Builder milestones(List<Integer> v) { return put(TrainingProperty.MILESTONES, v); }
        public Builder gamma(double v) { return put(TrainingProperty.GAMMA, v); }
        public Builder patience(int v) { return put(TrainingProperty.PATIENCE, v); }
        public Builder warmupEpochs(int v) { return put(TrainingProperty.WARMUP_EPOCHS, v); }
        public Builder dropout(Double v) { return put(TrainingProperty.DROPOUT, v); }
        public Builder batchNorm(boolean v) { return put(TrainingProperty.BATCH_NORM, v); }
        public Builder labelSmoothing(double v) { return put(TrainingProperty.LABEL_SMOOTHING, v); }
        public Builder gradientClip(double v) { return put(TrainingProperty.GRADIENT_CLIP, v); }
        public Builder augment(List<Augment> v) { return put(TrainingProperty.AUGMENT, v); }
        public Builder balance(Balance v) { return put(TrainingProperty.BALANCE, v); }
        public Builder earlyStopping(int v) { return put(TrainingProperty.EARLY_STOPPING, v); }
        public Builder maxMinutes(int v) { return put(TrainingProperty.MAX_MINUTES, v); }
        public Builder minEpochs(int v) { return put(TrainingProperty.MIN_EPOCHS, v); }
        public Builder overfit(Integer v) { return put(TrainingProperty.OVERFIT, v); }
        public Builder freezeEpochs(int v) { return put(TrainingProperty.FREEZE_EPOCHS, v); }
        public Builder resizeTo(int v) { return put(TrainingProperty.RESIZE_TO, v); }
        public Builder ema(double decay) { return put(TrainingProperty.EMA, decay); }
        public Builder swa(int lastEpochs) { return put(TrainingProperty.SWA, lastEpochs); }

        /**
         * Sets one property from its text, as a POM element or a study axis writes it ({@code 0.3},
         * {@code adamw}, {@code crop4,flip}, {@code default} for the preset's dropout). A value that
         * does not parse is an error naming {@code where} (such as {@code cnn.dropout}).
         */
        public Builder set(String property, String text, String where) throws InvalidConfigurationException {
            TrainingProperty p = TrainingProperty.of(property);
            if (p == null) {
                throw InvalidConfigurationException.of(where, text == null ? "" : text.trim(),
                        "not a training property: use one of " + String.join(", ", PROPERTIES));
            }
            return set(p, text, where);
        }

        /** {@link #set(String, String, String)} for a property of the catalogue. */
        public Builder set(TrainingProperty property, String text, String where) throws InvalidConfigurationException {
            return put(property, property.parse(text, where));
        }

        /** The preset being built, as the configuration will name it; null for declared layers or an unknown name. */
        private Preset preset() {
            List<?> layers = (List<?>) values.get(TrainingProperty.LAYERS);
            String network = (String) values.get(TrainingProperty.NETWORK);
            return layers != null && !layers.isEmpty() ? null : Preset.of(networkId(network));
        }

        public TrainingConfig build() {
            RecordComponent[] components = TrainingConfig.class.getRecordComponents();
            Object[] args = new Object[components.length];
            Optimizer optimizer = (Optimizer) values.get(TrainingProperty.OPTIMIZER);
            for (int i = 0; i < components.length; i++) {
                TrainingProperty p = TrainingProperty.of(components[i].getName());
                args[i] = p == TrainingProperty.LEARNING_RATE ? ((LearningRate) values.get(p)).resolve(optimizer, preset())
                        : p == TrainingProperty.WEIGHT_DECAY && values.get(p) == null
                        ? (optimizer == null ? Optimizer.ADAM : optimizer).defaultWeightDecay()
                        : values.get(p);
            }
            try {
                return CANONICAL.newInstance(args);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Constructor<TrainingConfig> canonical() {
            Class<?>[] types = Arrays.stream(TrainingConfig.class.getRecordComponents()).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new);
            try {
                return TrainingConfig.class.getDeclaredConstructor(types);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
