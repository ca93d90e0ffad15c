package io.github.cnnmaven.output;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.github.cnnmaven.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What {@code model.zip} carries besides DL4J's own entries ({@code cnn/metadata.json}): enough to
 * use the model on new images and to know whether it is stale. Readable without DL4J.
 *
 * @param mean per-channel means of the training split, in 0..1 pixel units
 * @param std  per-channel standard deviations, likewise
 * @param resizeTo the side images were resized to before the input's centre was cropped out of them
 *                 (resizecrop, randomresizedcrop); 0 when the input is the whole image
 */
public record ModelMetadata(String fingerprint, String network, List<String> classes, int channels, int height,
                            int width, double[] mean, double[] std, int epoch, double validationAccuracy,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) int resizeTo) {

    /** A model whose input is the whole image, resized to {@code height}×{@code width}. */
    public ModelMetadata(String fingerprint, String network, List<String> classes, int channels, int height, int width,
                         double[] mean, double[] std, int epoch, double validationAccuracy) {
        this(fingerprint, network, classes, channels, height, width, mean, std, epoch, validationAccuracy, 0);
    }

    /** The zip entry that holds it. */
    public static final String ENTRY = "cnn/metadata.json";

    /** Reads the metadata of a model file with plain zip and JSON code (no DL4J, usable from Maven's JVM); null when absent. */
    public static ModelMetadata read(Path modelFile) throws IOException {
        return readEntry(modelFile, ENTRY, ModelMetadata.class);
    }

    /** One JSON entry of a zip (a model or checkpoint); null when the zip has no such entry. */
    public static <T> T readEntry(Path file, String entry, Class<T> type) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                return null;
            }
            try (InputStream in = zip.getInputStream(e)) {
                return Json.read(in, type);
            }
        }
    }
}
