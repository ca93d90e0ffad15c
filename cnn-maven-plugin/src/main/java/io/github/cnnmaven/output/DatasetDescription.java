package io.github.cnnmaven.output;

import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.CnnException;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code dataset.json} (and the {@code dataset} of {@code run.json}): what {@code download-dataset}
 * found. Later goals and the report read it instead of touching the dataset again.
 *
 * @param dataset     the {@code cnn.dataset} id
 * @param identity    the content identity (derived from the checksums, or a folder's listing)
 * @param inputShape  channels, height, width
 * @param displayName the dataset's name for people, such as "Fashion-MNIST"
 * @param files       the downloaded files with their checksums; null for a folder
 */
public record DatasetDescription(String dataset, String source, String identity, String location, List<String> classes,
                                 List<Integer> inputShape, int trainCount, int testCount, String displayName,
                                 List<SourceFile> files) {

    /**
     * One downloaded file as the cache verified it; what a model card lists so that anyone can check the data.
     *
     * @param checksum {@code algorithm:hex}, such as {@code MD5:…} for the published checksums or {@code SHA-256:…}
     */
    public record SourceFile(String name, String checksum, long size) {
    }

    /** Without the file list: a folder dataset, or a dataset.json written before it existed. */
    public DatasetDescription(String dataset, String source, String identity, String location, List<String> classes,
                              List<Integer> inputShape, int trainCount, int testCount, String displayName) {
        this(dataset, source, identity, location, classes, inputShape, trainCount, testCount, displayName, null);
    }

    /** The name to show: {@link #displayName}, or the id for files written before it existed. */
    public String name() {
        return displayName != null ? displayName : dataset;
    }

    public static DatasetDescription read(Path file) throws CnnException {
        return Json.read(file, DatasetDescription.class);
    }

    public void write(Path file) throws CnnException {
        Json.write(file, this);
    }
}
