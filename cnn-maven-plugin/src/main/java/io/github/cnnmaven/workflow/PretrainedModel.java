package io.github.cnnmaven.workflow;

import io.github.cnnmaven.training.PretrainedFormat;

/**
 * {@code cnn.pretrained}, checked before anything is downloaded.
 *
 * @param fingerprint what the trained model's own fingerprint records it started from: a model.zip's
 *                    fingerprint, or the SHA-256 of a Keras file
 */
public record PretrainedModel(PretrainedFormat format, String fingerprint) {
}
