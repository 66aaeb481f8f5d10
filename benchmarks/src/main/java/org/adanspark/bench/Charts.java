package org.adanspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The benchmarks' PNG plots, drawn headless with XChart. */
public final class Charts {

    /** Width of one panel in pixels. */
    public static final int PANEL_WIDTH = 640;
    /** Height of one panel in pixels. */
    public static final int PANEL_HEIGHT = 420;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /**
     * @param title the panel title
     * @param xTitle x-axis title
     * @param yTitle y-axis title
     * @return an empty line chart with the benchmarks' style
     */
    public static XYChart lines(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(13f));
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setXAxisDecimalPattern("#,##0.###");
        chart.getStyler().setYAxisDecimalPattern("#,##0.####");
        return chart;
    }

    /**
     * Adds a series of points joined by lines; an empty series is skipped (XChart rejects them).
     *
     * @param chart the chart
     * @param name the legend entry
     * @param x x values
     * @param y y values, as many as x
     */
    public static void series(XYChart chart, String name, double[] x, double[] y) {
        if (x.length > 0) {
            chart.addSeries(name, x, y).setMarker(x.length > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
    }

    /**
     * Adds a series of points with symmetric error bars; points whose value is NaN are left out.
     *
     * @param chart the chart
     * @param name the legend entry
     * @param x x values
     * @param y y values, as many as x
     * @param err half-lengths of the error bars (NaN drawn as none)
     */
    public static void seriesWithErrors(XYChart chart, String name, double[] x, double[] y, double[] err) {
        java.util.List<Integer> keep = java.util.stream.IntStream.range(0, x.length).filter(i -> !Double.isNaN(y[i]))
                .boxed().toList();
        if (keep.isEmpty()) {
            return;
        }
        double[] xs = keep.stream().mapToDouble(i -> x[i]).toArray();
        double[] ys = keep.stream().mapToDouble(i -> y[i]).toArray();
        double[] es = keep.stream().mapToDouble(i -> Double.isNaN(err[i]) ? 0 : err[i]).toArray();
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.addSeries(name, xs, ys, es).setMarker(SeriesMarkers.CIRCLE);
    }

    /**
     * @param title the panel title
     * @param xTitle x-axis title
     * @param yTitle y-axis title
     * @return an empty grouped-bar chart with the benchmarks' style
     */
    public static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(13f));
        return chart;
    }

    /**
     * Saves panels side by side, {@code columns} to a row, as one PNG.
     *
     * @param file the PNG file
     * @param columns panels per row
     * @param panels the charts
     */
    public static void save(Path file, int columns, List<? extends Chart<?, ?>> panels) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            int cols = Math.min(columns, panels.size());
            int rows = (panels.size() + cols - 1) / cols;
            BitmapEncoder.saveBitmap(panels, rows, cols, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            System.out.println("wrote " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + file + ": " + e.getMessage(), e);
        }
    }
}
