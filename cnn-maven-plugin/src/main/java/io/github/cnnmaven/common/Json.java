package io.github.cnnmaven.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one JSON configuration of the plugin: every hand-off file, request file and checkpoint entry
 * is written and read through it. Files are indented for people; readers ignore keys they do not
 * know, so a newer plugin's files stay readable.
 */
public final class Json {

    /** For every file the plugin writes or reads. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The same, with keys in a fixed order: the canonical form that fingerprints are computed from. */
    public static final JsonMapper CANONICAL = MAPPER.rebuild()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private Json() {
    }

    /** Writes {@code value} to {@code file} atomically (a temporary sibling renamed into place). */
    public static void write(Path file, Object value) throws CnnException {
        try {
            AtomicFiles.write(file, tmp -> MAPPER.writeValue(tmp.toFile(), value));
        } catch (IOException e) {
            throw new CnnException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads one of the plugin's own files as {@code type}; null when it does not exist. Invalid content is
     * an error naming the file; the plugin wrote it, so writing it again is the remedy.
     */
    public static <T> T read(Path file, Class<T> type) throws CnnException {
        return read(file, type, file.getFileName().toString(), "delete it, or run the goal that writes it again");
    }

    /**
     * Reads {@code file} as {@code type}; null when it does not exist.
     *
     * @param what   what the file should be, in the message ("an evaluation.json")
     * @param remedy the message's end: how the user puts it right
     */
    public static <T> T read(Path file, Class<T> type, String what, String remedy) throws CnnException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (JsonProcessingException e) {
            throw new CnnException(file + " is not a valid " + what + " (" + e.getOriginalMessage() + "): " + remedy, e);
        } catch (IOException e) {
            throw new CnnException("Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a JSON document from a stream (a zip entry, say). */
    public static <T> T read(InputStream in, Class<T> type) throws IOException {
        return MAPPER.readValue(in, type);
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** One-line JSON text of {@code value} (for a string field of another format, such as ONNX metadata). */
    public static String string(Object value) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
