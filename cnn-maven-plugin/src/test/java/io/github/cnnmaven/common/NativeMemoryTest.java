package io.github.cnnmaven.common;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeMemoryTest {

    /**
     * glibc's {@code free} gives memory back only from the top of a heap; blocks freed between blocks
     * still in use stay resident as holes until malloc_trim. That is the retention the training loop
     * trims. Every second block is freed, so the holes cannot merge into the top whatever else the
     * JVM has allocated around them (a single pinned block can land in an old hole below them).
     */
    @Test
    void trimmingReturnsTheHolesThatFreeLeavesResident() throws Exception {
        assumeTrue(NativeMemory.every(1).active(), "needs glibc (Linux)");
        int size = 100 * 1024; // under glibc's default 128 KB mmap threshold: from a heap, not an mmap
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            long block = Native.malloc(size);
            new Pointer(block).setMemory(0, size, (byte) 1); // touched, so resident
            blocks.add(block);
        }
        try {
            long before = residentKb();
            for (int i = 0; i < blocks.size(); i += 2) {
                Native.free(blocks.get(i));
                blocks.set(i, 0L);
            }
            long afterFree = residentKb();
            assertTrue(NativeMemory.trimNow());
            long afterTrim = residentKb();
            assertTrue(afterFree - afterTrim > 100_000, "malloc_trim returned only " + (afterFree - afterTrim)
                    + " KB of the about 150 MB of holes (resident: " + before + " → " + afterFree + " → " + afterTrim
                    + " KB)");
        } finally {
            for (long block : blocks) {
                if (block != 0L) {
                    Native.free(block);
                }
            }
        }
    }

    /** At an epoch's end the trimmer collects what is unreachable, so ND4J frees those arrays' native memory. */
    @Test
    void anEpochsEndCollectsTheGarbageBeforeTrimming() {
        NativeMemory trimmer = NativeMemory.every(2);
        assumeTrue(trimmer.active(), "needs glibc (Linux)");
        Object garbage = new byte[1024];
        WeakReference<Object> reference = new WeakReference<>(garbage);
        garbage = null;
        trimmer.collectAndTrim();
        assertTrue(reference.get() == null, "the unreachable array was not collected");
    }

    @Test
    void intervalComesFromTheSystemPropertyAndZeroTurnsItOff() throws Exception {
        String saved = System.getProperty(NativeMemory.TRIM_INTERVAL_PROPERTY);
        try {
            System.clearProperty(NativeMemory.TRIM_INTERVAL_PROPERTY);
            assumeTrue(NativeMemory.fromSystemProperties().active(), "needs glibc (Linux)");
            assertEquals("native memory trimmed every 2 s", NativeMemory.fromSystemProperties().describe());
            System.setProperty(NativeMemory.TRIM_INTERVAL_PROPERTY, "0.5");
            assertEquals("native memory trimmed every 0.500 s", NativeMemory.fromSystemProperties().describe());
            System.setProperty(NativeMemory.TRIM_INTERVAL_PROPERTY, "0");
            assertFalse(NativeMemory.fromSystemProperties().active());
            assertEquals("native memory: not trimmed (-Dcnn.mallocTrimSeconds=0)", NativeMemory.fromSystemProperties().describe());
            System.setProperty(NativeMemory.TRIM_INTERVAL_PROPERTY, "often");
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, NativeMemory::fromSystemProperties);
            assertEquals("Invalid -Dcnn.mallocTrimSeconds=often in cnn.argLine: use a number of seconds, or 0 to turn"
                    + " trimming off", e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(NativeMemory.TRIM_INTERVAL_PROPERTY);
            } else {
                System.setProperty(NativeMemory.TRIM_INTERVAL_PROPERTY, saved);
            }
        }
    }

    private static long residentKb() {
        return ProcessMemory.statusKb("VmRSS").orElseThrow();
    }
}
