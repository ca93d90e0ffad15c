package io.github.cnnmaven.training;

import io.github.cnnmaven.output.DeviceInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A batch too large for the device: a message naming cnn.batchSize and the device's memory, not a stack trace. */
class MemoryFailureTest {

    static final DeviceInfo GPU = new DeviceInfo("CUDA", "NVIDIA A10", List.of(new DeviceInfo.Gpu("NVIDIA A10", 22_515, 20_000,
            "8.6")), "12.4", "11.6");

    @Test
    void aDeviceOutOfMemoryNamesTheBatchSizeAndTheDevice() {
        RuntimeException cuda = new RuntimeException("Op [conv2d] execution failed",
                new RuntimeException("cudaErrorMemoryAllocation: out of memory"));
        assertEquals("A batch of 1024 images does not fit in the memory of NVIDIA A10 (22,515 MB): lower cnn.batchSize (now 1024),"
                + " or use a smaller network or cnn.imageSize (cudaErrorMemoryAllocation: out of memory)",
                MemoryFailure.message(cuda, 1024, () -> GPU));
    }

    @Test
    void aFullJavaHeapNamesTheArgLine() {
        assertEquals("The training JVM ran out of Java heap (Java heap space): give it more with cnn.argLine (such as"
                + " -Dcnn.argLine=-Xmx4g) or lower cnn.batchSize (now 128)",
                MemoryFailure.message(new OutOfMemoryError("Java heap space"), 128, () -> GPU));
    }

    @Test
    void otherFailuresAreNotMemory() {
        assertNull(MemoryFailure.message(new IllegalStateException("shape mismatch"), 128, () -> GPU));
    }
}
