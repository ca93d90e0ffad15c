package io.github.cnnmaven.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
        ObjectNode node = TrainingConfig.JSON.valueToTree(config);
        node.remove("maxMinutes"); // a time budget changes when training stops, not what an epoch does
        node.put("data", dataIdentity);
        try {
            byte[] canonical = TrainingConfig.JSON.writeValueAsBytes(node);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical)).substring(0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
