package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.report.ReportService;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.nio.file.Path;

/**
 * Writes the self-contained HTML report ({@code report/index.html} in the output directory) from
 * the files the other goals wrote; it never loads DL4J. With no results yet, the page says what is missing.
 */
@Mojo(name = "report", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ReportMojo extends AbstractCnnMojo {

    /** Skips this goal only. */
    @Parameter(property = "cnn.report.skip", defaultValue = "false")
    private boolean skipReport;

    @Override
    protected String goal() {
        return "report";
    }

    @Override
    protected boolean isGoalSkipped() {
        return skipReport;
    }

    @Override
    protected void run() throws CnnException {
        Path report = new ReportService().render(outputDirectory.toPath(), projectName(project));
        getLog().info("Report: " + report);
    }

    static String projectName(org.apache.maven.project.MavenProject project) {
        if (project == null) {
            return "project";
        }
        return project.getName() != null ? project.getName() : project.getArtifactId();
    }
}
