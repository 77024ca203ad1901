package dev.embody.episode;

import dev.embody.loop.Latency;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.statistics.HistogramDataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Percentiles of the step latencies episodes recorded, per module and for the loop's own work, and a histogram of them as a PNG. */
public final class LatencyStats {

    private final Map<String, double[]> millis = new LinkedHashMap<>();

    public LatencyStats(List<Latency> latencies) {
        int n = latencies.size();
        for (int p = 0; p < Latency.PARTS.length; p++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = latencies.get(i).asArray()[p] / 1e6;
            }
            Arrays.sort(v);
            millis.put(Latency.PARTS[p], v);
        }
        double[] step = new double[n];
        for (int i = 0; i < n; i++) {
            step[i] = latencies.get(i).decideNanos() / 1e6;
        }
        Arrays.sort(step);
        millis.put("step", step);
    }

    public int count() {
        return millis.get("step").length;
    }

    /** The q-th percentile (0..100) of a part ("gather", "plan", "step" = everything but acting), in milliseconds. */
    public double percentile(String part, double q) {
        double[] v = millis.get(part);
        if (v == null || v.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    /** One line a part: "gather   p50=1.20 ms  p99=2.31 ms  max=3.02 ms". */
    public String table() {
        StringBuilder sb = new StringBuilder();
        for (String part : millis.keySet()) {
            double[] v = millis.get(part);
            sb.append(String.format(Locale.ROOT, "%-8s p50=%7.3f ms  p99=%7.3f ms  max=%7.3f ms%n", part,
                    percentile(part, 50), percentile(part, 99), v.length == 0 ? Double.NaN : v[v.length - 1]));
        }
        return sb.toString();
    }

    /** A histogram of the step's own time and of each module's, written as a PNG. */
    public void writeHistogram(Path png, String title) throws IOException {
        HistogramDataset data = new HistogramDataset();
        for (String part : List.of("step", "capture", "gather", "plan")) {
            double[] v = millis.get(part);
            if (v.length > 0) {
                data.addSeries(part, v, 40);
            }
        }
        JFreeChart chart = ChartFactory.createHistogram(title, "milliseconds", "steps", data, PlotOrientation.VERTICAL, true, false, false);
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
    }
}
