package io.github.cnnmaven.training;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.output.ModelMetadata;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

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
                // DL4J's entries are copied still compressed (with their CRCs): inflating and deflating the
                // parameters and the updater's state again took most of each checkpoint's time
                try (ZipFile in = ZipFile.builder().setPath(dl4j).get();
                     ZipArchiveOutputStream out = new ZipArchiveOutputStream(tmp)) {
                    for (ZipArchiveEntry e : Collections.list(in.getEntriesInPhysicalOrder())) {
                        out.addRawArchiveEntry(e, in.getRawInputStream(e));
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

    private static void putJson(ZipArchiveOutputStream out, String name, Object value) throws IOException {
        out.putArchiveEntry(new ZipArchiveEntry(name));
        out.write(Json.bytes(value));
        out.closeArchiveEntry();
    }

    public static ComputationGraph readGraph(Path file, boolean withUpdater) throws IOException {
        return ModelSerializer.restoreComputationGraph(file.toFile(), withUpdater);
    }

    public static <T> T readEntry(Path file, String entry, Class<T> type) throws IOException {
        return ModelMetadata.readEntry(file, entry, type);
    }

}
