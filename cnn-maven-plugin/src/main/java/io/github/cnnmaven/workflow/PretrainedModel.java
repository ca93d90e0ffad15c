package io.github.cnnmaven.workflow;

import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.training.PretrainedFormat;

import java.nio.file.Path;

/**
 * {@code cnn.pretrained}, checked before anything is downloaded.
 *
 * @param fingerprint what the trained model's own fingerprint records it started from: a model.zip's
 *                    fingerprint, or the SHA-256 of a Keras file
 * @param metadata    a model.zip's metadata; null for a Keras file
 */
public record PretrainedModel(Path file, PretrainedFormat format, String fingerprint, ModelMetadata metadata) {
}
