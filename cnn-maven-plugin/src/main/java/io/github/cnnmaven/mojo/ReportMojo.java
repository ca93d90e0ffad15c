package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.ProcessLock;
import io.github.cnnmaven.report.ReportService;
import org.apache.maven.doxia.sink.Sink;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.reporting.MavenReport;
import org.apache.maven.reporting.MavenReportException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The HTML report, both ways (as jacoco's report serves both): run as a goal it writes the
 * self-contained {@code report/index.html} into the output directory; in {@code mvn site} it adds
 * a "CNN report" page under Project Reports that links a copy of that report. It reads the files
 * the other goals wrote and never loads DL4J; with no results yet it says what is missing.
 */
@Mojo(name = "report", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ReportMojo extends AbstractCnnMojo implements MavenReport {

    /** Where the site report's page is written (set by maven-site-plugin). */
    @Parameter(defaultValue = "${project.reporting.outputDirectory}", readonly = true, required = true)
    private File siteOutputDirectory;

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
        try (ProcessLock lock = output().lock("report", console())) {
            getLog().info("Report: " + new ReportService().render(outputDirectory.toPath(), projectName()));
        }
    }

    // ---- mvn site ---------------------------------------------------------------------------

    @Override
    public void generate(Sink sink, Locale locale) throws MavenReportException {
        try {
            // The self-contained report goes beside the page, so the site carries it (no link into target/).
            ReportService.Page page = new ReportService().page(outputDirectory.toPath(), projectName());
            Path site = siteOutputDirectory.toPath().resolve("cnn");
            Files.createDirectories(site);
            AtomicFiles.writeString(site.resolve("index.html"), page.html());
            new SitePage(sink, site).render(getName(locale), page.model());
        } catch (CnnException | IOException e) {
            throw new MavenReportException("Could not render the CNN report: " + e.getMessage(), e);
        }
    }

    @Override
    public String getOutputName() {
        return "cnn-report";
    }

    @Override
    public String getCategoryName() {
        return CATEGORY_PROJECT_REPORTS;
    }

    @Override
    public String getName(Locale locale) {
        return "CNN report";
    }

    @Override
    public String getDescription(Locale locale) {
        return "Training curves, test metrics, confusion matrix and accuracy gate of the CNN.";
    }

    @Override
    public void setReportOutputDirectory(File directory) {
        siteOutputDirectory = directory;
    }

    @Override
    public File getReportOutputDirectory() {
        return siteOutputDirectory;
    }

    @Override
    public boolean isExternalReport() {
        return false;
    }

    /** Always: without results the page says what is missing rather than failing the site. */
    @Override
    public boolean canGenerateReport() {
        return true;
    }
}
