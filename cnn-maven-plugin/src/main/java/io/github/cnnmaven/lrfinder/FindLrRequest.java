package io.github.cnnmaven.lrfinder;

import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.fork.ForkRequest;
import io.github.cnnmaven.config.TrainingConfig;


/**
 * What the forked find-lr JVM needs ({@link FindLrMain}).
 *
 * @param context the dataset, the output directory and the fork's settings; its {@code pretrained} model is
 *                where the sweep starts, as training does
 */
public record FindLrRequest(ForkContext context, TrainingConfig config, LrFinder.Settings settings, String fingerprint)
        implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return FindLrMain.class;
    }

}
