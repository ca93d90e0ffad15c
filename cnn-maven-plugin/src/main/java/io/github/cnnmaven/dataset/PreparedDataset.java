package io.github.cnnmaven.dataset;

import java.nio.file.Path;

/**
 * A dataset that is present and verified on disk, ready to read.
 *
 * @param location where its files are: a cache entry directory, or the user's folder
 * @param identity what identifies its content: the cache key (derived from the checksums) or, for
 *                 a folder, a digest of its file names and sizes; later goals record it as part of
 *                 the fingerprint and test-set identity
 * @param source   where it came from, for logs and reports
 */
public record PreparedDataset(DatasetKind kind, Path location, String identity, String source) {
}
