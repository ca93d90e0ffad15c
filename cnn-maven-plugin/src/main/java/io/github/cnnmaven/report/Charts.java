package io.github.cnnmaven.report;

import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Line charts drawn by XChart and exported as SVG, to be inlined in the report. */
final class Charts {

    /** One named line. */
    record Series(String name, List<? extends Number> x, List<? extends Number> y) {
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};

    private Charts() {
    }

    static String lineChart(String title, String xTitle, String yTitle, List<Series> series, boolean logX,
                            Double markerX, String markerName) throws IOException {
        return lineChart(title, xTitle, yTitle, series, logX, markerX, markerName, null, null);
    }

    /** @param yMin, yMax a fixed y range (accuracy from 0 to 1, so a small change does not look dramatic); null to fit */
    static String lineChart(String title, String xTitle, String yTitle, List<Series> series, boolean logX,
                            Double markerX, String markerName, Double yMin, Double yMax) throws IOException {
        XYChart chart = new XYChartBuilder().width(560).height(320).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler style = chart.getStyler();
        if (yMin != null) {
            style.setYAxisMin(yMin);
        }
        if (yMax != null) {
            style.setYAxisMax(yMax);
        }
        style.setLegendPosition(Styler.LegendPosition.InsideNE);
        style.setXAxisLogarithmic(logX);
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotGridLinesColor(new Color(0xe6e6e6));
        style.setSeriesColors(PALETTE);
        style.setMarkerSize(4);
        style.setAntiAlias(true);
        for (Series one : series) {
            if (one.x().isEmpty()) {
                continue;
            }
            XYSeries line = chart.addSeries(one.name(), one.x(), one.y());
            line.setMarker(one.x().size() > 30 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        if (markerX != null) {
            double min = series.stream().flatMap(x -> x.y().stream()).mapToDouble(Number::doubleValue).filter(Double::isFinite).min().orElse(0);
            double max = series.stream().flatMap(x -> x.y().stream()).mapToDouble(Number::doubleValue).filter(Double::isFinite).max().orElse(1);
            XYSeries marker = chart.addSeries(markerName, List.of(markerX, markerX), List.of(min, max));
            marker.setMarker(SeriesMarkers.NONE);
            marker.setLineColor(new Color(0xd62728));
        }
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String text = svg.toString(StandardCharsets.UTF_8);
        // Inline SVG: drop the XML prolog and doctype, which are not allowed inside HTML.
        int start = text.indexOf("<svg");
        return start < 0 ? text : text.substring(start);
    }
}
