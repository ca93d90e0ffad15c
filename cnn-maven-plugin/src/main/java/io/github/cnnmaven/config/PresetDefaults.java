package io.github.cnnmaven.config;

import java.util.Map;
import java.util.Set;

/**
 * What a preset does with a property the user did not set. The network builder builds from it; the
 * fingerprint hashes the defaults that changed since models were first trained with them, so such a
 * model is stale rather than wrongly up to date (the configuration alone, with the property unset,
 * reads the same before and after).
 */
public final class PresetDefaults {

    /** The drop probability of each preset's dropout layers; presets not named have none by default. */
    private static final Map<String, Double> DROPOUT = Map.of("alexnet-cifar", 0.2, "alexnet", 0.5, "vgg11", 0.5,
            "vgg13", 0.5, "vgg16", 0.5, "vgg19", 0.5, "nin", 0.5, "googlenet", 0.4);

    /**
     * Presets whose default dropout changed: alexnet-cifar's went from 0.5 to 0.2 (0.5 learnt more
     * slowly, docs/benchmarks.md#the-defaults).
     */
    private static final Set<String> DROPOUT_CHANGED = Set.of("alexnet-cifar");

    private PresetDefaults() {
    }

    /** The preset's default drop probability, or null when it has no dropout layer by default. */
    public static Double dropout(String network) {
        return DROPOUT.get(network);
    }

    /** The default dropout the fingerprint must carry for this configuration, or null when none changed. */
    static Double changedDropout(TrainingConfig config) {
        return config.dropout() == null && !config.hasCustomLayers() && DROPOUT_CHANGED.contains(config.network())
                ? dropout(config.network()) : null;
    }
}
