package io.github.cnnmaven.dataset;

import io.github.cnnmaven.output.DatasetDescription;

import java.nio.file.Path;
import java.util.List;

/**
 * A dataset that is present and verified on disk, ready to read.
 *
 * @param location where its files are: a cache entry directory, or the user's folder
 * @param identity what identifies its content: the cache key (derived from the checksums) or, for
 *                 a folder, a digest of its file names and sizes; later goals record it as part of
 *                 the fingerprint and test-set identity
 * @param source   where it came from, for logs and reports
 * @param files    the downloaded files as the cache verified them; empty for a folder
 */
public record PreparedDataset(DatasetKind kind, Path location, String identity, String source,
                              List<DatasetDescription.SourceFile> files) {

    public PreparedDataset {
        files = List.copyOf(files);
    }

    /** A dataset without downloaded files: a folder, or one the tests made. */
    public PreparedDataset(DatasetKind kind, Path location, String identity, String source) {
        this(kind, location, identity, source, List.of());
    }
}
