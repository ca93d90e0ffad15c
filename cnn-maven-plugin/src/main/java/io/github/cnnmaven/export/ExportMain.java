package io.github.cnnmaven.export;

import io.github.cnnmaven.fork.ForkMain;

/** Entry point of the forked export JVM: {@code ExportMain <export-request.json>} writes {@code model.onnx}. */
public final class ExportMain {

    private ExportMain() {
    }

    public static void main(String[] args) {
        ForkMain.run(args, ExportRequest.class, "ONNX export", (request, console) ->
                OnnxExport.write(request.modelFile(), request.onnxFile(), console));
    }
}
