package io.github.cnnmaven.dataset;

import io.github.cnnmaven.common.InvalidConfigurationException;

import java.nio.file.Path;

/**
 * Which dataset to use and how, as the user configured it (the {@code cnn.*} dataset properties).
 *
 * @param url        {@code cnn.datasetUrl}, or {@code null} for the built-in source
 * @param sha256     {@code cnn.datasetSha256}, or {@code null} for the built-in checksums
 * @param directory  {@code cnn.datasetDir}, for {@link DatasetKind#FOLDER}
 * @param trainLimit {@code cnn.trainLimit}; {@link Integer#MAX_VALUE} for all
 * @param offline    Maven's {@code -o}: only the cache and {@code file:} URLs may be read
 * @param resizeTo   the side folder images are stored at for resizecrop and randomresizedcrop to take
 *                   the {@code imageSize} input out of; 0 to store them at {@code imageSize}
 */
public record DatasetSpec(DatasetKind kind, String url, String sha256, Path directory, int imageSize,
                          boolean cifar100Coarse, Path cacheDirectory, int trainLimit, int testLimit,
                          double testSplit, long seed, boolean offline, int resizeTo) {

    /** Images stored at the input size. */
    public DatasetSpec(DatasetKind kind, String url, String sha256, Path directory, int imageSize,
                       boolean cifar100Coarse, Path cacheDirectory, int trainLimit, int testLimit,
                       double testSplit, long seed, boolean offline) {
        this(kind, url, sha256, directory, imageSize, cifar100Coarse, cacheDirectory, trainLimit, testLimit, testSplit, seed,
                offline, 0);
    }

    /** The same, with folder images stored at {@code side} (0: at {@code imageSize}). */
    public DatasetSpec withResizeTo(int side) {
        return new DatasetSpec(kind, url, sha256, directory, imageSize, cifar100Coarse, cacheDirectory, trainLimit, testLimit,
                testSplit, seed, offline, side);
    }

    /** The side folder images are decoded at. */
    public int storedSide() {
        return resizeTo > 0 ? resizeTo : imageSize;
    }

    public static final int ALL = Integer.MAX_VALUE;

    /** Checks every value that does not need the file system; the message names the property. */
    public DatasetSpec validate() throws InvalidConfigurationException {
        if (imageSize < 4 || imageSize > 1024) {
            throw InvalidConfigurationException.of("cnn.imageSize", imageSize, "use a side length from 4 to 1024 pixels");
        }
        if (trainLimit <= 0) {
            throw InvalidConfigurationException.of("cnn.trainLimit", trainLimit, "use a positive number of examples");
        }
        if (testLimit <= 0) {
            throw InvalidConfigurationException.of("cnn.testLimit", testLimit, "use a positive number of examples");
        }
        if (!(testSplit > 0 && testSplit < 1)) {
            throw InvalidConfigurationException.of("cnn.testSplit", testSplit, "use a fraction between 0 and 1, such as 0.2");
        }
        if (cacheDirectory == null) {
            throw InvalidConfigurationException.of("cnn.cacheDir", null, "set a writable directory");
        }
        if (kind == DatasetKind.FOLDER && directory == null) {
            throw new InvalidConfigurationException("cnn.dataset=folder needs cnn.datasetDir: a directory holding"
                    + " train/<class>/*.png (and optionally test/<class>/*.png)");
        }
        if (kind == DatasetKind.ARCHIVE && (url == null || url.isBlank())) {
            throw new InvalidConfigurationException("cnn.dataset=archive needs cnn.datasetUrl: the zip or tar.gz of"
                    + " class folders to download");
        }
        if (kind == DatasetKind.ARCHIVE && (sha256 == null || sha256.isBlank())) {
            throw new InvalidConfigurationException("cnn.dataset=archive needs cnn.datasetSha256: the SHA-256 of the"
                    + " archive (for example from 'sha256sum archive.zip')");
        }
        return this;
    }
}
