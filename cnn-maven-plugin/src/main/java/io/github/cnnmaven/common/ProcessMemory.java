package io.github.cnnmaven.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * This process's peak resident memory. ND4J keeps tensors off the Java heap, so the heap figures the
 * JVM reports say little about what training costs; the kernel's high-water mark does.
 */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Peak resident set size in MiB ({@code VmHWM}); empty where /proc is not there (not Linux). */
    public static OptionalLong peakResidentMb() {
        OptionalLong kb = statusKb("VmHWM");
        return kb.isPresent() ? OptionalLong.of(kb.getAsLong() / 1024) : kb;
    }

    /** A kB field of /proc/self/status, such as {@code VmRSS} (now) or {@code VmHWM} (peak). */
    static OptionalLong statusKb(String field) {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return OptionalLong.empty();
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field + ":")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
