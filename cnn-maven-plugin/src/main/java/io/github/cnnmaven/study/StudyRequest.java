package io.github.cnnmaven.study;

import io.github.cnnmaven.fork.ForkRequest;
import io.github.cnnmaven.dataset.DatasetSpec;
import io.github.cnnmaven.dataset.PreparedDataset;

import java.nio.file.Path;
import java.util.List;

/**
 * What the forked study JVM needs ({@link StudyMain}): the dataset, the planned variants, and
 * where to write.
 *
 * @param baseFingerprint the fingerprint of the configuration as declared, which {@code train} and
 *                        {@code evaluate} compute; {@code study.json} maps it to the winner
 * @param gpus            {@code cnn.gpus}: devices each variant trains on at once; null for all
 * @param pretrained      {@code cnn.pretrained}: the model.zip every variant fine-tunes from; null for none
 */
public record StudyRequest(PreparedDataset dataset, DatasetSpec datasetSpec, StudySpec spec, List<StudyVariant> variants,
                           String baseFingerprint, Path outputDirectory, boolean fresh, boolean interactive, int threads,
                           Integer gpus, Path pretrained) implements ForkRequest {

    @Override
    public Class<?> forkMain() {
        return StudyMain.class;
    }


    public Path studyDirectory() {
        return outputDirectory.resolve("study");
    }
}
