package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.fork.ForkRequest;
import io.github.cnnmaven.fork.BackendChoice;
import io.github.cnnmaven.fork.CudaRuntime;
import io.github.cnnmaven.fork.Host;
import io.github.cnnmaven.output.OutputDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GPU machine whose CUDA does not work, on a CPU machine: an NVIDIA driver is "found", but the CUDA
 * backend cannot load (here the probe JVM gets the CPU backend, as a machine without CUDA 11.6's
 * libraries gets none). auto trains on the CPU after one warning naming the cause; cuda fails.
 */
class ForkRunnerTest {

    @TempDir
    Path temp;
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    final List<String> infos = Collections.synchronizedList(new ArrayList<>());
    final List<List<String>> resolved = new ArrayList<>();

    /** Stands for a training: proves it ran by writing its request's argument. */
    public static final class TrainedMain {
        public static void main(String[] args) throws Exception {
            Files.writeString(Path.of(args[0]).resolveSibling("trained"), "yes");
        }
    }

    /** A request whose entry point is {@link TrainedMain}. */
    record TrainedRequest(String text) implements ForkRequest {
        @Override
        public Class<?> forkMain() {
            return TrainedMain.class;
        }
    }

    static final ForkRequest TRAIN = new TrainedRequest("request");

    static final Host GPU_MACHINE = new Host("Linux", "amd64", true, "avx2", false);

    ForkRunner runner(BackendChoice backend, boolean cudaResolves) {
        return runner(backend, cudaResolves, null);
    }

    ForkRunner runner(BackendChoice backend, boolean cudaResolves, String argLine) {
        return runner(backend, cudaResolves, argLine, 1);
    }

    ForkRunner runner(BackendChoice backend, boolean cudaResolves, String argLine, int threads) {
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        ArtifactResolver resolver = coordinates -> {
            resolved.add(coordinates);
            if (!cudaResolves && coordinates.stream().anyMatch(c -> c.contains("cuda"))) {
                throw new CnnException("Could not resolve the training backend: org.nd4j:nd4j-cuda-11.6 is not available offline");
            }
            return List.of(); // the test classpath already holds the CPU backend, as a CUDA-less machine would load
        };
        ForkRunner.Settings settings = new ForkRunner.Settings(backend, threads, argLine, 1, temp.resolve("slots"),
                Duration.ofMinutes(1), CudaRuntime.SYSTEM, null, null);
        return new ForkRunner(() -> classpath, resolver, settings, GPU_MACHINE, Console.of(infos::add, warnings::add));
    }

    @Test
    void autoWarnsWithTheCauseAndTrainsOnTheCpu() throws Exception {
        OutputDirectory out = new OutputDirectory(Files.createDirectories(temp.resolve("out")));
        runner(BackendChoice.AUTO, true).run(out, "train", TRAIN);
        assertEquals(1, warnings.size(), warnings.toString());
        String warning = warnings.get(0);
        assertTrue(warning.startsWith("CUDA does not work on this machine, so this build trains on the CPU: the CUDA backend"
                + " did not load (ND4J loaded CPU)"), warning);
        assertTrue(warning.contains("cnn.cudaRuntime=bundled"), "the warning says the bundled runtime exists: " + warning);
        assertTrue(infos.stream().anyMatch(l -> l.startsWith("Backend: cpu (linux-x86_64), chosen because CUDA did not work")),
                infos.toString());
        assertTrue(resolved.get(0).contains("org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1:linux-x86_64"), "CUDA was tried first");
        assertTrue(resolved.get(1).stream().anyMatch(c -> c.startsWith("org.nd4j:nd4j-native:1.0.0-M2.1:linux-x86_64")));
        assertEquals("yes", Files.readString(out.root().resolve("trained")), "the training ran, on the CPU");
        assertEquals("{\"text\":\"request\"}", Files.readString(out.requestFile("train")).replaceAll("\\s", ""),
                "the request file holds the request, not its entry point");
    }

    /**
     * A Keras file's native HDF5 is resolved for the backend's platform, after the backend, and only when asked; on
     * the CPU the native oneDNN the convolutions call comes with the backend unless cnn.argLine switches them off.
     */
    @Test
    void nativeLibrariesAreResolvedForTheChosenPlatform() throws Exception {
        OutputDirectory out = new OutputDirectory(Files.createDirectories(temp.resolve("out")));
        runner(BackendChoice.CPU, true).run(out, "train", TRAIN,
                List.of("org.bytedeco:hdf5:1.12.1-1.5.7"));
        assertEquals(3, resolved.size(), resolved.toString());
        assertEquals(List.of("org.bytedeco:dnnl:2.5.2-1.5.7:linux-x86_64", "org.bytedeco:opencl:3.0-1.5.7:linux-x86_64"),
                resolved.get(1));
        assertEquals(List.of("org.bytedeco:hdf5:1.12.1-1.5.7:linux-x86_64"), resolved.get(2));
        assertEquals("yes", Files.readString(out.root().resolve("trained")));

        resolved.clear();
        runner(BackendChoice.CPU, true).run(out, "train", TRAIN);
        assertEquals(2, resolved.size(), "the backend and oneDNN: " + resolved);

        resolved.clear();
        runner(BackendChoice.CPU, true, "-Dcnn.oneDnnConvolution=false").run(out, "train", TRAIN);
        assertEquals(1, resolved.size(), "the backend alone: " + resolved);

        resolved.clear();
        runner(BackendChoice.CPU, true, "-Dcnn.oneDnnConvolution=FALSE ").run(out, "train", TRAIN);
        assertEquals(1, resolved.size(), "read as the fork reads it, any case: " + resolved);
    }

    /** Writes the OpenMP threads and the common pool's parallelism it was started with next to its request. */
    public static final class ThreadsMain {
        public static void main(String[] args) throws Exception {
            Files.writeString(Path.of(args[0]).resolveSibling("threads"), System.getenv("OMP_NUM_THREADS") + " "
                    + System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism"));
        }
    }

    /** A training request whose batch is split among the threads on the CPU (as TrainRequest's, fork.BatchSplit). */
    record SplitRequest(String text) implements ForkRequest {
        @Override
        public Class<?> forkMain() {
            return ThreadsMain.class;
        }

        @Override
        public int batchWorkers(boolean cpu, boolean switchOn) {
            return cpu && switchOn ? 2 : 1;
        }
    }

    /** Any other request: every native operation on all the threads. */
    record ThreadsRequest(String text) implements ForkRequest {
        @Override
        public Class<?> forkMain() {
            return ThreadsMain.class;
        }
    }

    @Test
    void aTrainingThatSplitsItsBatchGivesEachNativeOperationOneThread() throws Exception {
        OutputDirectory out = new OutputDirectory(Files.createDirectories(temp.resolve("out")));
        runner(BackendChoice.CPU, true, null, 2).run(out, "train", new SplitRequest("split"));
        assertEquals("1 0", Files.readString(out.root().resolve("threads")), "one OpenMP thread and no pool workers");
        runner(BackendChoice.CPU, true, null, 2).run(out, "evaluate", new ThreadsRequest("evaluate"));
        assertEquals("2 1", Files.readString(out.root().resolve("threads")));
        runner(BackendChoice.CPU, true, "-Dcnn.splitBatch=false", 2).run(out, "train", new SplitRequest("split"));
        assertEquals("2 1", Files.readString(out.root().resolve("threads")), "the switch turned off in cnn.argLine");
    }

    @Test
    void cudaFailsWithTheSameCauseAndTrainsNothing() throws Exception {
        OutputDirectory out = new OutputDirectory(Files.createDirectories(temp.resolve("out")));
        CnnException e = assertThrows(CnnException.class,
                () -> runner(BackendChoice.CUDA, true).run(out, "train", TRAIN));
        assertTrue(e.getMessage().startsWith("cnn.backend=cuda, but CUDA does not work on this machine: the CUDA backend did"
                + " not load"), e.getMessage());
        assertFalse(Files.exists(out.root().resolve("trained")), "no training started");
    }

    @Test
    void aCudaBackendThatCannotBeResolvedIsAFailedProbeToo() throws Exception {
        OutputDirectory out = new OutputDirectory(Files.createDirectories(temp.resolve("out")));
        runner(BackendChoice.AUTO, false).run(out, "train", TRAIN);
        assertTrue(warnings.get(0).contains("nd4j-cuda-11.6 is not available offline"), warnings.toString());
        assertEquals("yes", Files.readString(out.root().resolve("trained")));
    }

    @Test
    void causesAreSaidInWordsAUserCanActOn() {
        assertTrue(ForkRunner.cause("The backend probe crashed: java.lang.UnsatisfiedLinkError: no jnicudart in"
                + " java.library.path: libcudart.so.11.0: cannot open shared object file")
                .startsWith("the CUDA 11.6 runtime (libcudart.so.11.0) was not found, so CUDA 11.6 is not installed"));
        assertTrue(ForkRunner.cause("cudaErrorInsufficientDriver").startsWith("the NVIDIA driver is too old for CUDA 11.6"));
    }

    /** A request that trains on Spark: the runner adds Spark with its dependencies and the JVM options Spark needs. */
    record SparkRequest(String text) implements ForkRequest {
        @Override
        public Class<?> forkMain() {
            return TrainedMain.class;
        }

        @Override
        public boolean trainsOnSpark() {
            return true;
        }
    }

    @Test
    void aSparkTrainingGetsSparkWithItsDependenciesAndItsJvmOptionsOthersDoNot() throws Exception {
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .toList();
        List<List<String>> roots = new ArrayList<>();
        Path sparkJar = classpath.stream().filter(p -> p.getFileName().toString().startsWith("spark-core")).findFirst()
                .orElseThrow();
        ArtifactResolver resolver = new ArtifactResolver() {
            @Override
            public List<Path> resolve(List<String> coordinates) {
                return List.of();
            }

            @Override
            public List<Path> resolveWithDependencies(List<String> dependencies, List<String> pins, List<String> exclusions) {
                roots.add(dependencies);
                assertTrue(pins.stream().anyMatch(p -> p.startsWith("org.scala-lang:scala-library:2.12.")), pins.toString());
                assertTrue(exclusions.contains("org.apache.spark:spark-mllib_2.12"), exclusions.toString());
                // dl4j-spark's tree reaches these native jars for every OS, which a fork never takes
                assertTrue(exclusions.containsAll(List.of("org.bytedeco:javacpp-platform", "org.bytedeco:hdf5-platform",
                        "org.bytedeco:opencv-platform", "org.bytedeco:ffmpeg-platform", "org.bytedeco:leptonica-platform")),
                        exclusions.toString());
                return List.of(sparkJar);
            }
        };
        ForkRunner.Settings settings = new ForkRunner.Settings(BackendChoice.CPU, 1, null, 1, temp.resolve("slots"),
                Duration.ofMinutes(1), CudaRuntime.SYSTEM, null,
                io.github.cnnmaven.fork.SparkSettings.of("local[2]", null, null, null, temp.resolve("shards").toString(), null));
        ForkRunner runner = new ForkRunner(() -> classpath, resolver, settings, GPU_MACHINE, Console.of(infos::add, warnings::add));
        OutputDirectory out = new OutputDirectory(Files.createDirectories(temp.resolve("out")));

        runner.run(out, "train", new SparkRequest("spark"));
        assertEquals(1, roots.size());
        assertTrue(roots.get(0).contains("org.apache.spark:spark-core_2.12:3.5.9"), roots.toString());
        assertTrue(roots.get(0).stream().anyMatch(r -> r.startsWith("org.deeplearning4j:dl4j-spark_2.12:")), roots.toString());
        String args = Files.readString(out.root().resolve("train-request.json.args"));
        assertTrue(args.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), args);
        assertEquals("yes", Files.readString(out.root().resolve("trained")));

        runner.run(out, "evaluate", TRAIN);
        assertEquals(1, roots.size(), "a fork that does not train on Spark resolves no Spark");
        assertTrue(!Files.readString(out.root().resolve("evaluate-request.json.args")).contains("--add-opens"));
    }
}
