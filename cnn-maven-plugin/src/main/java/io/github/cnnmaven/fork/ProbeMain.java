package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.Json;

import java.nio.file.Path;

/**
 * Entry point of the short JVM that tries the CUDA backend before a GPU training starts: it loads
 * the backend, computes on the device and writes what it found ({@link io.github.cnnmaven.output.DeviceInfo})
 * to the file of its request. Any failure (a missing libcudart, a driver too old, no device) ends it
 * with a message, and the caller falls back to the CPU or fails, as {@code cnn.backend} says.
 */
public final class ProbeMain {

    /** What to probe, and where to write the result. */
    public record Request(boolean cuda, Path result) {
    }

    private ProbeMain() {
    }

    public static void main(String[] args) {
        ForkMain.run(args, Request.class, "The backend probe", (request, console) ->
                Json.write(request.result(), DeviceProbe.verify(request.cuda())));
    }
}
