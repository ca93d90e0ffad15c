package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.CnnException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which ND4J backend the training JVM gets, as Maven coordinates to resolve at run time: only the
 * native jars this host needs (one platform, one variant), never the *-platform artifacts that
 * pull every OS. CPU users never download CUDA artifacts.
 *
 * @param coordinates {@code groupId:artifactId:version} or {@code groupId:artifactId:version:classifier}
 */
public record Backend(String name, String platform, List<String> coordinates, String reason, List<String> jvmOptions) {

    static final String ND4J = "1.0.0-M2.1";
    static final String JAVACPP = "1.5.7";
    static final String OPENBLAS = "0.3.19-" + JAVACPP;
    static final String CUDA = "11.6-8.3-" + JAVACPP;
    static final String SLF4J = "1.7.36";

    /** What the training JVM needs besides the plugin's own classes, whatever the backend: a logging binding. */
    static final List<String> COMMON = List.of("org.slf4j:slf4j-api:" + SLF4J, "org.slf4j:slf4j-simple:" + SLF4J);

    /**
     * @param requested   {@code cnn.backend}
     * @param cudaPresent whether this host has an NVIDIA driver
     */
    public static Backend select(BackendChoice requested, String osName, String osArch, boolean cudaPresent) throws CnnException {
        return select(requested, osName, osArch, cudaPresent, "");
    }

    /**
     * @param cpuFlags the host CPU's feature flags (from /proc/cpuinfo on Linux), to pick the fastest
     *                 x86-64 build: oneDNN with AVX-512, with AVX2, or plain oneDNN
     */
    public static Backend select(BackendChoice requested, String osName, String osArch, boolean cudaPresent, String cpuFlags)
            throws CnnException {
        BackendChoice r = requested == null ? BackendChoice.AUTO : requested;
        String platform = platform(osName, osArch);
        if (r == BackendChoice.CUDA && !cudaPresent) {
            throw new CnnException("cnn.backend=cuda, but no CUDA driver was found on this " + platform
                    + " host (no /proc/driver/nvidia/version or nvidia-smi). Use cnn.backend=auto to fall back to the CPU.");
        }
        boolean cuda = cudaPresent && r != BackendChoice.CPU;
        if (cuda && !platform.equals("linux-x86_64") && !platform.equals("windows-x86_64")) {
            throw new CnnException("CUDA training is supported on linux-x86_64 and windows-x86_64, not " + platform);
        }
        List<String> coordinates = new ArrayList<>(COMMON);
        coordinates.add("org.bytedeco:javacpp:" + JAVACPP);
        coordinates.add("org.bytedeco:javacpp:" + JAVACPP + ":" + platform);
        String reason;
        if (cuda) {
            coordinates.add("org.nd4j:nd4j-cuda-11.6:" + ND4J);
            coordinates.add("org.nd4j:nd4j-cuda-11.6:" + ND4J + ":" + platform);
            coordinates.add("org.nd4j:nd4j-cuda-11.6-preset:" + ND4J);
            coordinates.add("org.bytedeco:cuda:" + CUDA);
            coordinates.add("org.bytedeco:cuda:" + CUDA + ":" + platform);
            reason = r == BackendChoice.CUDA ? "cnn.backend=cuda" : "cnn.backend=auto found an NVIDIA driver";
        } else {
            // On x86-64 Linux the oneDNN builds with DL4J's layer helpers train CNNs about 3× faster
            // (README, Benchmarks); pick the widest vector extension the CPU has.
            String extension = "";
            if (platform.equals("linux-x86_64")) {
                Set<String> flags = Set.of(cpuFlags.toLowerCase(Locale.ROOT).split("\\s+"));
                extension = flags.contains("avx512f") ? "-onednn-avx512" : flags.contains("avx2") ? "-onednn-avx2" : "-onednn";
            }
            coordinates.add("org.nd4j:nd4j-native:" + ND4J);
            coordinates.add("org.nd4j:nd4j-native:" + ND4J + ":" + platform + extension);
            coordinates.add("org.nd4j:nd4j-native-preset:" + ND4J);
            coordinates.add("org.bytedeco:openblas:" + OPENBLAS);
            coordinates.add("org.bytedeco:openblas:" + OPENBLAS + ":" + platform);
            reason = (r == BackendChoice.CPU ? "cnn.backend=cpu" : "no NVIDIA driver found, so the CPU")
                    + (extension.isEmpty() ? "" : "; " + platform + extension + " for this CPU ("
                    + (extension.contains("512") ? "AVX-512" : extension.contains("avx2") ? "AVX2" : "no AVX2") + ")");
            if (!extension.isEmpty()) {
                // JavaCPP must load the oneDNN build's library, and DL4J 1.0.0-M2.1 ships its helpers switched off.
                return new Backend("cpu", platform, coordinates, reason, List.of(
                        "-Dorg.bytedeco.javacpp.platform.extension=" + extension,
                        "-Dorg.eclipse.deeplearning4j.helpers.disable=false"));
            }
        }
        return new Backend(cuda ? "cuda" : "cpu", platform, coordinates, reason,
                cuda ? List.of("-Dorg.eclipse.deeplearning4j.helpers.disable=false") : List.of());
    }

    /** The JavaCPP platform name of this host; an unsupported one is an error that names it. */
    static String platform(String osName, String osArch) throws CnnException {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        if (x64 && os.startsWith("linux")) {
            return "linux-x86_64";
        }
        if (x64 && os.startsWith("mac")) {
            return "macosx-x86_64";
        }
        if (x64 && os.startsWith("windows")) {
            return "windows-x86_64";
        }
        throw new CnnException("Training is not supported on " + osName + " " + osArch + ": the plugin has ND4J backends for"
                + " linux-x86_64, macosx-x86_64 and windows-x86_64 only");
    }

    /** The CPU feature flags of this host: the flags line of /proc/cpuinfo on Linux, empty elsewhere. */
    public static String cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1)).orElse("");
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /** Whether this host has an NVIDIA driver. */
    public static boolean cudaPresent() {
        if (Files.isRegularFile(Path.of("/proc/driver/nvidia/version"))) {
            return true;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "nvidia-smi")) || Files.isExecutable(Path.of(dir, "nvidia-smi.exe"))) {
                return true;
            }
        }
        return false;
    }
}
