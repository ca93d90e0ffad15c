package io.github.cnnmaven.fork;

/**
 * What the machine offers for choosing a backend: its platform, an NVIDIA driver, the CPU's vector
 * extensions and an installed cuDNN. A value, so tests can describe a GPU machine on a CPU one.
 *
 * @param nvidiaDriver whether {@code /proc/driver/nvidia/version} or {@code nvidia-smi} exists
 * @param cpuFlags     the CPU's feature flags (Linux), empty elsewhere
 * @param systemCudnn  whether cuDNN 8 is installed
 */
public record Host(String osName, String osArch, boolean nvidiaDriver, String cpuFlags, boolean systemCudnn) {

    /** This machine. */
    public static Host local() {
        return new Host(System.getProperty("os.name"), System.getProperty("os.arch"), Backend.cudaPresent(),
                Backend.cpuFlags(), Backend.cudnnPresent());
    }
}
