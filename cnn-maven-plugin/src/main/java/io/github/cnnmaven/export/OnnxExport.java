package io.github.cnnmaven.export;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.download.Checksum;
import io.github.cnnmaven.output.ModelMetadata;
import io.github.cnnmaven.training.ModelFile;
import onnx.Onnx;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code model.zip} → {@code model.onnx}, written atomically; and whether an existing one still belongs to the model. */
public final class OnnxExport {

    private OnnxExport() {
    }

    /** Exports {@code modelFile} (DL4J needed: this runs in the forked JVM). */
    public static void write(Path modelFile, Path onnxFile, Console console) throws CnnException {
        try {
            ModelMetadata metadata = ModelMetadata.read(modelFile);
            if (metadata == null) {
                throw new CnnException(modelFile + " has no cnn/metadata.json: it was not written by the train goal");
            }
            ComputationGraph graph = ModelFile.readGraph(modelFile, false);
            Onnx.ModelProto model = OnnxExporter.export(graph, metadata, sha256(modelFile),
                    OnnxExport.class.getPackage().getImplementationVersion());
            AtomicFiles.write(onnxFile, tmp -> {
                try (var out = Files.newOutputStream(tmp)) {
                    model.writeTo(out);
                }
            });
            console.info("Wrote " + onnxFile + " (ONNX opset " + OnnxExporter.OPSET + ", " + model.getGraph().getNodeCount()
                    + " nodes; input '" + OnnxExporter.INPUT + "' float [batch, " + metadata.channels() + ", " + metadata.height()
                    + ", " + metadata.width() + "] of raw pixels 0-255, output '" + OnnxExporter.OUTPUT + "')");
        } catch (IOException e) {
            throw new CnnException("Cannot export " + modelFile + " to ONNX: " + e.getMessage(), e);
        }
    }

    /**
     * Null when {@code onnxFile} was exported from exactly this {@code modelFile} (its recorded
     * SHA-256 matches); otherwise why it must be exported again.
     */
    public static String staleness(Path modelFile, Path onnxFile) {
        if (!Files.isRegularFile(onnxFile)) {
            return "there is no " + onnxFile.getFileName();
        }
        try {
            OnnxModelInfo info = OnnxModelInfo.read(onnxFile);
            if (!sha256(modelFile).equals(info.modelSha256())) {
                return onnxFile.getFileName() + " was exported from another " + modelFile.getFileName();
            }
            return null;
        } catch (IOException | RuntimeException e) { // a truncated or foreign file: protobuf throws either
            return onnxFile.getFileName() + " is unreadable (" + e.getMessage() + ")";
        }
    }

    static String sha256(Path file) throws IOException {
        return Checksum.digest(file, "SHA-256", false);
    }
}
