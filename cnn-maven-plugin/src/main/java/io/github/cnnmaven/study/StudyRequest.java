package io.github.cnnmaven.study;

import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.fork.ForkRequest;

import java.nio.file.Path;
import java.util.List;

/**
 * What the forked study JVM needs ({@link StudyMain}): the dataset, the planned variants, and
 * where to write.
 *
 * @param baseFingerprint the fingerprint of the configuration as declared, which {@code train} and
 *                        {@code evaluate} compute; {@code study.json} maps it to the winner
 * @param context         the dataset, the output directory and the fork's settings, which every variant
 *                        trains with (its {@code gpus}, its {@code pretrained} model to fine-tune from)
 */
public record StudyRequest(ForkContext context, StudySpec spec, List<StudyVariant> variants, String baseFingerprint)
        implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return StudyMain.class;
    }

    @Override
    public boolean trainsOnSpark() {
        return context.spark() != null;
    }

    public Path studyDirectory() {
        return context.outputDirectory().resolve("study");
    }
}
