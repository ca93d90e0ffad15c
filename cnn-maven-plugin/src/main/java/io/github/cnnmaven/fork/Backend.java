package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.PropertySwitch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which ND4J backend the training JVM gets, as Maven coordinates to resolve at run time: only the
 * native jars this host needs (one platform, one variant), never the *-platform artifacts that
 * pull every OS. CPU users never download CUDA artifacts.
 *
 * @param coordinates {@code groupId:artifactId:version} or {@code groupId:artifactId:version:classifier}
 * @param environment variables the training JVM starts with, besides its thread count
 */
public record Backend(Device device, String platform, List<String> coordinates, String reason, List<String> jvmOptions,
                      Map<String, String> environment) {

    public Backend {
        coordinates = List.copyOf(coordinates);
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
    }

    /**
     * The variable that makes OpenBLAS use the matrix kernels it is told to instead of the ones it finds for the CPU.
     * OpenBLAS 0.3.19 (ND4J 1.0.0-M2.1's) does not know CPUs newer than itself, such as Intel's Emerald Rapids, and
     * falls back to its Prescott (SSE3) kernels: a 2048 × 2048 sgemm on one thread ran at 31 GFLOP/s there against
     * 125 with SkylakeX's, and the main job's epochs took twice as long (docs/benchmarks.md).
     */
    public static final String OPENBLAS_CORETYPE = "OPENBLAS_CORETYPE";

    /** What the backend computes on. */
    public enum Device {
        CPU("cpu"),
        CUDA("cuda");

        private final String id;

        Device(String id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** {@code cpu} or {@code cuda}, as the log says it. */
    public String name() {
        return device.toString();
    }

    static final String ND4J = "1.0.0-M2.1";
    static final String JAVACPP = "1.5.7";
    static final String OPENBLAS = "0.3.19-" + JAVACPP;
    static final String DNNL = "2.5.2-" + JAVACPP;
    static final String OPENCL = "3.0-" + JAVACPP;
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
        return select(requested, osName, osArch, cudaPresent, cpuFlags, CudaRuntime.SYSTEM, false);
    }

    /**
     * @param runtime      {@code cnn.cudaRuntime}: the machine's CUDA libraries or the bundled ones
     * @param systemCudnn  whether cuDNN 8 is installed on the machine (the bundled runtime always has it)
     */
    public static Backend select(BackendChoice requested, String osName, String osArch, boolean cudaPresent, String cpuFlags,
                                 CudaRuntime runtime, boolean systemCudnn) throws CnnException {
        BackendChoice r = requested == null ? BackendChoice.AUTO : requested;
        String platform = platform(osName, osArch);
        if (r == BackendChoice.CUDA && !cudaPresent) {
            throw new CnnException("cnn.backend=cuda, but no CUDA driver was found on this " + platform
                    + " host (no /proc/driver/nvidia/version or nvidia-smi). Use cnn.backend=auto to fall back to the CPU.");
        }
        boolean cuda = cudaPresent && r != BackendChoice.CPU;
        if (cuda && !platform.equals("linux-x86_64") && !platform.equals("windows-x86_64")) {
            if (r == BackendChoice.CUDA) {
                throw new CnnException("CUDA training is supported on linux-x86_64 and windows-x86_64, not " + platform);
            }
            cuda = false; // auto: a driver on a platform DL4J has no CUDA build for means the CPU
        }
        return cuda ? cuda(r, platform, runtime == null ? CudaRuntime.SYSTEM : runtime, systemCudnn) : cpu(r, platform, cpuFlags);
    }

    /** The CPU backend for this host, whatever was asked: what {@code auto} falls back to. */
    public static Backend cpuFallback(String osName, String osArch, String cpuFlags, String why) throws CnnException {
        Backend cpu = cpu(BackendChoice.AUTO, platform(osName, osArch), cpuFlags);
        return new Backend(cpu.device(), cpu.platform(), cpu.coordinates(), why + "; " + cpu.reason(), cpu.jvmOptions(),
                cpu.environment());
    }

    private static Backend cuda(BackendChoice r, String platform, CudaRuntime runtime, boolean systemCudnn) {
        // libnd4j's cuDNN build runs convolution, pooling and batch norm through cuDNN, as the CPU path uses oneDNN.
        boolean cudnn = runtime == CudaRuntime.BUNDLED || systemCudnn;
        List<String> coordinates = new ArrayList<>(COMMON);
        coordinates.add("org.bytedeco:javacpp:" + JAVACPP);
        coordinates.add("org.bytedeco:javacpp:" + JAVACPP + ":" + platform);
        coordinates.add("org.nd4j:nd4j-cuda-11.6:" + ND4J);
        coordinates.add("org.nd4j:nd4j-cuda-11.6:" + ND4J + ":" + platform + (cudnn ? "-cudnn" : ""));
        coordinates.add("org.nd4j:nd4j-cuda-11.6-preset:" + ND4J);
        coordinates.add("org.bytedeco:cuda:" + CUDA);
        coordinates.add("org.bytedeco:cuda:" + CUDA + ":" + platform);
        if (runtime == CudaRuntime.BUNDLED) {
            coordinates.add("org.bytedeco:cuda:" + CUDA + ":" + platform + "-redist");
        }
        String reason = (r == BackendChoice.CUDA ? "cnn.backend=cuda" : "cnn.backend=auto found an NVIDIA driver")
                + "; CUDA 11.6 " + (runtime == CudaRuntime.BUNDLED ? "bundled (cnn.cudaRuntime=bundled)" : "of the system")
                + (cudnn ? ", the cuDNN build" : ", without cuDNN (not found on the system)");
        return new Backend(Device.CUDA, platform, coordinates, reason, List.of("-Dorg.eclipse.deeplearning4j.helpers.disable=false"),
                Map.of());
    }

    private static Backend cpu(BackendChoice r, String platform, String cpuFlags) {
        // On x86-64 Linux the oneDNN builds with DL4J's layer helpers train CNNs about 3× faster
        // (docs/benchmarks.md); pick the widest vector extension the CPU has.
        Set<String> flags = Set.of((cpuFlags == null ? "" : cpuFlags).toLowerCase(Locale.ROOT).split("\\s+"));
        String extension = "";
        if (platform.equals("linux-x86_64")) {
            extension = flags.contains("avx512f") ? "-onednn-avx512" : flags.contains("avx2") ? "-onednn-avx2" : "-onednn";
        }
        String openBlasCore = openBlasCore(flags);
        List<String> coordinates = new ArrayList<>(COMMON);
        coordinates.add("org.bytedeco:javacpp:" + JAVACPP);
        coordinates.add("org.bytedeco:javacpp:" + JAVACPP + ":" + platform);
        coordinates.add("org.nd4j:nd4j-native:" + ND4J);
        coordinates.add("org.nd4j:nd4j-native:" + ND4J + ":" + platform + extension);
        coordinates.add("org.nd4j:nd4j-native-preset:" + ND4J);
        coordinates.add("org.bytedeco:openblas:" + OPENBLAS);
        coordinates.add("org.bytedeco:openblas:" + OPENBLAS + ":" + platform);
        String reason = (r == BackendChoice.CPU ? "cnn.backend=cpu" : "no NVIDIA driver found, so the CPU")
                + (extension.isEmpty() ? "" : "; " + platform + extension + " for this CPU ("
                + (extension.contains("512") ? "AVX-512" : extension.contains("avx2") ? "AVX2" : "no AVX2") + ")")
                + (openBlasCore == null ? "" : "; OpenBLAS's " + openBlasCore + " kernels");
        Map<String, String> environment = openBlasCore == null ? Map.of() : Map.of(OPENBLAS_CORETYPE, openBlasCore);
        if (extension.isEmpty()) {
            return new Backend(Device.CPU, platform, coordinates, reason, List.of(), environment);
        }
        // JavaCPP must load the oneDNN build's library, and DL4J 1.0.0-M2.1 ships its helpers switched off.
        return new Backend(Device.CPU, platform, coordinates, reason, List.of(
                "-Dorg.bytedeco.javacpp.platform.extension=" + extension,
                "-Dorg.eclipse.deeplearning4j.helpers.disable=false"), environment);
    }

    /**
     * OpenBLAS's kernels for the CPU's widest vector extension, by its flags rather than its model, which OpenBLAS
     * 0.3.19 reads and does not know for newer CPUs; {@code null} without AVX2 (or flags), where its own choice stays.
     */
    static String openBlasCore(Set<String> flags) {
        if (flags.containsAll(Set.of("avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd"))) {
            return "SkylakeX";
        }
        return flags.containsAll(Set.of("avx2", "fma")) ? "Haswell" : null;
    }

    /**
     * {@code cnn.oneDnnConvolution} as the fork reads it: the switch of kernels.TrainingLayers.Switch.ONEDNN_CONVOLUTION
     * (a test keeps the two names equal; this package does not import kernels).
     */
    public static final PropertySwitch ONEDNN_CONVOLUTION = new PropertySwitch("cnn.oneDnnConvolution");

    /**
     * The native jars the convolutions that call oneDNN themselves need in a fork started with these JVM arguments
     * (kernels.OneDnnConvolution, on unless {@code -Dcnn.oneDnnConvolution=false}): oneDNN (15 MB) and the OpenCL
     * loader its preset links. Only for the CPU on linux-x86_64; elsewhere, or switched off, none, and DL4J's
     * convolutions run.
     */
    public List<String> oneDnnConvolutionCoordinates(List<String> jvmArguments) {
        return device == Device.CPU && platform.equals("linux-x86_64") && ONEDNN_CONVOLUTION.onIn(jvmArguments)
                ? List.of("org.bytedeco:dnnl:" + DNNL + ":" + platform, "org.bytedeco:opencl:" + OPENCL + ":" + platform)
                : List.of();
    }

    /** Whether this is the CUDA backend. */
    public boolean isCuda() {
        return device == Device.CUDA;
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

    /**
     * Whether cuDNN 8 is installed: {@code libcudnn.so.8} in the library path or CUDA's usual folders on
     * Linux, {@code cudnn64_8.dll} on the PATH on Windows.
     */
    public static boolean cudnnPresent() {
        List<String> dirs = new ArrayList<>();
        for (String variable : List.of("LD_LIBRARY_PATH", "PATH", "CUDA_PATH")) {
            String value = System.getenv(variable);
            if (value != null) {
                dirs.addAll(List.of(value.split(java.io.File.pathSeparator)));
            }
        }
        dirs.addAll(List.of("/usr/lib/x86_64-linux-gnu", "/usr/local/cuda/lib64", "/usr/local/cuda-11.6/lib64", "/usr/lib64"));
        for (String dir : dirs) {
            if (!dir.isBlank() && (Files.exists(Path.of(dir, "libcudnn.so.8")) || Files.exists(Path.of(dir, "cudnn64_8.dll")))) {
                return true;
            }
        }
        return false;
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
