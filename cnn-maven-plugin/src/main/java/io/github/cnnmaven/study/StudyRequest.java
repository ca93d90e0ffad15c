package io.github.cnnmaven.study;

import io.github.cnnmaven.fork.BatchSplit;
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
    public int batchWorkers(boolean cpu, boolean switchOn) {
        // one fork trains every variant: split only as far as the smallest batch allows
        int smallestBatch = variants.stream().mapToInt(v -> v.config().batchSize()).min().orElse(1);
        return BatchSplit.workers(context, smallestBatch, cpu, switchOn);
    }

    @Override
    public boolean trainsOnSpark() {
        return context.spark() != null;
    }

    public Path studyDirectory() {
        return context.outputDirectory().resolve("study");
    }
}
