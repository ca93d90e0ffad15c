package io.github.cnnmaven.training;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.output.ModelMetadata;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * {@code model.zip} and checkpoints: DL4J's ModelSerializer format plus a {@code cnn/metadata.json}
 * entry, written to a temporary file and renamed into place, so a killed build never leaves a
 * half-written model behind.
 */
public final class ModelFile {

    public static final String METADATA_ENTRY = ModelMetadata.ENTRY;
    /** Extra state of a checkpoint (epoch, history, best so far), beside the metadata. */
    public static final String STATE_ENTRY = "cnn/state.json";

    private ModelFile() {
    }

    /** Writes the network (with its updater state when {@code withUpdater}, for resuming) and our entries. */
    public static void write(ComputationGraph graph, ModelMetadata metadata, Object state, boolean withUpdater, Path target)
            throws IOException {
        AtomicFiles.write(target, tmp -> {
            Path dl4j = AtomicFiles.temporarySibling(tmp);
            try {
                ModelSerializer.writeModel(graph, dl4j.toFile(), withUpdater);
                try (ZipInputStream in = new ZipInputStream(Files.newInputStream(dl4j));
                     ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
                    for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                        out.putNextEntry(new ZipEntry(e.getName()));
                        in.transferTo(out);
                        out.closeEntry();
                    }
                    putJson(out, METADATA_ENTRY, metadata);
                    if (state != null) {
                        putJson(out, STATE_ENTRY, state);
                    }
                }
            } finally {
                Files.deleteIfExists(dl4j);
            }
        });
    }

    private static void putJson(ZipOutputStream out, String name, Object value) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(Json.bytes(value));
        out.closeEntry();
    }

    public static ComputationGraph readGraph(Path file, boolean withUpdater) throws IOException {
        return ModelSerializer.restoreComputationGraph(file.toFile(), withUpdater);
    }

    public static <T> T readEntry(Path file, String entry, Class<T> type) throws IOException {
        return ModelMetadata.readEntry(file, entry, type);
    }

}
