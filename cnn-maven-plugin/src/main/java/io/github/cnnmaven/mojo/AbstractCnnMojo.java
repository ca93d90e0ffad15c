package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.output.OutputDirectory;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What every goal shares: one {@code cnn.skip} switch for all goals plus one per goal, the output
 * directory, and the translation of service failures into Maven's exceptions. Subclasses only map
 * parameters onto a service call.
 */
public abstract class AbstractCnnMojo extends AbstractMojo {

    /** Skips every goal of this plugin. */
    @Parameter(property = "cnn.skip", defaultValue = "false")
    private boolean skip;

    /** Where the goals write and read their hand-off files (model, history, evaluation, report). */
    @Parameter(property = "cnn.outputDirectory", defaultValue = "${project.build.directory}/cnn")
    protected File outputDirectory;

    /** How long a goal waits for another build that uses the same output directory before it fails. */
    @Parameter(property = "cnn.lockTimeoutMinutes", defaultValue = "120")
    private int lockTimeoutMinutes = 120;

    /**
     * Whether an unknown {@code -Dcnn.*} property or POM parameter fails the build (the default: a typo
     * would otherwise leave the next build "up to date" with the change silently ignored) or only warns.
     */
    @Parameter(property = "cnn.strictProperties", defaultValue = "true")
    private boolean strictProperties = true;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    protected PluginDescriptor plugin;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true)
    private MojoExecution mojoExecution;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    protected MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping " + goal() + ": cnn.skip is set");
            return;
        }
        if (isGoalSkipped()) {
            getLog().info("Skipping " + goal() + ": cnn." + goal() + ".skip is set");
            return;
        }
        checkConfiguration();
        try {
            run();
        } catch (CnnException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }

    private void checkConfiguration() throws MojoExecutionException {
        if (plugin == null || plugin.getMojos() == null) {
            return; // not run by Maven (the testing harness)
        }
        List<String> problems = ConfigurationCheck.problems(plugin, project,
                mojoExecution == null ? null : mojoExecution.getExecutionId(),
                session == null ? null : session.getUserProperties(), session == null ? null : session.getSystemProperties());
        if (problems.isEmpty()) {
            return;
        }
        if (!strictProperties) {
            problems.forEach(getLog()::warn);
            return;
        }
        problems.forEach(getLog()::error);
        throw new MojoExecutionException(problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1)
                + " more above)" : "") + " (cnn.strictProperties=false only warns)");
    }

    /** The goal name, as in {@code cnn:<goal>}. */
    protected abstract String goal();

    /** Whether this goal's own {@code cnn.<goal>.skip} is set. */
    protected abstract boolean isGoalSkipped();

    protected abstract void run() throws CnnException, MojoFailureException;

    protected boolean isOffline() {
        return session != null && session.isOffline();
    }

    /** Whether a person watches (not {@code -B}): then long operations log intermediate progress. */
    protected boolean isInteractive() {
        return session != null && session.getRequest() != null && session.getRequest().isInteractiveMode();
    }

    /** Maven's log as the services' {@link Console}. */
    protected Console console() {
        Log log = getLog();
        return Console.of(log::info, log::warn, log::error, log::debug);
    }

    protected OutputDirectory output() {
        return new OutputDirectory(outputDirectory.toPath(), lockTimeout());
    }

    /** {@code cnn.lockTimeoutMinutes}: how long a goal waits for another build's lock. */
    protected Duration lockTimeout() {
        return Duration.ofMinutes(lockTimeoutMinutes);
    }

    /** What the report is titled by. */
    protected String projectName() {
        if (project == null) {
            return "project";
        }
        return project.getName() != null ? project.getName() : project.getArtifactId();
    }

    /** A path as users see it in messages: relative to the project when inside it. */
    protected String display(Path file) {
        Path base = project != null && project.getBasedir() != null ? project.getBasedir().toPath() : null;
        return base != null && file.startsWith(base) ? base.relativize(file).toString().replace('\\', '/') : file.toString();
    }
}
