package io.github.cnnmaven.dataset;

import io.github.cnnmaven.output.DatasetDescription;

import java.util.List;

/** A dataset read into memory: the training images (validation is split from them later) and the held-out test images. */
public record LoadedDataset(PreparedDataset prepared, ImageSet train, ImageSet test) {

    public List<String> classNames() {
        return train.classNames();
    }

    /** What {@code dataset.json} and {@code run.json} record of it. */
    public DatasetDescription describe() {
        return new DatasetDescription(prepared.kind().id(), prepared.source(), prepared.identity(),
                prepared.location().toString(), classNames(), List.of(train.channels(), train.height(), train.width()),
                train.size(), test.size(), prepared.kind().displayName());
    }
}
