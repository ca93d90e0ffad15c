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
 */
public record DatasetDescription(String dataset, String source, String identity, String location, List<String> classes,
                                 List<Integer> inputShape, int trainCount, int testCount, String displayName) {

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
