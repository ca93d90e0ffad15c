package io.github.cnnmaven.workflow;

import java.nio.file.Path;

/** What {@code train} and {@code study} attach to the build: {@code model.zip} and its ONNX form {@code model.onnx}. */
public record ModelArtifacts(Path model, Path onnx) {
}
