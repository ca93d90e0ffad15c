package io.github.cnnmaven.dataset;

import io.github.cnnmaven.output.DatasetDescription;

import java.util.List;

/**
 * A dataset read into memory: the training images (validation is split from them later) and the
 * held-out test images.
 *
 * @param inputSide the network's input side: the images' own, or smaller when they are stored at
 *                  {@code cnn.resizeTo} for resizecrop and randomresizedcrop to crop from
 */
public record LoadedDataset(PreparedDataset prepared, ImageSet train, ImageSet test, int inputSide) {

    /** Images that are the network's input as they are. */
    public LoadedDataset(PreparedDataset prepared, ImageSet train, ImageSet test) {
        this(prepared, train, test, train.height());
    }

    public List<String> classNames() {
        return train.classNames();
    }

    /** What {@code dataset.json} and {@code run.json} record of it. */
    public DatasetDescription describe() {
        return new DatasetDescription(prepared.kind().id(), prepared.source(), prepared.identity(),
                prepared.location().toString(), classNames(), List.of(train.channels(), inputSide, inputSide),
                train.size(), test.size(), prepared.kind().displayName(),
                prepared.files().isEmpty() ? null : prepared.files());
    }
}
