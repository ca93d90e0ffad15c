package io.github.cnnmaven.training;

import java.util.List;

/**
 * What {@code model.zip} carries besides DL4J's own entries ({@code cnn/metadata.json}): enough to
 * use the model on new images and to know whether it is stale. Readable without DL4J.
 */
public record ModelMetadata(String fingerprint, String network, List<String> classes, int channels, int height,
                            int width, double[] mean, double[] std, int epoch, double validationAccuracy) {

    public ChannelNormalizer normalizer() {
        return new ChannelNormalizer(mean, std);
    }
}
