package io.github.cnnmaven.output;

import java.util.List;

/**
 * What a training JVM ran on, as the backend reports it: recorded in {@code run.json}, and what the
 * CUDA probe reports before a GPU training starts.
 *
 * @param backend        ND4J's backend, such as {@code CPU} or {@code CUDA}
 * @param device         the BLAS library and cores, or the first GPU
 * @param gpus           every GPU the backend sees (empty on the CPU)
 * @param driverVersion  the CUDA driver's version, such as {@code 12.4}; null on the CPU or where unknown
 * @param runtimeVersion the CUDA runtime's version, such as {@code 11.6}; likewise
 */
public record DeviceInfo(String backend, String device, List<Gpu> gpus, String driverVersion, String runtimeVersion) {

    public DeviceInfo {
        gpus = gpus == null ? List.of() : List.copyOf(gpus);
    }

    /** One GPU: its name, memory and compute capability (such as 8.6). */
    public record Gpu(String name, long totalMemoryMb, long freeMemoryMb, String computeCapability) {
    }

    /** A line for the log. */
    public String describe() {
        if (gpus.isEmpty()) {
            return backend + " (" + device + ")";
        }
        StringBuilder s = new StringBuilder(backend + " on " + gpus.size() + " GPU" + (gpus.size() == 1 ? "" : "s") + ": ");
        for (int i = 0; i < gpus.size(); i++) {
            Gpu g = gpus.get(i);
            s.append(i == 0 ? "" : "; ").append(g.name()).append(", ").append(g.totalMemoryMb()).append(" MB, compute ")
                    .append(g.computeCapability());
        }
        return s + (driverVersion == null ? "" : "; driver CUDA " + driverVersion)
                + (runtimeVersion == null ? "" : ", runtime " + runtimeVersion);
    }
}
