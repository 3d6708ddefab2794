package dev.numbat.bench.runner;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts of benchmark results (JFreeChart, rendered headless). */
public final class Charts {
    /** One colour per engine, the same in every chart: Numbat blue, DuckDB amber, Spark red, cluster green. */
    private static final Map<String, Color> COLOURS = Map.of(
            "numbat", new Color(0x1f77b4),
            "numbat-cluster", new Color(0x2ca02c),
            "numbat-cluster-1", new Color(0x98df8a),
            "numbat-cluster-2", new Color(0x2ca02c),
            "duckdb", new Color(0xff9f1c),
            "spark", new Color(0xd62728));
    private static final Color[] OTHERS = {new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf)};

    private Charts() {
    }

    static {
        // Charts are drawn in memory; there is no display on a server or in CI.
        System.setProperty("java.awt.headless", "true");
    }

    /** Per-query median time of every engine as grouped bars on a log scale, plus the geometric means. */
    public static void tpchBars(TpchReport report, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (TpchReport.QueryResult q : report.queries()) {
            for (String e : report.engines()) {
                double ms = q.of(e).median();
                // A failed or wrong query gets no bar: nothing to compare.
                data.addValue(Double.isNaN(ms) ? null : ms, e, "Q" + q.query());
                if (!Double.isNaN(ms)) {
                    min = Math.min(min, ms);
                    max = Math.max(max, ms);
                }
            }
        }
        for (String e : report.engines()) {
            double g = report.geomean(e);
            data.addValue(Double.isNaN(g) ? null : g, e, "geomean");
        }
        LogAxis axis = logAxis("median time, ms (log scale)", min, max);
        CategoryAxis queries = new CategoryAxis();
        queries.setMaximumCategoryLabelWidthRatio(1.5f);
        queries.setCategoryMargin(0.15);
        queries.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.02);
        // Bars start at the axis' lower bound: on a log axis there is no zero to start from.
        bars.setBase(axis.getLowerBound());
        colour(report.engines(), bars::setSeriesPaint);
        CategoryPlot plot = new CategoryPlot(data, queries, axis, bars);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        String title = "TPC-H SF " + report.env().getOrDefault("scale factor", "?") + ", "
                + report.env().getOrDefault("threads", "?") + " threads: median per query (lower is faster)";
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1400, 600);
    }

    /**
     * Lines of time against scale factor, both on log scales.
     *
     * @param series a line per name, each a list of (scale factor, milliseconds) points
     */
    public static void scaling(String title, Map<String, List<double[]>> series, Path png) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
            XYSeries xy = new XYSeries(s.getKey());
            for (double[] p : s.getValue()) {
                if (!Double.isNaN(p[1])) {
                    xy.add(p[0], p[1]);
                }
            }
            data.addSeries(xy);
        }
        double xmin = Double.MAX_VALUE;
        double xmax = 0;
        double ymin = Double.MAX_VALUE;
        double ymax = 0;
        for (List<double[]> points : series.values()) {
            for (double[] p : points) {
                if (!Double.isNaN(p[1])) {
                    xmin = Math.min(xmin, p[0]);
                    xmax = Math.max(xmax, p[0]);
                    ymin = Math.min(ymin, p[1]);
                    ymax = Math.max(ymax, p[1]);
                }
            }
        }
        LogAxis x = logAxis("scale factor (log scale)", xmin, xmax);
        LogAxis y = logAxis("time, ms (log scale)", ymin, ymax);
        // Points, unlike bars, need a margin to be seen whole at the ends of the axes.
        if (xmax > 0) {
            x.setRange(xmin / 1.4, xmax * 1.4);
            y.setRange(Math.max(y.getLowerBound(), ymin / 1.4), Math.min(y.getUpperBound(), ymax * 1.4));
        }
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        List<String> names = List.copyOf(series.keySet());
        for (int i = 0; i < names.size(); i++) {
            lines.setSeriesStroke(i, new BasicStroke(2f));
        }
        colour(names, lines::setSeriesPaint);
        XYPlot plot = new XYPlot(data, x, y, lines);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 650);
    }

    /** Engines get their fixed colours; other series (queries) keep JFreeChart's default palette. */
    private static void colour(List<String> names, java.util.function.BiConsumer<Integer, Color> paint) {
        boolean engines = names.stream().allMatch(COLOURS::containsKey) || names.size() <= OTHERS.length;
        if (!engines) {
            return;
        }
        int other = 0;
        for (int i = 0; i < names.size(); i++) {
            Color c = COLOURS.get(names.get(i));
            paint.accept(i, c != null ? c : OTHERS[other++ % OTHERS.length]);
        }
    }

    /** A base-10 log axis from the decade below {@code min} to the decade above {@code max}, plain tick labels. */
    private static LogAxis logAxis(String label, double min, double max) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setSmallestValue(1e-6);
        if (min == Double.MAX_VALUE) {
            min = 1;
            max = 10;
        }
        double lo = Math.pow(10, Math.floor(Math.log10(min)));
        double hi = Math.pow(10, Math.ceil(Math.log10(max) - 1e-9));
        axis.setRange(lo, Math.max(hi, lo * 10));
        // Ticks at every decade, labelled as plain numbers (0.1, 1, 10, 100, 1,000) rather than powers.
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        return axis;
    }
}
