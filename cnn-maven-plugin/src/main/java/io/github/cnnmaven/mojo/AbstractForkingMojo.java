package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.config.Choice;
import io.github.cnnmaven.fork.BackendChoice;
import io.github.cnnmaven.workflow.ForkRunner;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Goals that run DL4J work (training, evaluation) in the forked JVM with the host's backend. */
public abstract class AbstractForkingMojo extends AbstractDatasetMojo {

    /** auto, cpu or cuda. */
    @Parameter(property = "cnn.backend", defaultValue = "auto")
    protected String backend;

    /** Threads for the numeric backend; all cores by default. */
    @Parameter(property = "cnn.threads")
    protected Integer threads;

    /** JVM options for the forked training JVM, such as -Xmx8g or -Dorg.bytedeco.javacpp.maxbytes=6G; quotes group words. */
    @Parameter(property = "cnn.argLine")
    protected String argLine;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    protected PluginDescriptor plugin;

    @Component
    protected RepositorySystem repositorySystem;

    /** Runs forks with this plugin's classes plus the backend resolved through Maven. */
    protected ForkRunner forks() throws CnnException {
        return new ForkRunner(this::pluginClasspath, new BackendResolver(repositorySystem, session, project), forkSettings(),
                console());
    }

    protected ForkRunner.Settings forkSettings() throws InvalidConfigurationException {
        return new ForkRunner.Settings(Choice.parse(BackendChoice.class, backend == null ? "auto" : backend, "cnn.backend"),
                threads, argLine);
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
