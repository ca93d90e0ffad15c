package io.github.cnnmaven.prediction;

import io.github.cnnmaven.fork.ForkRequest;
import java.nio.file.Path;

/**
 * What the forked prediction JVM needs ({@link PredictMain}).
 *
 * @param images an image file, or a folder whose PNG and JPEG files (in sub-folders too) are classified
 */
public record PredictRequest(Path modelFile, Path images, Path predictionsFile) implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return PredictMain.class;
    }

}
