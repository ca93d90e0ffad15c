package io.github.cnnmaven.workflow;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.common.Json;
import io.github.cnnmaven.fork.Backend;
import io.github.cnnmaven.fork.BackendChoice;
import io.github.cnnmaven.fork.ForkConfiguration;
import io.github.cnnmaven.fork.ForkedJvm;
import io.github.cnnmaven.output.OutputDirectory;

import java.nio.file.Path;
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
     * @param threads {@code cnn.threads}; null for every core
     * @param argLine {@code cnn.argLine}
     */
    public record Settings(BackendChoice backend, Integer threads, String argLine) {

        /** The thread count for the numeric backend, checked. */
        public int threadCount() throws InvalidConfigurationException {
            int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            if (n < 1) {
                throw InvalidConfigurationException.of("cnn.threads", n, "use a positive number of threads");
            }
            return n;
        }

        /** Checks everything that can be checked before any work: threads and the argLine's quoting. */
        public Settings validate() throws InvalidConfigurationException {
            threadCount();
            ForkConfiguration.parseArgLine(argLine);
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
    private final Console console;

    public ForkRunner(PluginClasspath pluginClasspath, ArtifactResolver resolver, Settings settings, Console console) {
        this.pluginClasspath = pluginClasspath;
        this.resolver = resolver;
        this.settings = settings;
        this.console = console;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Hands {@code request} to {@code mainClass} in the forked JVM: writes it as
     * {@code <output>/<goal>-request.json} (atomically) and runs the fork on it.
     */
    public void run(OutputDirectory output, String goal, String mainClass, Object request) throws CnnException {
        Path requestFile = output.requestFile(goal);
        Json.write(requestFile, request);
        Backend chosen = Backend.select(settings.backend(), System.getProperty("os.name"), System.getProperty("os.arch"),
                Backend.cudaPresent(), Backend.cpuFlags());
        console.info("Backend: " + chosen.name() + " (" + chosen.platform() + "), chosen because " + chosen.reason());
        List<Path> classpath = new ArrayList<>(pluginClasspath.entries());
        classpath.addAll(resolver.resolve(chosen.coordinates()));
        ForkConfiguration fork = ForkConfiguration.of(classpath, chosen, settings.argLine(), settings.threadCount(), mainClass,
                goal);
        ForkedJvm.run(fork, List.of(requestFile.toString()), requestFile.resolveSibling(requestFile.getFileName() + ".args"),
                console);
    }
}
