package io.github.cnnmaven.training;

import io.github.cnnmaven.output.DeviceInfo;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Turns running out of memory into a message that says what to change: a batch too large for the GPU
 * names {@code cnn.batchSize} and the device's memory instead of a native stack trace; a full Java
 * heap names {@code cnn.argLine}.
 */
final class MemoryFailure {

    private MemoryFailure() {
    }

    /** The message for {@code failure} when it is a lack of memory; null otherwise. */
    static String message(Throwable failure, int batchSize, Supplier<DeviceInfo> device) {
        if (failure instanceof OutOfMemoryError && String.valueOf(failure.getMessage()).contains("Java heap")) {
            return "The training JVM ran out of Java heap (" + failure.getMessage() + "): give it more with cnn.argLine"
                    + " (such as -Dcnn.argLine=-Xmx4g) or lower cnn.batchSize (now " + batchSize + ")";
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof OutOfMemoryError || m.contains("out of memory") || m.contains("cudaerrormemoryallocation")
                    || m.contains("failed to allocate")) {
                DeviceInfo d = safely(device);
                String where = d == null ? "the device" : d.gpus().isEmpty() ? d.device()
                        : d.gpus().get(0).name() + " (" + String.format(Locale.ROOT, "%,d", d.gpus().get(0).totalMemoryMb())
                        + " MB)";
                return "A batch of " + batchSize + " images does not fit in the memory of " + where + ": lower cnn.batchSize"
                        + " (now " + batchSize + "), or use a smaller network or cnn.imageSize (" + t.getMessage() + ")";
            }
        }
        return null;
    }

    private static DeviceInfo safely(Supplier<DeviceInfo> device) {
        try {
            return device.get();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
