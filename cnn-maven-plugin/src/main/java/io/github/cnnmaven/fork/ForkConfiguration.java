package io.github.cnnmaven.fork;

import io.github.cnnmaven.common.InvalidConfigurationException;
import org.codehaus.plexus.util.cli.CommandLineUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the forked JVM is started, as an immutable value (the role of surefire's ForkConfiguration):
 * its classpath, JVM options, environment and main class, and the goal it works for (named in errors).
 */
public record ForkConfiguration(List<Path> classpath, List<String> jvmOptions, Map<String, String> environment,
                                String mainClass, String goal) {

    /** The heap the fork gets unless {@code cnn.argLine} sets one. */
    static final String DEFAULT_HEAP = "-Xmx2g";

    /**
     * The young generation the fork gets unless {@code cnn.argLine} sizes it: the arrays live in native memory and
     * the Java heap holds little, but G1 sized the young generation by its pause goal and moved the new objects
     * through a few hundred MB of the heap, all of which stayed resident. Capped, the training JVM's peak RSS fell
     * from 687-695 to 571-580 MB on alexnet-cifar and from 915-946 to 806-807 MB on resnet20, at the same speed
     * (docs/benchmarks.md). Not for Spark, whose executors keep their data on the heap.
     */
    public static final String YOUNG_GENERATION = "-Xmn64m";

    public ForkConfiguration {
        classpath = List.copyOf(classpath);
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
    }

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * The fork for {@code mainClass} with the backend's classpath and options, {@code cnn.argLine}
     * after them (so the user's options win), and the thread count for the numeric backend.
     */
    public static ForkConfiguration of(List<Path> classpath, Backend backend, String argLine, int threads, String mainClass,
                                       String goal) throws InvalidConfigurationException {
        return of(classpath, backend, List.of(), argLine, threads, mainClass, goal);
    }

    /** The same, with {@code extraOptions} (such as Spark's) after the backend's and before the user's. */
    public static ForkConfiguration of(List<Path> classpath, Backend backend, List<String> extraOptions, String argLine,
                                       int threads, String mainClass, String goal) throws InvalidConfigurationException {
        List<String> user = parseArgLine(argLine);
        List<String> options = new ArrayList<>(backend.jvmOptions());
        options.addAll(extraOptions);
        if (user.stream().noneMatch(o -> o.startsWith("-Xmx"))) {
            options.add(DEFAULT_HEAP);
        }
        if (extraOptions.isEmpty() && user.stream().noneMatch(ForkConfiguration::sizesYoungGeneration)) {
            options.add(YOUNG_GENERATION);
        }
        // the plugin's Java kernels (batch norm, ReLU) split their work on the common pool: the calling thread and
        // its workers together as many as the native backend's threads, so cnn.threads bounds the whole training
        options.add("-D" + COMMON_POOL_PARALLELISM + "=" + Math.max(0, threads - 1));
        options.addAll(user);
        return new ForkConfiguration(classpath, options, environment(backend, threads), mainClass, goal);
    }

    private static boolean sizesYoungGeneration(String option) {
        return option.startsWith("-Xmn") || option.startsWith("-XX:NewSize") || option.startsWith("-XX:MaxNewSize")
                || option.startsWith("-XX:NewRatio");
    }

    /**
     * glibc's allocator variable for the size from which a block is a mapping of its own, unmapped when freed. glibc
     * starts at 128 KB and raises it to the size of each large block freed, up to 32 MB, so later blocks of that size
     * come from its heaps and stay resident after {@code free} until a trim. DL4J's first steps allocate every array
     * outside the workspaces while those learn their sizes, then allocate the workspaces: resnet20's training JVM
     * peaked at 1.1-1.7 GB in those seconds against 0.8 GB after them. With 1 MB its peak was 0.94-1.07 GB, and the
     * throughput moved by less than the noise (docs/benchmarks.md). Ignored where the C library is not glibc.
     */
    static final String MMAP_THRESHOLD = "MALLOC_MMAP_THRESHOLD_";
    static final String MMAP_THRESHOLD_BYTES = String.valueOf(1 << 20);

    /**
     * OpenMP's variable for what its idle threads do: PASSIVE makes them sleep at once instead of spinning for a while
     * after each parallel loop of libnd4j's. Spinning, they held the other core while the plugin's Java kernels and
     * DL4J's Java code between two native operations ran: alexnet-cifar's inference ran at 3,127-3,400 images/s
     * against 3,787-4,209 passive, alternating; resnet20's inference and training on all the threads moved by
     * less than the noise (docs/benchmarks.md). A training whose batch is split among one-threaded workers has no
     * idle OpenMP threads to begin with.
     */
    static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";

    /**
     * The forked JVM's environment: the backend's variables, glibc's {@link #MMAP_THRESHOLD}, OpenMP's
     * {@link #OMP_WAIT_POLICY}, and the numeric backend's thread count. A variable the user set in Maven's
     * environment wins (the fork inherits it).
     */
    public static Map<String, String> environment(Backend backend, int threads) {
        Map<String, String> environment = new HashMap<>(backend.environment());
        environment.put(MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
        environment.put(OMP_WAIT_POLICY, "PASSIVE");
        environment.keySet().removeIf(name -> System.getenv(name) != null);
        environment.put("OMP_NUM_THREADS", String.valueOf(threads));
        return environment;
    }

    /**
     * Splits {@code cnn.argLine} as a shell would, quotes respected, so {@code -Dx="a b"} stays one
     * option with the value {@code a b} (plexus-utils' tokenizer, as Maven's own plugins use).
     */
    public static List<String> parseArgLine(String argLine) throws InvalidConfigurationException {
        if (argLine == null || argLine.isBlank()) {
            return List.of();
        }
        try {
            return Arrays.stream(CommandLineUtils.translateCommandline(argLine.trim())).filter(s -> !s.isEmpty()).toList();
        } catch (Exception e) { // plexus-utils declares Exception; it throws for an unbalanced quote
            throw InvalidConfigurationException.of("cnn.argLine", argLine, "close every quote (" + e.getMessage() + ")");
        }
    }
}
