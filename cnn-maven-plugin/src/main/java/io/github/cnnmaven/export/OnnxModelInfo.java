package io.github.cnnmaven.export;

import com.fasterxml.jackson.core.type.TypeReference;
import io.github.cnnmaven.common.Json;
import onnx.Onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code model.onnx} says about itself in its metadata properties, read with the ONNX schema
 * classes alone (no ND4J backend: Maven's JVM reads it to decide whether to export again).
 *
 * @param modelSha256 the SHA-256 of the {@code model.zip} it was exported from
 */
public record OnnxModelInfo(String fingerprint, String network, List<String> classes, String modelSha256, long opset) {

    /** Metadata keys; {@code classes} is a JSON array of the class names in output order. */
    public static final String CLASSES = "classes";
    public static final String FINGERPRINT = "fingerprint";
    public static final String NETWORK = "network";
    public static final String MODEL_SHA256 = "model.zip.sha256";
    public static final String INPUT_DESCRIPTION = "input";

    /** The metadata of an ONNX file; an {@link IOException} when it is not one. */
    public static OnnxModelInfo read(Path file) throws IOException {
        Onnx.ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            model = Onnx.ModelProto.parseFrom(in);
        }
        Map<String, String> props = new HashMap<>();
        model.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        String classes = props.get(CLASSES);
        if (!model.hasGraph() || classes == null) {
            throw new IOException(file + " is not an ONNX model written by this plugin (no graph or no class names)");
        }
        long opset = model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty())
                .mapToLong(Onnx.OperatorSetIdProto::getVersion).findFirst().orElse(0);
        return new OnnxModelInfo(props.get(FINGERPRINT), props.get(NETWORK),
                Json.MAPPER.readValue(classes, new TypeReference<List<String>>() { }), props.get(MODEL_SHA256), opset);
    }
}
