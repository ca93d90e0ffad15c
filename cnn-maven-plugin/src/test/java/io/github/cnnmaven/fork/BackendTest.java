package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.kernels.TrainingLayers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendTest {

    @Test
    void oneDnnConvolutionsGetTheirJarsOnlyWhereTheForkRunsThem() throws Exception {
        assertEquals(TrainingLayers.Switch.ONEDNN_CONVOLUTION.property(), Backend.ONEDNN_CONVOLUTION.property(),
                "the fork's switch and the one the runner reads are one property");
        Backend cpu = Backend.select(BackendChoice.CPU, "Linux", "amd64", false);
        assertEquals(2, cpu.oneDnnConvolutionCoordinates(List.of("-Xmx2g")).size());
        assertEquals(List.of(), cpu.oneDnnConvolutionCoordinates(List.of("-Dcnn.oneDnnConvolution=False")));
        assertEquals(List.of(), Backend.select(BackendChoice.AUTO, "Mac OS X", "x86_64", false).oneDnnConvolutionCoordinates(List.of()));
        assertEquals(List.of(), Backend.select(BackendChoice.CUDA, "Linux", "amd64", true).oneDnnConvolutionCoordinates(List.of()));
    }

    @Test
    void cpuHostGetsOneNativePlatformAndNoCuda() throws Exception {
        Backend b = Backend.select(BackendChoice.AUTO, "Linux", "amd64", false);
        assertEquals("cpu", b.name());
        assertTrue(b.coordinates().contains("org.nd4j:nd4j-native:1.0.0-M2.1:linux-x86_64-onednn"), b.coordinates().toString());
        assertFalse(b.coordinates().stream().anyMatch(c -> c.contains("cuda")), "CPU users never download CUDA");
        assertFalse(b.coordinates().stream().anyMatch(c -> c.contains("-platform")));
        assertEquals(1, b.coordinates().stream().filter(c -> c.startsWith("org.nd4j:nd4j-native:") && c.split(":").length == 4).count());
    }

    @Test
    void linuxGetsTheOneDnnBuildForItsVectorExtensionWithHelpersOn() throws Exception {
        Backend avx512 = Backend.select(BackendChoice.AUTO, "Linux", "amd64", false, "fpu sse avx2 avx512f avx512bw");
        assertTrue(avx512.coordinates().contains("org.nd4j:nd4j-native:1.0.0-M2.1:linux-x86_64-onednn-avx512"));
        assertTrue(avx512.jvmOptions().contains("-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx512"));
        assertTrue(avx512.jvmOptions().contains("-Dorg.eclipse.deeplearning4j.helpers.disable=false"));
        assertTrue(avx512.reason().contains("(AVX-512)"), avx512.reason());
        assertTrue(Backend.select(BackendChoice.AUTO, "Linux", "amd64", false, "sse avx avx2").coordinates()
                .contains("org.nd4j:nd4j-native:1.0.0-M2.1:linux-x86_64-onednn-avx2"));
        assertTrue(Backend.select(BackendChoice.AUTO, "Linux", "amd64", false, "sse").coordinates()
                .contains("org.nd4j:nd4j-native:1.0.0-M2.1:linux-x86_64-onednn"));
        Backend mac = Backend.select(BackendChoice.AUTO, "Mac OS X", "x86_64", false, "");
        assertTrue(mac.coordinates().contains("org.nd4j:nd4j-native:1.0.0-M2.1:macosx-x86_64"), "generic build elsewhere");
        assertTrue(mac.jvmOptions().isEmpty());
    }

    /** OpenBLAS 0.3.19 takes a CPU it does not know (Emerald Rapids, model 207) for a Prescott: the fork names the kernels. */
    @Test
    void cpuForkTellsOpenBlasWhichKernelsTheVectorExtensionAllows() throws Exception {
        String emeraldRapids = "fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl amx_tile";
        Backend avx512 = Backend.select(BackendChoice.AUTO, "Linux", "amd64", false, emeraldRapids);
        assertEquals(Map.of("OPENBLAS_CORETYPE", "SkylakeX"), avx512.environment());
        assertTrue(avx512.reason().endsWith("OpenBLAS's SkylakeX kernels"), avx512.reason());
        assertEquals(Map.of("OPENBLAS_CORETYPE", "Haswell"),
                Backend.select(BackendChoice.CPU, "Linux", "amd64", false, "sse avx avx2 fma").environment());
        assertEquals(Map.of("OPENBLAS_CORETYPE", "Haswell"),
                Backend.select(BackendChoice.CPU, "Linux", "amd64", false, "avx2 fma avx512f").environment(),
                "AVX-512 without the subsets SkylakeX's kernels use gets Haswell's");
        assertEquals(Map.of(), Backend.select(BackendChoice.CPU, "Linux", "amd64", false, "sse sse2 avx").environment(),
                "without AVX2 OpenBLAS keeps its own choice");
        assertEquals(Map.of(), Backend.select(BackendChoice.AUTO, "Linux", "amd64", true, emeraldRapids).environment(),
                "CUDA's matrix products are cuBLAS's");
        assertEquals(Map.of("OPENBLAS_CORETYPE", "SkylakeX"),
                Backend.cpuFallback("Linux", "amd64", emeraldRapids, "CUDA did not work").environment());
    }

    /** The shim answers DL4J's reflective lookup, the way BaseMKLDNNHelper makes it, with the real environment's answer. */
    @Test
    void helperLookupShimAnswersWithTheRealEnvironment() throws Exception {
        Class<?> old = Class.forName("org.nd4j.nativeblas.Nd4jCpu$Environment");
        Object env = old.getMethod("getInstance").invoke(null);
        Object answer = old.getMethod("isUseMKLDNN").invoke(env);
        Class<?> current = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
        Object real = current.getMethod("isUseONEDNN").invoke(current.getMethod("getInstance").invoke(null));
        assertEquals(real, answer);
    }

    @Test
    void autoUsesCudaWhereADriverIsAndCpuWhenAskedFor() throws Exception {
        assertEquals("cuda", Backend.select(BackendChoice.AUTO, "Linux", "amd64", true).name());
        assertTrue(Backend.select(BackendChoice.CUDA, "Linux", "amd64", true).coordinates().contains("org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1:linux-x86_64"));
        assertEquals("cpu", Backend.select(BackendChoice.CPU, "Linux", "amd64", true).name());
        assertEquals("macosx-x86_64", Backend.select(BackendChoice.AUTO, "Mac OS X", "x86_64", false).platform());
    }

    @Test
    void cudaWithoutDriverIsAClearError() {
        CnnException e = assertThrows(CnnException.class, () -> Backend.select(BackendChoice.CUDA, "Linux", "amd64", false));
        assertTrue(e.getMessage().startsWith("cnn.backend=cuda, but no CUDA driver was found"), e.getMessage());
        assertTrue(e.getMessage().contains("cnn.backend=auto"), e.getMessage());
    }

    @Test
    void unsupportedPlatformIsNamed() {
        CnnException e = assertThrows(CnnException.class, () -> Backend.select(BackendChoice.AUTO, "Linux", "aarch64", false));
        assertTrue(e.getMessage().startsWith("Training is not supported on Linux aarch64"), e.getMessage());
        assertEquals("Invalid value 'tpu' for cnn.backend: use one of auto, cpu, cuda", assertThrows(
                InvalidConfigurationException.class, () -> Choice.parse(BackendChoice.class, "tpu", "cnn.backend")).getMessage());
    }

    @Test
    void theCudaRuntimeAndCudnnChooseTheCoordinates() throws Exception {
        Backend system = Backend.select(BackendChoice.AUTO, "Linux", "amd64", true, "", CudaRuntime.SYSTEM, false);
        assertTrue(system.coordinates().contains("org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1:linux-x86_64"), system.coordinates().toString());
        assertFalse(system.coordinates().stream().anyMatch(c -> c.endsWith("-redist")), "the system runtime downloads no CUDA");
        assertTrue(system.reason().endsWith("CUDA 11.6 of the system, without cuDNN (not found on the system)"), system.reason());

        Backend cudnn = Backend.select(BackendChoice.AUTO, "Linux", "amd64", true, "", CudaRuntime.SYSTEM, true);
        assertTrue(cudnn.coordinates().contains("org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1:linux-x86_64-cudnn"));

        Backend bundled = Backend.select(BackendChoice.CUDA, "Windows 11", "amd64", true, "", CudaRuntime.BUNDLED, false);
        assertTrue(bundled.coordinates().containsAll(List.of("org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1:windows-x86_64-cudnn",
                "org.bytedeco:cuda:11.6-8.3-1.5.7:windows-x86_64", "org.bytedeco:cuda:11.6-8.3-1.5.7:windows-x86_64-redist")),
                bundled.coordinates().toString());
        assertTrue(bundled.reason().contains("bundled (cnn.cudaRuntime=bundled), the cuDNN build"), bundled.reason());
        assertEquals(1, bundled.coordinates().stream().filter(c -> c.contains("nd4j-cuda-11.6:1.0.0-M2.1:")).count(),
                "exactly one native CUDA build");
    }
}
