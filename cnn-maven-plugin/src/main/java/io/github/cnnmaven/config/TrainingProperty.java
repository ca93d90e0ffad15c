package io.github.cnnmaven.config;

import io.github.cnnmaven.common.InvalidConfigurationException;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The catalogue of training properties: one row per {@code cnn.*} property a {@link TrainingConfig}
 * holds, with its default (stated here and nowhere else), how its text parses, what it allows, whether
 * it enters the fingerprint or may be a study axis, and how the report shows it. The builder, the
 * study's {@code set}, {@link TrainingConfig#validate()}, the fingerprint and the report's
 * hyperparameter table all read it; a test checks that the mojo and docs/configuration.md name every
 * row. The order is the order people read them in (the report's).
 */
public enum TrainingProperty {

    NETWORK("alexnet-cifar", Parse.TEXT, "the preset; ignored when <layers> are declared",
            c -> c.hasCustomLayers() || c.preset() != null ? null
                    : "use one of " + String.join(", ", Preset.ids()) + ", or declare <layers>",
            c -> c.hasCustomLayers() ? "custom <layers> (" + c.layers().size() + " layers)" : c.network()),
    LAYERS(null, Parse.LAYERS, "a network of your own instead of a preset",
            c -> {
                for (int i = 0; c.layers() != null && i < c.layers().size(); i++) {
                    c.layers().get(i).validate(i);
                }
                return null;
            },
            c -> null, "declare <layers> on the base; vary presets with the network axis"),
    KERNEL_SIZE("3", Parse.INT, "the conv kernel size of the presets that take one",
            c -> c.kernelSize() >= 1 && c.kernelSize() <= 11 && c.kernelSize() % 2 == 1 ? null
                    : "use an odd size from 1 to 11, such as 3 or 5",
            c -> c.preset() != null && c.preset().takesKernelSize() ? c.kernelSize() + "×" + c.kernelSize() : null),
    EPOCHS("20", Parse.INT, "the number of training epochs",
            c -> c.epochs() > 0 ? null : "use a positive number",
            c -> String.valueOf(c.epochs()), "every variant gets the same epoch budget"),
    BATCH_SIZE("128", Parse.INT, "the examples per mini-batch",
            c -> c.batchSize() > 0 ? null : "use a positive number",
            c -> String.valueOf(c.batchSize())),
    OPTIMIZER("adam", Parse.choice(Optimizer.class), "the optimizer",
            c -> c.optimizer() != null ? null : "use one of " + Choice.ids(Optimizer.class),
            c -> c.optimizer() == null ? null : c.optimizer().id()),
    LEARNING_RATE(null, Parse.RATE, "the learning rate: a number, or auto for find-lr's suggestion",
            c -> c.learningRate() > 0 && !Double.isInfinite(c.learningRate()) ? null : LearningRate.HINT,
            c -> c.optimizer() == null ? null
                    : number(c.learningRate()) + (c.schedule() == Schedule.ONECYCLE ? " (peak)" : "")),
    MOMENTUM("0.9", Parse.DOUBLE, "the momentum of sgd, nesterov and rmsprop",
            c -> c.momentum() >= 0 && c.momentum() < 1 ? null : "use a value from 0 to below 1, such as 0.9",
            c -> c.optimizer() == null || !c.optimizer().usesMomentum(c.momentum()) ? null
                    : c.schedule() == Schedule.ONECYCLE ? "cycled 0.95 → 0.85" : number(c.momentum())),
    WEIGHT_DECAY(null, Parse.OPTIONAL_DOUBLE, "L2, or decoupled weight decay for adamw; unset: 0.0005, and 0.05 for adamw",
            c -> c.weightDecay() >= 0 ? null : "use 0 or a small positive number such as 0.0005",
            c -> c.optimizer() == null ? null : c.weightDecay() == 0 ? "off" : number(c.weightDecay())
                    + (c.optimizer().decouplesWeightDecay() ? " (decoupled)" : " (L2)")),
    SCHEDULE("constant", Parse.choice(Schedule.class), "the learning-rate schedule",
            c -> c.schedule() != null ? null : "use one of " + Choice.ids(Schedule.class),
            TrainingProperty::scheduleText),
    STEP_SIZE("0", Parse.INT, "step: the epochs between decays",
            c -> c.schedule() != Schedule.STEP || c.stepSize() > 0 ? null
                    : "cnn.schedule=step needs a positive step size in epochs",
            c -> null),
    MILESTONES("", Parse.EPOCHS, "multistep: the epochs that decay, such as 10,15",
            c -> {
                if (c.schedule() == Schedule.MULTISTEP && c.milestones().isEmpty()) {
                    throw InvalidConfigurationException.of("cnn.milestones", "", "cnn.schedule=multistep needs epochs, such as 10,15");
                }
                return null;
            },
            c -> null),
    GAMMA("0.1", Parse.DOUBLE, "the decay factor of step, multistep and plateau",
            c -> c.gamma() > 0 && c.gamma() <= 1 ? null : "use a factor in (0, 1], such as 0.1",
            c -> null),
    PATIENCE("5", Parse.INT, "plateau: the epochs without validation improvement before a decay",
            c -> c.patience() >= 1 ? null : "use a positive number of epochs",
            c -> null),
    WARMUP_EPOCHS("0", Parse.INT, "the epochs of linear warm-up",
            c -> c.warmupEpochs() >= 0 && c.warmupEpochs() < c.epochs() ? null : "use 0 or fewer epochs than cnn.epochs",
            c -> null),
    DROPOUT(null, Parse.DROPOUT, "the drop probability; unset or default: the preset's own",
            c -> c.dropout() == null || c.dropout() >= 0 && c.dropout() < 1 ? null
                    : "use a drop probability from 0 to below 1, such as 0.5",
            c -> c.dropout() == null ? "the preset's" : number(c.dropout())),
    BATCH_NORM("true", Parse.BOOLEAN, "batch normalisation in the presets",
            c -> null,
            c -> c.batchNorm() ? "on" : "off"),
    AUGMENT("none", Parse.AUGMENTS, "a comma list of augmentations, or none",
            c -> {
                List<Augment> crops = c.augment().stream().filter(Augment::crops).toList();
                if (crops.size() > 1) {
                    throw InvalidConfigurationException.of("cnn.augment", crops.get(0) + "," + crops.get(1),
                            "use one of resizecrop and randomresizedcrop, not both");
                }
                return null;
            },
            c -> c.augment().isEmpty() ? "none" : c.augment().stream().map(Augment::id).collect(Collectors.joining(", "))),
    RESIZE_TO("0", Parse.INT, "the side folder images are resized to before a crop; 0: 8/7 of cnn.imageSize",
            c -> c.resizeTo() < 0 || c.resizeTo() > 2048
                    ? "use 0 (8/7 of cnn.imageSize) or a side length in pixels, such as 256 for cnn.imageSize=224"
                    : c.resizeTo() > 0 && c.cropping() == null ? "it applies with cnn.augment=resizecrop or"
                    + " randomresizedcrop: add one of them, or remove cnn.resizeTo" : null,
            c -> null),
    LABEL_SMOOTHING("0", Parse.DOUBLE, "the label smoothing of the loss",
            c -> c.labelSmoothing() >= 0 && c.labelSmoothing() < 1 ? null : "use a value from 0 to below 1, such as 0.1",
            c -> c.labelSmoothing() > 0 ? number(c.labelSmoothing()) : null),
    GRADIENT_CLIP("0", Parse.DOUBLE, "the per-layer L2 gradient clipping threshold; 0 is off",
            c -> c.gradientClip() >= 0 ? null : "use 0 (off) or a positive L2 norm, such as 5",
            c -> c.gradientClip() > 0 ? number(c.gradientClip()) + " (L2 norm per layer)" : null),
    EMA("off", Parse.EMA, "an exponential moving average of the weights: its decay per step, such as 0.999, or its"
            + " half-life in steps, such as 500; validation, the kept model and the export use the average",
            c -> c.ema() < 0 || c.ema() >= 1 ? "use off, a decay below 1 such as 0.999, or a half-life in steps such as 500"
                    : c.ema() > 0 && c.swa() > 0 ? "use one of cnn.ema and cnn.swa, not both" : null,
            c -> c.ema() > 0 ? "decay " + number(Math.round(c.ema() * 1e6) / 1e6) + " per step (half-life "
                    + Math.round(Math.log(0.5) / Math.log(c.ema())) + " steps)" : null),
    SWA("0", Parse.INT, "stochastic weight averaging: the last epochs whose weights are averaged (with batch-norm"
            + " statistics re-estimated); 0 is off",
            c -> c.swa() >= 0 && (c.swa() == 0 || c.swa() < c.epochs()) ? null
                    : "use 0 (off) or fewer epochs than cnn.epochs (" + c.epochs() + ")",
            c -> c.swa() > 0 ? "the last " + c.swa() + " epochs, batch norm re-estimated" : null),
    BALANCE("none", Parse.choice(Balance.class), "none, or oversample to balance the classes",
            c -> null,
            c -> c.balance() == Balance.OVERSAMPLE ? "oversample" : null),
    VALIDATION_SPLIT("0.1", Parse.DOUBLE, "the share of each class held out of training to validate on",
            c -> c.validationSplit() >= 0 && c.validationSplit() < 1 ? null
                    : "use a fraction from 0 (no validation) to below 1, such as 0.1",
            c -> number(c.validationSplit()), "every variant is compared on the same validation split"),
    EARLY_STOPPING("0", Parse.INT, "the patience in epochs on validation accuracy; 0 is off",
            c -> c.earlyStopping() >= 0 ? null : "use 0 (off) or a patience in epochs",
            c -> c.earlyStopping() > 0 ? c.earlyStopping() + " epochs" : null,
            "every variant gets the same epoch budget (set cnn.earlyStopping on the base instead)"),
    MAX_MINUTES("0", Parse.INT, "the time budget of the training epochs; 0 is no limit",
            c -> c.maxMinutes() >= 0 ? null : "use 0 (no limit) or a number of minutes",
            c -> c.maxMinutes() > 0 ? c.maxMinutes() + " minutes" : null,
            "the time budget applies to every variant alike (set cnn.maxMinutes on the base instead)"),
    MIN_EPOCHS("0", Parse.INT, "the epochs a time budget never cuts; 0 is none",
            c -> c.minEpochs() >= 0 && c.minEpochs() <= c.epochs() ? null : "use 0 (none) or a number of epochs up to"
                    + " cnn.epochs (" + c.epochs() + ") that a time budget (cnn.maxMinutes) never cuts",
            c -> c.maxMinutes() > 0 && c.minEpochs() > 0 ? c.minEpochs() + " epochs, whatever the budget" : null,
            "the time budget applies to every variant alike (set cnn.minEpochs on the base instead)"),
    FREEZE_EPOCHS("0", Parse.INT, "with cnn.pretrained: the first epochs that train only the new classifier",
            c -> c.freezeEpochs() >= 0 ? null : "use 0 (off) or a number of epochs"
                    + " that train only the new classifier of a pretrained network",
            c -> null),
    OVERFIT(null, Parse.OPTIONAL_INT, "the sanity check: train on this many examples without regularisation",
            c -> c.overfit() == null || c.overfit() >= 1 ? null : "use a positive number of examples, such as 64",
            c -> null, "the overfit sanity check is not a study"),
    SEED("42", Parse.LONG, "seeds every random choice",
            c -> null,
            c -> String.valueOf(c.seed()), "every variant trains with the same seed");

    /** How a property's text becomes its value; {@code where} names it in an error. */
    @FunctionalInterface
    interface Parser {
        Object parse(String text, String where) throws InvalidConfigurationException;
    }

    /** What a configuration's value must satisfy: null when it does, else what to write instead. */
    @FunctionalInterface
    interface Check {
        String hint(TrainingConfig c) throws InvalidConfigurationException;
    }

    /** How the report shows a property; null when it did not act on the run (momentum for Adam). */
    @FunctionalInterface
    interface Shown {
        String text(TrainingConfig c);
    }

    private final String id;
    private final String defaultText;
    private final Parser parser;
    private final String description;
    private final Check check;
    private final Shown shown;
    private final String notAnAxis;

    TrainingProperty(String defaultText, Parser parser, String description, Check check, Shown shown) {
        this(defaultText, parser, description, check, shown, null);
    }

    TrainingProperty(String defaultText, Parser parser, String description, Check check, Shown shown, String notAnAxis) {
        this.id = camelCase(name());
        this.defaultText = defaultText;
        this.parser = parser;
        this.description = description;
        this.check = check;
        this.shown = shown;
        this.notAnAxis = notAnAxis;
    }

    private static String camelCase(String constant) {
        StringBuilder id = new StringBuilder();
        for (String part : constant.toLowerCase(Locale.ROOT).split("_")) {
            id.append(id.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return id.toString();
    }

    /** The name the record, the POM element and a study axis use; {@code cnn.} plus it is the -D property. */
    public String id() {
        return id;
    }

    /** {@code cnn.} and the id: what a message names. */
    public String property() {
        return "cnn." + id;
    }

    /** The default as the POM would write it; null when unset is a value of its own (the preset's dropout). */
    public String defaultText() {
        return defaultText;
    }

    /** The default as the builder holds it. */
    Object defaultValue() {
        try {
            return parser.parse(defaultText, property());
        } catch (InvalidConfigurationException e) {
            throw new IllegalStateException("the default of " + property() + " does not parse", e);
        }
    }

    /** One line saying what the property does. */
    public String description() {
        return description;
    }

    /** Whether two runs that differ only in this property produce different models (and so different fingerprints). */
    public boolean entersFingerprint() {
        return this != MAX_MINUTES && this != MIN_EPOCHS; // a time budget decides when training stops, not what an epoch does
    }

    /** Why this property cannot be a study axis, or null when it can. */
    public String notAnAxis() {
        return notAnAxis;
    }

    /** The property's value parsed from its text (as a POM element or a study axis writes it). */
    Object parse(String text, String where) throws InvalidConfigurationException {
        try {
            return parser.parse(text, where);
        } catch (NumberFormatException e) {
            String v = text == null ? "" : text.trim();
            throw InvalidConfigurationException.of(where, v, switch (this) {
                case DROPOUT -> "use a number (or default)";
                case EMA -> "use off, a decay below 1 such as 0.999, or a half-life in steps such as 500";
                case LEARNING_RATE -> LearningRate.HINT;
                default -> "use a number";
            });
        }
    }

    /** Throws an error naming the property when the configuration's value is not allowed. */
    void check(TrainingConfig c) throws InvalidConfigurationException {
        String hint = check.hint(c);
        if (hint != null) {
            throw InvalidConfigurationException.of(property(), value(c), hint);
        }
    }

    /** The report's text for this property in {@code c}, or null when the report leaves it out. */
    public String shown(TrainingConfig c) {
        return shown.text(c);
    }

    /** The value {@code c} holds, as its record component. */
    Object value(TrainingConfig c) {
        try {
            return component().getAccessor().invoke(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    RecordComponent component() {
        return Arrays.stream(TrainingConfig.class.getRecordComponents()).filter(r -> r.getName().equals(id))
                .findFirst().orElseThrow(() -> new IllegalStateException("TrainingConfig has no " + id));
    }

    /** The property with this id, or null. */
    public static TrainingProperty of(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst().orElse(null);
    }

    /** Every property's id, in the catalogue's order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(TrainingProperty::id).toList();
    }

    /** The schedule with the settings it uses: step, gamma, milestones, patience, warm-up. */
    private static String scheduleText(TrainingConfig c) {
        if (c.schedule() == null) {
            return null;
        }
        String schedule = switch (c.schedule()) {
            case STEP -> "step: × " + number(c.gamma()) + " every " + c.stepSize() + " epochs";
            case MULTISTEP -> "multistep: × " + number(c.gamma()) + " at epochs "
                    + c.milestones().stream().map(String::valueOf).collect(Collectors.joining(", "));
            case PLATEAU -> "plateau: × " + number(c.gamma()) + " after " + c.patience() + " epochs without improvement";
            default -> c.schedule().id();
        };
        return schedule + (c.warmupEpochs() > 0 ? ", " + c.warmupEpochs() + " warm-up epochs" : "");
    }

    /** A number as people write it: 0.0005 rather than 5.0E-4, 0.1 rather than 0.10000. */
    public static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** The parsers of the catalogue's value types (a nested class: enum constants cannot read the enum's own statics). */
    private static final class Parse {
        static final Parser TEXT = (v, where) -> v == null ? null : v.trim();
        static final Parser INT = (v, where) -> Integer.parseInt(v.trim());
        static final Parser LONG = (v, where) -> Long.parseLong(v.trim());
        static final Parser DOUBLE = (v, where) -> Double.parseDouble(v.trim());
        /** Unset (null or blank) is a value of its own: the optimizer's default, resolved by the builder. */
        static final Parser OPTIONAL_DOUBLE = (v, where) -> v == null || v.isBlank() ? null : Double.parseDouble(v.trim());
        static final Parser OPTIONAL_INT = (v, where) -> v == null || v.isBlank() ? null : Integer.parseInt(v.trim());
        static final Parser DROPOUT = (v, where) -> v == null || v.isBlank() || v.trim().equalsIgnoreCase("default")
                ? null : Double.parseDouble(v.trim());
        static final Parser RATE = (v, where) -> LearningRate.parse(v, where);
        /** off or 0, a decay below 1, or a half-life in steps (1 and more): held as the decay per step. */
        static final Parser EMA = (v, where) -> {
            String t = v == null ? "" : v.trim();
            if (t.isEmpty() || t.equalsIgnoreCase("off")) {
                return 0.0;
            }
            double d = Double.parseDouble(t);
            return d >= 1 ? Math.pow(0.5, 1 / d) : d;
        };
        static final Parser AUGMENTS = (v, where) -> Augment.parseList(v);
        static final Parser EPOCHS = Parse::epochs;
        static final Parser BOOLEAN = (v, where) -> {
            String t = v == null ? "" : v.trim();
            if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
                throw InvalidConfigurationException.of(where, t, "use true or false");
            }
            return Boolean.parseBoolean(t);
        };
        static final Parser LAYERS = (v, where) -> {
            if (v != null) {
                throw InvalidConfigurationException.of(where, v, "declare <layers> in the POM, as docs/configuration.md shows");
            }
            return null;
        };

        static <E extends Enum<E> & Choice> Parser choice(Class<E> type) {
            return (v, where) -> Choice.parse(type, v, where);
        }

        /** Comma-separated epochs, such as {@code 10,15}. */
        static List<Integer> epochs(String text, String where) throws InvalidConfigurationException {
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
    }
}
