package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forked JVM as a value: its options, and what a failed fork tells the user. */
class ForkTest {

    @TempDir
    Path temp;

    /** A fork's main class that dies as the kernel's out-of-memory killer would leave it: exit 137. */
    public static final class KilledMain {
        public static void main(String[] args) {
            Runtime.getRuntime().halt(137);
        }
    }

    @Test
    void argLineKeepsQuotedWordsTogether() throws Exception {
        assertEquals(List.of("-Xmx4g", "-Dx=a b", "-Dy=c d"), ForkConfiguration.parseArgLine("-Xmx4g -Dx=\"a b\" '-Dy=c d'"));
        assertEquals(List.of(), ForkConfiguration.parseArgLine("  "));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ForkConfiguration.parseArgLine("-Dx=\"a b"));
        assertTrue(e.getMessage().startsWith("Invalid value '-Dx=\"a b' for cnn.argLine"), e.getMessage());
    }

    @Test
    void theDefaultHeapYieldsToTheUsersAndTheUsersOptionsComeLast() throws Exception {
        Backend cpu = Backend.select(BackendChoice.CPU, "Linux", "amd64", false, "avx2");
        ForkConfiguration plain = ForkConfiguration.of(List.of(), cpu, null, 2, "Main", "train");
        assertTrue(plain.jvmOptions().contains("-Xmx2g"), plain.jvmOptions().toString());
        assertEquals("2", plain.environment().get("OMP_NUM_THREADS"));
        assertTrue(plain.jvmOptions().contains("-Djava.util.concurrent.ForkJoinPool.common.parallelism=1"),
                "the Java kernels: the caller and one worker: " + plain.jvmOptions());
        assertTrue(ForkConfiguration.of(List.of(), cpu, null, 1, "Main", "train").jvmOptions()
                .contains("-Djava.util.concurrent.ForkJoinPool.common.parallelism=0"), "one thread: the caller alone");
        ForkConfiguration own = ForkConfiguration.of(List.of(), cpu, "-Xmx6g -Dk=\"v w\"", 2, "Main", "train");
        assertTrue(own.jvmOptions().stream().noneMatch("-Xmx2g"::equals), own.jvmOptions().toString());
        assertEquals(List.of("-Xmx6g", "-Dk=v w"), own.jvmOptions().subList(own.jvmOptions().size() - 2, own.jvmOptions().size()));
    }

    /** The young generation is capped unless the user sizes it, and left to G1 for Spark's executors. */
    @Test
    void theYoungGenerationIsCappedUnlessTheUserOrSparkSizesIt() throws Exception {
        Backend cpu = Backend.select(BackendChoice.CPU, "Linux", "amd64", false, "avx2");
        assertTrue(ForkConfiguration.of(List.of(), cpu, null, 2, "Main", "train").jvmOptions().contains("-Xmn64m"));
        for (String own : List.of("-Xmn256m", "-XX:NewSize=32m", "-XX:MaxNewSize=1g", "-XX:NewRatio=3")) {
            List<String> options = ForkConfiguration.of(List.of(), cpu, own, 2, "Main", "train").jvmOptions();
            assertTrue(options.stream().noneMatch("-Xmn64m"::equals) && options.contains(own), options.toString());
        }
        List<String> spark = ForkConfiguration.of(List.of(), cpu, List.of("--add-opens=java.base/java.nio=ALL-UNNAMED"), null, 2,
                "Main", "train").jvmOptions();
        assertTrue(spark.stream().noneMatch("-Xmn64m"::equals), spark.toString());
    }

    @Test
    void theForkGetsTheBackendsEnvironmentUnlessMavensHasTheVariable() throws Exception {
        Backend avx512 = Backend.select(BackendChoice.CPU, "Linux", "amd64", false,
                "avx2 fma avx512f avx512vl avx512bw avx512dq avx512cd");
        ForkConfiguration fork = ForkConfiguration.of(List.of(), avx512, null, 2, "Main", "train");
        assertEquals("2", fork.environment().get("OMP_NUM_THREADS"));
        // the user's own OPENBLAS_CORETYPE, inherited by the fork, is left alone
        assertEquals(System.getenv("OPENBLAS_CORETYPE") == null ? "SkylakeX" : null, fork.environment().get("OPENBLAS_CORETYPE"));
    }

    /**
     * glibc maps blocks of 1 MB and more on their own, so that freeing them returns them, and OpenMP's idle threads
     * sleep instead of spinning (ForkConfiguration.MMAP_THRESHOLD, OMP_WAIT_POLICY); Maven's environment wins.
     */
    @Test
    void theForkGetsTheAllocatorAndOpenMpVariablesUnlessMavensEnvironmentSaysOtherwise() throws Exception {
        Backend cpu = Backend.select(BackendChoice.CPU, "Linux", "amd64", false, "avx2");
        Map<String, String> environment = ForkConfiguration.of(List.of(), cpu, null, 1, "Main", "evaluate").environment();
        assertEquals(System.getenv("MALLOC_MMAP_THRESHOLD_") == null ? "1048576" : null,
                environment.get("MALLOC_MMAP_THRESHOLD_"), environment.toString());
        assertEquals(System.getenv("OMP_WAIT_POLICY") == null ? "PASSIVE" : null, environment.get("OMP_WAIT_POLICY"));
        assertEquals("1", environment.get("OMP_NUM_THREADS"));
    }

    @Test
    void aKilledForkSaysSoAndNamesItsGoal() {
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        ForkConfiguration fork = new ForkConfiguration(classpath, List.of(), Map.of(), KilledMain.class.getName(), "train");
        CnnException e = assertThrows(CnnException.class,
                () -> ForkedJvm.run(fork, List.of(), temp.resolve("args"), Console.silent()));
        assertTrue(e.getMessage().startsWith("The JVM of the train goal was killed by SIGKILL (exit code 137)"), e.getMessage());
        assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
        assertTrue(ForkedJvm.failure("evaluate", 1).startsWith("The JVM of the evaluate goal failed with exit code 1"));
    }
}
