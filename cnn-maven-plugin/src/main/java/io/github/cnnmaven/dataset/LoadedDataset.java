package io.github.cnnmaven.dataset;

import java.util.List;

/** A dataset read into memory: the training images (validation is split from them later) and the held-out test images. */
public record LoadedDataset(PreparedDataset prepared, ImageSet train, ImageSet test) {

    public List<String> classNames() {
        return train.classNames();
    }
}
