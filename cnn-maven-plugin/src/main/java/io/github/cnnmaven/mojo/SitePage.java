package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.AtomicFiles;
import org.apache.maven.doxia.sink.Sink;
import org.apache.maven.doxia.sink.SinkEventAttributes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The CNN report as a page of the Maven site, drawn through Doxia so it takes the site's skin: the
 * summary, the gate, the training curves, the confusion matrix and the misclassified images, from the
 * same model the standalone report renders. Charts and thumbnails become files beside the page
 * ({@code cnn/}), which Doxia links as figures; the standalone report is linked too.
 */
final class SitePage {

    private final Sink sink;
    private final Path siteDirectory;

    /** @param siteDirectory {@code target/site/cnn}: where the figures go */
    SitePage(Sink sink, Path siteDirectory) {
        this.sink = sink;
        this.siteDirectory = siteDirectory;
    }

    @SuppressWarnings("unchecked")
    void render(String name, Map<String, Object> model) throws IOException {
        sink.head();
        sink.title();
        sink.text(name);
        sink.title_();
        sink.head_();
        sink.body();
        sink.section1();
        sink.sectionTitle1();
        sink.text(String.valueOf(model.get("title")));
        sink.sectionTitle1_();
        paragraph("Training, test metrics and the accuracy gate of " + model.get("project") + ". ");
        sink.paragraph();
        sink.link("cnn/index.html");
        sink.text("The standalone report");
        sink.link_();
        sink.text(" holds every section, the hyperparameters and the model's layers too.");
        sink.paragraph_();
        List<String> missing = (List<String>) model.get("missing");
        if (missing != null && !missing.isEmpty()) {
            paragraph("Not available yet:");
            sink.list();
            for (String m : missing) {
                sink.listItem();
                sink.text(m);
                sink.listItem_();
            }
            sink.list_();
        }
        table("Summary", List.of("", ""), rows((List<Map<String, String>>) model.get("summary"), "name", "value"));
        Map<String, Object> gate = (Map<String, Object>) model.get("gate");
        if (gate != null) {
            table("Accuracy gate: " + gate.get("verdict"), List.of("rule", "actual", "expected", "outcome", "message"),
                    rows((List<Map<String, String>>) gate.get("rules"), "rule", "actual", "expected", "passed", "message"));
        }
        List<Map<String, String>> baseline = (List<Map<String, String>>) model.get("baseline");
        if (baseline != null && !baseline.isEmpty()) {
            table("Compared with the baseline", List.of("metric", "baseline", "now", "change"),
                    rows(baseline, "metric", "baseline", "now", "change"));
        }
        List<Map<String, String>> charts = (List<Map<String, String>>) model.get("charts");
        if (charts != null && !charts.isEmpty()) {
            section("Training curves");
            for (Map<String, String> chart : charts) {
                figure("chart-" + chart.get("id") + ".svg", chart.get("svg").getBytes(StandardCharsets.UTF_8), chart.get("id"));
            }
            sink.section2_();
        }
        Map<String, Object> confusion = (Map<String, Object>) model.get("confusion");
        if (confusion != null) {
            confusion((List<String>) confusion.get("classes"), (List<Map<String, Object>>) confusion.get("rows"));
        }
        List<Map<String, String>> wrong = (List<Map<String, String>>) model.get("misclassified");
        if (wrong != null && !wrong.isEmpty()) {
            section("Misclassified test images: " + model.get("misclassifiedShown") + " of " + model.get("misclassifiedCount")
                    + ", the most confident mistakes first");
            for (Map<String, String> w : wrong) {
                String data = w.get("src").substring(w.get("src").indexOf(',') + 1);
                figure("misclassified-" + w.get("index") + ".png", Base64.getDecoder().decode(data),
                        "#" + w.get("index") + " " + w.get("label") + " → " + w.get("predicted") + " (" + w.get("confidence") + ")");
            }
            sink.section2_();
        }
        sink.section1_();
        sink.body_();
        sink.flush();
    }

    private void confusion(List<String> classes, List<Map<String, Object>> rows) {
        section("Confusion matrix (rows: true class, columns: predicted)");
        sink.table();
        sink.tableRows();
        sink.tableRow();
        sink.tableHeaderCell();
        sink.tableHeaderCell_();
        for (String c : classes) {
            header(c);
        }
        sink.tableRow_();
        for (Map<String, Object> row : rows) {
            sink.tableRow();
            header(String.valueOf(row.get("label")));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> cells = (List<Map<String, Object>>) row.get("cells");
            for (Map<String, Object> cell : cells) {
                Attributes style = new Attributes();
                style.addAttribute(SinkEventAttributes.STYLE, cell.get("style") + ";text-align:center");
                sink.tableCell(style);
                sink.text(String.valueOf(cell.get("value")));
                sink.tableCell_();
            }
            sink.tableRow_();
        }
        sink.tableRows_();
        sink.table_();
        sink.section2_();
    }

    private void figure(String file, byte[] content, String caption) throws IOException {
        Files.createDirectories(siteDirectory);
        Path target = siteDirectory.resolve(file);
        AtomicFiles.write(target, tmp -> Files.write(tmp, content));
        sink.figure();
        sink.figureGraphics("cnn/" + file);
        sink.figureCaption();
        sink.text(caption);
        sink.figureCaption_();
        sink.figure_();
    }

    private void table(String title, List<String> headers, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        section(title);
        sink.table();
        sink.tableRows();
        if (headers.stream().anyMatch(h -> !h.isEmpty())) {
            sink.tableRow();
            headers.forEach(this::header);
            sink.tableRow_();
        }
        for (List<String> row : rows) {
            sink.tableRow();
            for (String cell : row) {
                sink.tableCell();
                sink.text(cell);
                sink.tableCell_();
            }
            sink.tableRow_();
        }
        sink.tableRows_();
        sink.table_();
        sink.section2_();
    }

    private static List<List<String>> rows(List<Map<String, String>> maps, String... keys) {
        if (maps == null) {
            return List.of();
        }
        return maps.stream().map(m -> java.util.Arrays.stream(keys).map(k -> String.valueOf(m.getOrDefault(k, ""))).toList())
                .toList();
    }

    private void section(String title) {
        sink.section2();
        sink.sectionTitle2();
        sink.text(title);
        sink.sectionTitle2_();
    }

    private void header(String text) {
        sink.tableHeaderCell();
        sink.text(text);
        sink.tableHeaderCell_();
    }

    /** Attributes of a sink event (doxia-core's own set is not on a report plugin's classpath). */
    private static final class Attributes extends javax.swing.text.SimpleAttributeSet implements SinkEventAttributes {
        private static final long serialVersionUID = 1L;
    }

    private void paragraph(String text) {
        sink.paragraph();
        sink.text(text);
        sink.paragraph_();
    }
}
