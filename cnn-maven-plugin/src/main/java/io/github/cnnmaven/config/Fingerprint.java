package io.github.cnnmaven.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cnnmaven.common.Hashes;
import io.github.cnnmaven.common.Json;

/**
 * Identifies what a training output was made from: the training configuration and the data. Two
 * runs with the same fingerprint produce the same model (to float tolerance on the CPU), so a
 * matching output is up to date and a differing one is stale.
 */
public final class Fingerprint {

    private Fingerprint() {
    }

    /**
     * @param dataIdentity the dataset's content identity plus whatever selects the examples
     *                     (limits, image size, label set)
     */
    public static String of(TrainingConfig config, String dataIdentity) {
        ObjectNode node = Json.CANONICAL.valueToTree(config);
        for (TrainingProperty property : TrainingProperty.values()) {
            if (!property.entersFingerprint()) {
                node.remove(property.id());
            }
        }
        Double changedDefault = changedDropout(config);
        if (changedDefault != null) {
            node.put("presetDropout", changedDefault);
        }
        node.put("data", dataIdentity);
        try {
            return Hashes.sha256Hex(Json.CANONICAL.writeValueAsBytes(node)).substring(0, 16);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The preset's default dropout when the configuration leaves it unset and that default changed; else null. */
    static Double changedDropout(TrainingConfig config) {
        Preset preset = config.preset();
        return config.dropout() == null && preset != null && preset.dropoutDefaultChanged() ? preset.defaultDropout() : null;
    }
}
