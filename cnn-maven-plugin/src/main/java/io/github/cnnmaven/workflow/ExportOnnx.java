package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.export.ExportRequest;
import io.github.cnnmaven.export.OnnxExport;
import io.github.cnnmaven.output.OutputDirectory;

import java.nio.file.Path;

/**
 * Keeps {@code model.onnx} the ONNX form of {@code model.zip}: exported in the forked JVM (it needs
 * ND4J) unless the one there records this very {@code model.zip}'s SHA-256. A model found up to date,
 * a study's winner and a model from before ONNX export all get theirs the same way.
 */
final class ExportOnnx {

    private ExportOnnx() {
    }

    /** The ONNX file of the output directory's model, exported first when missing or not this model's. */
    static Path ensure(ForkRunner forks, OutputDirectory output, Console console) throws CnnException {
        String why = OnnxExport.staleness(output.modelFile(), output.onnxFile());
        if (why == null) {
            console.info("ONNX model is up to date: " + output.onnxFile());
        } else {
            console.info("Exporting the model to ONNX (" + why + ")");
            forks.run(output, "export", new ExportRequest(output.modelFile(), output.onnxFile()));
        }
        return output.onnxFile();
    }
}
