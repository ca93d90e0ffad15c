package io.github.cnnmaven.evaluation;

import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.fork.ForkRequest;
import io.github.cnnmaven.config.Tta;

import java.nio.file.Path;

/** What the forked evaluation JVM needs ({@link EvaluateMain}); {@code tta} is {@code cnn.tta}. */
public record EvaluateRequest(ForkContext context, Path modelFile, int maxThumbnails, Tta tta) implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return EvaluateMain.class;
    }


    /** A request without test-time augmentation. */
    public EvaluateRequest(ForkContext context, Path modelFile, int maxThumbnails) {
        this(context, modelFile, maxThumbnails, Tta.NONE);
    }
}
