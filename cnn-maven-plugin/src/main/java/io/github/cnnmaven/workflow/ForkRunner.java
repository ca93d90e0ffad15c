package io.github.cnnmaven.workflow;

import io.github.cnnmaven.dataset.PreparedDataset;
import io.github.cnnmaven.fork.ForkContext;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.common.TrainingSlots;
import io.github.cnnmaven.fork.Backend;
import io.github.cnnmaven.fork.BatchSplit;
import io.github.cnnmaven.fork.BackendChoice;
import io.github.cnnmaven.fork.ForkConfiguration;
import io.github.cnnmaven.fork.ForkRequest;
import io.github.cnnmaven.fork.ForkedJvm;
import io.github.cnnmaven.fork.CudaRuntime;
import io.github.cnnmaven.fork.Host;
import io.github.cnnmaven.fork.ProbeMain;
import io.github.cnnmaven.fork.SparkRuntime;
import io.github.cnnmaven.fork.SparkSettings;
import io.github.cnnmaven.output.DeviceInfo;
import io.github.cnnmaven.output.OutputDirectory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs DL4J work in a forked JVM, as surefire runs tests: picks the backend this host needs,
 * resolves its native jars, hands the request over as a JSON file and relays the fork's log.
 */
public final class ForkRunner {

    /**
     * The user's settings of the fork.
     *
     * @param threads             {@code cnn.threads}; null for the machine's cores shared among the trainings
     * @param argLine             {@code cnn.argLine}
     * @param concurrentTrainings {@code cnn.concurrentTrainings}: trainings that may run on this machine at once
     * @param slots               where the machine-wide training slots are ({@link TrainingSlots#defaultDirectory()})
     * @param slotTimeout         how long to wait for a slot ({@code cnn.lockTimeoutMinutes})
     * @param gpus                {@code cnn.gpus}: devices to train on at once; null for all
     * @param spark               {@code cnn.spark.*}: the Spark cluster train and study use; null for this machine
     */
    public record Settings(BackendChoice backend, Integer threads, String argLine, int concurrentTrainings, Path slots,
                           Duration slotTimeout, CudaRuntime cudaRuntime, Integer gpus, SparkSettings spark) {

        /** Settings with one training at a time, this user's slots, the default timeout and the system's CUDA. */
        public Settings(BackendChoice backend, Integer threads, String argLine) {
            this(backend, threads, argLine, 1, TrainingSlots.defaultDirectory(), ProcessLock.DEFAULT_TIMEOUT, CudaRuntime.SYSTEM,
                    null, null);
        }

        /** The thread count for the numeric backend, checked: by default the cores, shared by the trainings at once. */
        public int threadCount() throws InvalidConfigurationException {
            int n = threads != null ? threads
                    : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, concurrentTrainings));
            if (n < 1) {
                throw InvalidConfigurationException.of("cnn.threads", n, "use a positive number of threads");
            }
            return n;
        }

        /** Checks everything that can be checked before any work: threads, slots and the argLine's quoting. */
        public Settings validate() throws InvalidConfigurationException {
            threadCount();
            if (concurrentTrainings < 1) {
                throw InvalidConfigurationException.of("cnn.concurrentTrainings", concurrentTrainings,
                        "use 1 (one training at a time) or more");
            }
            ForkConfiguration.parseArgLine(argLine);
            if (gpus != null && gpus < 1) {
                throw InvalidConfigurationException.of("cnn.gpus", gpus, "use all, or a number of GPUs from 1");
            }
            if (spark != null) {
                spark.checkReachable();
            }
            return this;
        }
    }

    /** The plugin's own classpath, asked for only when a fork runs. */
    @FunctionalInterface
    public interface PluginClasspath {
        List<Path> entries() throws CnnException;
    }

    private final PluginClasspath pluginClasspath;
    private final ArtifactResolver resolver;
    private final Settings settings;
    private final Host host;
    private final Console console;

    public ForkRunner(PluginClasspath pluginClasspath, ArtifactResolver resolver, Settings settings, Console console) {
        this(pluginClasspath, resolver, settings, Host.local(), console);
    }

    /** @param host the machine the backend is chosen for ({@link Host#local()}; tests describe others) */
    public ForkRunner(PluginClasspath pluginClasspath, ArtifactResolver resolver, Settings settings, Host host,
                      Console console) {
        this.pluginClasspath = pluginClasspath;
        this.resolver = resolver;
        this.settings = settings;
        this.host = host;
        this.console = console;
    }

    public Settings settings() {
        return settings;
    }

    /** The context a goal's request carries: the setup's dataset and flags, this runner's threads and devices. */
    public ForkContext context(PreparedDataset prepared, TrainingSetup setup, OutputDirectory output)
            throws InvalidConfigurationException {
        return new ForkContext(prepared, setup.dataset(), output.root(), setup.fresh(), setup.interactive(),
                settings.threadCount(), settings.gpus(), setup.pretrained(), settings.spark());
    }

    /**
     * Hands {@code request} to its entry point in the forked JVM: writes it as
     * {@code <output>/<goal>-request.json} (atomically) and runs the fork on it.
     */
    public void run(OutputDirectory output, String goal, ForkRequest request) throws CnnException {
        run(output, goal, request, List.of());
    }

    /**
     * @param nativeLibraries JavaCPP libraries ({@code groupId:artifactId:version}) whose native jar for the
     *                        chosen backend's platform the fork also needs, such as HDF5 to read a Keras file
     */
    public void run(OutputDirectory output, String goal, ForkRequest request, List<String> nativeLibraries)
            throws CnnException {
        Path requestFile = output.requestFile(goal);
        Json.write(requestFile, request);
        Backend chosen = Backend.select(settings.backend(), host.osName(), host.osArch(), host.nvidiaDriver(), host.cpuFlags(),
                settings.cudaRuntime(), host.systemCudnn());
        console.info("Backend: " + chosen.name() + " (" + chosen.platform() + "), chosen because " + chosen.reason());
        List<Path> classpath = new ArrayList<>(pluginClasspath.entries());
        List<Path> backendJars = chosen.isCuda() ? cudaBackend(output, chosen, classpath) : null;
        if (backendJars == null && chosen.isCuda()) {
            chosen = Backend.cpuFallback(host.osName(), host.osArch(), host.cpuFlags(), "CUDA did not work");
            console.info("Backend: " + chosen.name() + " (" + chosen.platform() + "), chosen because " + chosen.reason());
        }
        classpath.addAll(backendJars != null ? backendJars : resolver.resolve(chosen.coordinates()));
        // the native oneDNN that the plugin's convolutions call (kernels.OneDnnConvolution), unless they are off
        List<String> jvmArguments = ForkConfiguration.parseArgLine(settings.argLine());
        List<String> oneDnn = chosen.oneDnnConvolutionCoordinates(jvmArguments);
        if (!oneDnn.isEmpty()) {
            classpath.addAll(resolver.resolve(oneDnn));
        }
        if (!nativeLibraries.isEmpty()) {
            String platform = chosen.platform();
            classpath.addAll(resolver.resolve(nativeLibraries.stream().map(library -> library + ":" + platform).toList()));
        }
        List<String> options = List.of();
        if (request.trainsOnSpark()) {
            addSpark(classpath);
            options = SparkRuntime.jvmOptions();
        }
        // a training whose batch is split among the threads gives each of its native operations one thread
        int workers = request.batchWorkers(!chosen.isCuda(), BatchSplit.SWITCH.onIn(jvmArguments));
        ForkConfiguration fork = ForkConfiguration.of(classpath, chosen, options, settings.argLine(),
                BatchSplit.nativeThreads(settings.threadCount(), workers), request.forkMain().getName(), goal);
        try (ProcessLock slot = TrainingSlots.acquire(settings.slots(), settings.concurrentTrainings(), "the " + goal + " goal",
                settings.slotTimeout(), console)) {
            ForkedJvm.run(fork, List.of(requestFile.toString()), requestFile.resolveSibling(requestFile.getFileName() + ".args"),
                    console);
        }
    }

    /** dl4j-spark and Spark with their dependencies, after the plugin's own jars (whose versions win). */
    private void addSpark(List<Path> classpath) throws CnnException {
        SparkRuntime runtime = SparkRuntime.load();
        console.info("Spark: training on " + settings.spark().master() + " (cnn.spark.master) with " + runtime.dependencies());
        for (Path jar : resolver.resolveWithDependencies(runtime.dependencies(), runtime.pins(), runtime.exclusions())) {
            if (!classpath.contains(jar)) {
                classpath.add(jar);
            }
        }
    }

    /**
     * Resolves the CUDA backend and proves it works in a short JVM of its own (it loads the libraries
     * and computes on the device), so a machine whose driver cannot run CUDA 11.6 or that lacks its
     * libraries never starts a training that would crash. Returns the backend's jars; with
     * {@code cnn.backend=auto} a failure is one warning naming the cause and null (train on the CPU),
     * with {@code cnn.backend=cuda} it fails the build with the same message.
     */
    private List<Path> cudaBackend(OutputDirectory output, Backend cuda, List<Path> pluginClasspath) throws CnnException {
        String problem;
        try {
            List<Path> jars = resolver.resolve(cuda.coordinates());
            List<Path> classpath = new ArrayList<>(pluginClasspath);
            classpath.addAll(jars);
            Path result = output.root().resolve("cuda-probe.json");
            Path requestFile = output.requestFile("cuda-probe");
            Json.write(requestFile, new ProbeMain.Request(true, result));
            ForkedJvm.run(ForkConfiguration.of(classpath, cuda, settings.argLine(), 1, ProbeMain.class.getName(), "CUDA probe"),
                    List.of(requestFile.toString()), requestFile.resolveSibling(requestFile.getFileName() + ".args"), console);
            DeviceInfo device = Json.read(result, DeviceInfo.class);
            console.info("CUDA works: " + (device == null ? "the probe ran" : device.describe()));
            return jars;
        } catch (CnnException e) {
            problem = cause(e.getMessage());
        }
        String advice = " CUDA 11.6 needs an NVIDIA driver of version 450.80 or later; install CUDA 11.6 and cuDNN 8.3,"
                + (settings.cudaRuntime() == CudaRuntime.BUNDLED ? "" : " or set cnn.cudaRuntime=bundled to have Maven fetch"
                + " NVIDIA's libraries (about 1.8 GB, once),") + " or set cnn.backend=cpu.";
        if (settings.backend() == BackendChoice.CUDA) {
            throw new CnnException("cnn.backend=cuda, but CUDA does not work on this machine: " + problem + "." + advice);
        }
        console.warn("CUDA does not work on this machine, so this build trains on the CPU: " + problem + "." + advice);
        return null;
    }

    /** The part of a failed probe that says why, in words a user can act on. */
    static String cause(String message) {
        String m = message == null ? "unknown" : message;
        if (m.contains("libcudart") || m.contains("jnicudart") || m.contains("cudart")) {
            return "the CUDA 11.6 runtime (libcudart.so.11.0) was not found, so CUDA 11.6 is not installed (" + m + ")";
        }
        if (m.contains("libcudnn")) {
            return "cuDNN 8 was not found (" + m + ")";
        }
        if (m.contains("insufficient for CUDA runtime") || m.contains("cudaErrorInsufficientDriver")) {
            return "the NVIDIA driver is too old for CUDA 11.6 (" + m + ")";
        }
        return m;
    }
}
