package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.TrainingConfig;
import io.github.cnnmaven.fork.Backend;
import io.github.cnnmaven.fork.ForkedJvm;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Goals that run DL4J work (training, evaluation) in the forked JVM with the host's backend. */
public abstract class AbstractForkingMojo extends AbstractDatasetMojo {

    /** auto, cpu or cuda. */
    @Parameter(property = "cnn.backend", defaultValue = "auto")
    protected String backend;

    /** Threads for the numeric backend; all cores by default. */
    @Parameter(property = "cnn.threads")
    protected Integer threads;

    /** JVM options for the forked training JVM, such as -Xmx8g or -Dorg.bytedeco.javacpp.maxbytes=6G. */
    @Parameter(property = "cnn.argLine")
    protected String argLine;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    protected PluginDescriptor plugin;

    @Component
    protected RepositorySystem repositorySystem;

    protected int threadCount() throws InvalidConfigurationException {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw InvalidConfigurationException.of("cnn.threads", n, "use a positive number of threads");
        }
        return n;
    }

    /**
     * Hands {@code request} to {@code mainClass} in the forked JVM: writes it as
     * {@code <output>/<name>-request.json} (atomically) and runs the fork on it.
     */
    protected void fork(String mainClass, String name, Object request) throws CnnException {
        Path requestFile = outputDirectory.toPath().resolve(name + "-request.json");
        try {
            Files.createDirectories(requestFile.getParent());
            AtomicFiles.write(requestFile, tmp -> TrainingConfig.JSON.writeValue(tmp.toFile(), request));
        } catch (IOException e) {
            throw new CnnException("Could not write " + requestFile + ": " + e.getMessage(), e);
        }
        runForked(mainClass, requestFile);
    }

    /** Runs {@code mainClass} in a JVM whose classpath is this plugin plus the backend the host needs. */
    protected void runForked(String mainClass, Path requestFile) throws CnnException {
        Backend chosen = Backend.select(backend, System.getProperty("os.name"), System.getProperty("os.arch"),
                Backend.cudaPresent(), Backend.cpuFlags());
        if (chosen.name().equals("cpu") && "auto".equalsIgnoreCase(backend == null ? "auto" : backend.trim())) {
            getLog().debug("No CUDA driver found; training on the CPU");
        }
        getLog().info("Backend: " + chosen.name() + " (" + chosen.platform() + "), chosen because " + chosen.reason());
        List<Path> classpath = new ArrayList<>(pluginClasspath());
        classpath.addAll(BackendResolver.resolve(chosen, repositorySystem, session, project));
        List<String> options = new ArrayList<>(chosen.jvmOptions());
        String args = argLine == null ? "" : argLine.trim();
        if (!args.contains("-Xmx")) {
            options.add("-Xmx2g");
        }
        if (!args.isEmpty()) {
            options.addAll(Arrays.asList(args.split("\\s+")));
        }
        int n = threadCount();
        ForkedJvm.run(classpath, options, Map.of("OMP_NUM_THREADS", String.valueOf(n)), mainClass,
                List.of(requestFile.toString()), requestFile.resolveSibling(requestFile.getFileName() + ".args"), console());
    }

    private List<Path> pluginClasspath() throws CnnException {
        List<Path> paths = new ArrayList<>();
        for (URL url : plugin.getClassRealm().getURLs()) {
            try {
                paths.add(Path.of(url.toURI()));
            } catch (URISyntaxException e) {
                throw new CnnException("Unexpected plugin classpath entry " + url, e);
            }
        }
        return paths;
    }
}
