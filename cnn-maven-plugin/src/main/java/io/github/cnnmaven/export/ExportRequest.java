package io.github.cnnmaven.export;

import io.github.cnnmaven.fork.ForkRequest;
import java.nio.file.Path;

/** What the forked export JVM needs ({@link ExportMain}): the model to export and where to write it. */
public record ExportRequest(Path modelFile, Path onnxFile) implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return ExportMain.class;
    }

}
