package io.github.cnnmaven.study;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.config.Fingerprint;
import io.github.cnnmaven.config.LearningRate;
import io.github.cnnmaven.config.Preset;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.config.TrainingProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Expands a study into the variants to train. One-at-a-time: the base, then each axis value on its
 * own around the base (a value equal to the base's is the base, trained once). Grid: every
 * combination. Every variant keeps the base's seed, validation split and epoch budget, so the
 * comparison is fair; those properties therefore cannot be axes.
 */
public final class StudyPlan {

    private StudyPlan() {
    }

    /** The axis name without a {@code cnn.} prefix, checked to be a training property that may vary. */
    static String axisName(String declared) throws InvalidConfigurationException {
        String name = declared.startsWith("cnn.") ? declared.substring(4) : declared;
        TrainingProperty property = TrainingProperty.of(name);
        if (property != null && property.notAnAxis() != null) {
            throw InvalidConfigurationException.of(StudySpec.AXES_ELEMENT, declared, "it cannot be a study axis: "
                    + property.notAnAxis());
        }
        if (property == null) {
            throw InvalidConfigurationException.of(StudySpec.AXES_ELEMENT, declared, "an axis is a training property"
                    + " without the cnn. prefix: one of " + String.join(", ", axisNames()));
        }
        return name;
    }

    static List<String> axisNames() {
        return Arrays.stream(TrainingProperty.values()).filter(p -> p.notAnAxis() == null).map(TrainingProperty::id)
                .sorted().toList();
    }

    /**
     * The variants of {@code spec} around {@code base}, with their fingerprints for {@code dataIdentity}.
     * {@code rate} says where the base's rate came from. When it is the optimizer's default (cnn.learningRate unset),
     * a variant that changes the optimizer but not the rate takes the new optimizer's default: sgd at
     * adam's 0.001 would barely move, and is not what training sgd alone would do.
     */
    public static List<StudyVariant> expand(TrainingConfig base, StudySpec spec, String dataIdentity, LearningRate rate)
            throws InvalidConfigurationException {
        checkAxesApply(base, spec);
        List<Map<String, String>> settings = new ArrayList<>();
        if (spec.grid()) {
            settings.add(new LinkedHashMap<>());
            for (Map.Entry<String, List<String>> axis : spec.axes().entrySet()) {
                List<Map<String, String>> next = new ArrayList<>();
                for (Map<String, String> partial : settings) {
                    for (String value : axis.getValue()) {
                        Map<String, String> s = new LinkedHashMap<>(partial);
                        s.put(axis.getKey(), value);
                        next.add(s);
                    }
                }
                settings = next;
            }
        } else {
            settings.add(Map.of());
            for (Map.Entry<String, List<String>> axis : spec.axes().entrySet()) {
                for (String value : axis.getValue()) {
                    settings.add(Map.of(axis.getKey(), value));
                }
            }
        }
        List<StudyVariant> variants = new ArrayList<>();
        Set<TrainingConfig> seen = new HashSet<>();
        Set<String> directories = new HashSet<>();
        for (Map<String, String> s : settings) {
            TrainingConfig config = apply(base, s, rate);
            if (!seen.add(config)) {
                continue; // the base's own value, or a repeat: trained once
            }
            String name = s.isEmpty() ? "base" : s.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "));
            String directory = name.replaceAll("[^A-Za-z0-9.=-]+", "_");
            for (int i = 2; !directories.add(directory); i++) {
                directory = name.replaceAll("[^A-Za-z0-9.=-]+", "_") + "-" + i;
            }
            variants.add(new StudyVariant(name, s, config, Fingerprint.of(config, dataIdentity), directory));
        }
        return variants;
    }

    /** The axes that change which layers the network has or their shapes, which a pretrained model fixes. */
    static final List<String> SHAPE_AXES = List.of("network", "kernelSize", "batchNorm");

    /** With cnn.pretrained every variant fine-tunes the same network: an axis that reshapes it is refused. */
    public static void checkFineTuning(StudySpec study) throws InvalidConfigurationException {
        for (String axis : SHAPE_AXES) {
            if (study.axes().containsKey(axis)) {
                throw InvalidConfigurationException.of(StudySpec.AXES_ELEMENT, axis, "every variant fine-tunes the network"
                        + " of cnn.pretrained, whose layers " + axis + " would change: study the other hyperparameters, or"
                        + " unset cnn.pretrained");
            }
        }
    }

    /** The base's value of a property, as a study table shows it ({@code default} where unset). */
    public static String valueOf(TrainingConfig config, String property) {
        JsonNode v = Json.MAPPER.valueToTree(config).get(property);
        if (v == null || v.isNull()) {
            return "default";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(p -> parts.add(p.asText()));
            return parts.isEmpty() ? "none" : String.join(",", parts);
        }
        return v.asText();
    }

    private static void checkAxesApply(TrainingConfig base, StudySpec spec) throws InvalidConfigurationException {
        boolean custom = base.hasCustomLayers();
        for (String axis : List.of("network", "kernelSize")) {
            if (!spec.axes().containsKey(axis)) {
                continue;
            }
            if (custom) {
                throw InvalidConfigurationException.of(StudySpec.AXES_ELEMENT, axis, "the base declares its own <layers>,"
                        + " so " + axis + " changes nothing; vary a preset base instead");
            }
            if (axis.equals("kernelSize") && !spec.axes().containsKey("network") && (base.preset() == null || !base.preset().takesKernelSize())) {
                throw InvalidConfigurationException.of(StudySpec.AXES_ELEMENT, axis, base.network() + " has a fixed kernel"
                        + " size; kernelSize applies to " + String.join(", ", Preset.kernelSizeIds()));
            }
        }
    }

    /** The base with the given axis values set, validated; a bad value names the axis and the variant. */
    static TrainingConfig apply(TrainingConfig base, Map<String, String> settings, LearningRate rate)
            throws InvalidConfigurationException {
        if (settings.isEmpty()) {
            return base;
        }
        TrainingConfig.Builder builder = base.toBuilder();
        if (rate instanceof LearningRate.OptimizerDefault && !settings.containsKey("learningRate")) {
            builder.learningRate(rate); // resolved again by build(), for the variant's optimizer
        }
        // a base at its optimizer's weight decay takes the variant's optimizer's: adamw's decoupled 0.05 as an L2
        // penalty for sgd would be a hundred times sgd's own (a base that set it to that number explicitly gets the
        // same, which is what it would want)
        if (settings.containsKey("optimizer") && !settings.containsKey("weightDecay")
                && base.weightDecay() == base.optimizer().defaultWeightDecay()) {
            builder.defaultWeightDecay();
        }
        for (Map.Entry<String, String> s : settings.entrySet()) {
            if (s.getKey().equals("learningRate") && s.getValue().trim().equalsIgnoreCase("auto")) {
                throw InvalidConfigurationException.of(StudySpec.AXES_ELEMENT + "<learningRate>", s.getValue().trim(),
                        "a study axis takes rates, such as 0.001,0.003; set cnn.learningRate=auto on the base for find-lr's");
            }
            builder.set(s.getKey(), s.getValue(), StudySpec.AXES_ELEMENT + "<" + s.getKey() + ">");
        }
        try {
            return builder.build().validate();
        } catch (InvalidConfigurationException e) {
            throw new InvalidConfigurationException("Study variant '" + settings.entrySet().stream()
                    .map(x -> x.getKey() + "=" + x.getValue()).collect(Collectors.joining(", ")) + "' is invalid: "
                    + e.getMessage());
        }
    }
}
