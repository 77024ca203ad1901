package dev.embody.episode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.loop.Frame;
import dev.embody.loop.Latency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a replay found, for people and for scripts: report.html (one self-contained page: figures, a timeline of steps,
 * what each module produced, thumbnails of the frames at corrections and disagreements, the latency histogram, all
 * inlined), report.json (the same figures and every step's decisions) and latency.png beside them.
 */
public final class ReplayReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String HTML = "report.html";
    public static final String JSON_FILE = "report.json";
    public static final String LATENCY_PNG = "latency.png";

    /** An episode that could not be replayed, and why. */
    public record Failure(String episode, String message) {
    }

    /** The whole replay in figures. */
    public record Totals(int episodes, int steps, int agreeing, int decided, int correctionsAgreeing, int corrections,
                         double wallSeconds, double targetSeconds, LatencyStats latency, int failed, int failedCompared) {

        public static Totals of(List<Replay.Result> results) {
            int steps = 0, agreeing = 0, decided = 0, ca = 0, c = 0, failed = 0, failedCompared = 0;
            double wall = 0, target = 0;
            List<Latency> all = new ArrayList<>();
            for (Replay.Result r : results) {
                steps += r.steps().size();
                agreeing += r.agreeing();
                decided += r.decided();
                ca += r.correctionsAgreeing();
                c += r.corrections();
                failed += r.failed().size();
                failedCompared += r.failedCompared();
                wall += r.wallSeconds();
                target += replayedTargetSeconds(r);
                all.addAll(r.latencies());
            }
            return new Totals(results.size(), steps, agreeing, decided, ca, c, wall, target, new LatencyStats(all), failed, failedCompared);
        }

        public double agreement() {
            return decided == 0 ? Double.NaN : agreeing / (double) decided;
        }

        public double correctionAgreement() {
            return corrections == 0 ? Double.NaN : correctionsAgreeing / (double) corrections;
        }

        public double stepsPerSecond() {
            return wallSeconds <= 0 ? Double.NaN : steps / wallSeconds;
        }

        /** Episode time on the target's clock over replay time. */
        public double speedRatio() {
            return wallSeconds <= 0 ? Double.NaN : targetSeconds / wallSeconds;
        }
    }

    private ReplayReport() {
    }

    /** The target-clock span of what was replayed: the whole episode, or up to where a cut-off replay stopped. */
    public static double replayedTargetSeconds(Replay.Result r) {
        RecordedEpisode e = r.episode();
        // failed steps that were passed over do not shorten it: only a video that ran out does
        if (r.steps().size() == e.steps().size() || r.warning() == null) {
            return e.targetSeconds();
        }
        if (r.steps().isEmpty()) {
            return 0;
        }
        long first = e.steps().stream().filter(RecordedStep::observed).findFirst().orElseThrow().targetNanos();
        return (r.steps().get(r.steps().size() - 1).recorded().targetNanos() - first) / 1e9;
    }

    /** p50 and p99 of each module's latency as bars: a histogram of all parts is dominated by a few warm-up outliers. */
    static void writeLatencyChart(Path png, LatencyStats stats) throws IOException {
        org.jfree.data.category.DefaultCategoryDataset data = new org.jfree.data.category.DefaultCategoryDataset();
        for (String part : parts()) {
            data.addValue(stats.percentile(part, 50), "p50", part);
            data.addValue(stats.percentile(part, 99), "p99", part);
        }
        org.jfree.chart.JFreeChart chart = org.jfree.chart.ChartFactory.createBarChart(
                String.format(Locale.ROOT, "replay: per-module latency over %d steps", stats.count()), "module", "milliseconds", data,
                org.jfree.chart.plot.PlotOrientation.VERTICAL, true, false, false);
        var plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        var renderer = (org.jfree.chart.renderer.category.BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        renderer.setSeriesPaint(0, new java.awt.Color(47, 127, 216));
        renderer.setSeriesPaint(1, new java.awt.Color(240, 160, 32));
        renderer.setDefaultItemLabelGenerator(new org.jfree.chart.labels.StandardCategoryItemLabelGenerator("{2}", new java.text.DecimalFormat("0.0")));
        renderer.setDefaultItemLabelsVisible(true);
        org.jfree.chart.ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 420);
    }

    /** "0.917" or "n/a" where there was nothing to agree on. */
    public static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Writes report.html, report.json and latency.png into {@code out}; returns the HTML page. */
    public static Path write(Path out, List<Replay.Result> results, List<Failure> failures, Map<String, String> header) throws IOException {
        Files.createDirectories(out);
        Totals totals = Totals.of(results);
        Path png = out.resolve(LATENCY_PNG);
        if (totals.latency().count() > 0) {
            writeLatencyChart(png, totals.latency());
        }
        Files.writeString(out.resolve(JSON_FILE), JSON.writeValueAsString(json(results, failures, header, totals)), StandardCharsets.UTF_8);
        Path html = out.resolve(HTML);
        Files.writeString(html, ReplayPage.html(results, failures, header, totals, Files.isRegularFile(png) ? Files.readAllBytes(png) : null), StandardCharsets.UTF_8);
        return html;
    }

    static ObjectNode json(List<Replay.Result> results, List<Failure> failures, Map<String, String> header, Totals t) {
        ObjectNode root = JSON.createObjectNode();
        root.put("created", Instant.now().toString());
        header.forEach(root::put);
        ObjectNode tot = root.putObject("totals");
        tot.put("episodes", t.episodes()).put("steps", t.steps());
        num(tot, "agreement", t.agreement());
        tot.put("agreeing", t.agreeing()).put("decided", t.decided());
        num(tot, "correction_agreement", t.correctionAgreement());
        tot.put("corrections_agreeing", t.correctionsAgreeing()).put("corrections", t.corrections());
        tot.put("failed_steps", t.failed()).put("failed_compared", t.failedCompared());
        num(tot, "steps_per_s", t.stepsPerSecond());
        num(tot, "replay_s", t.wallSeconds());
        num(tot, "target_s", t.targetSeconds());
        num(tot, "speed_ratio", t.speedRatio());
        latency(tot.putObject("latency_ms"), t.latency());
        ArrayNode eps = root.putArray("episodes");
        for (Replay.Result r : results) {
            RecordedEpisode e = r.episode();
            ObjectNode n = eps.addObject();
            n.put("id", e.id()).put("dir", e.dir().toString()).put("target", e.meta().path("target").asText());
            for (String f : List.of("seed", "difficulty", "goal", "policy", "outcome", "skills_version")) {
                if (e.meta().has(f)) {
                    n.set(f.equals("policy") ? "recorded_policy" : f.equals("outcome") ? "recorded_outcome" : f, e.meta().get(f));
                }
            }
            n.put("replay_policy", r.policy());
            if (r.warning() != null) {
                n.put("warning", r.warning());
            }
            n.put("recorded_steps", e.steps().size()).put("steps", r.steps().size());
            num(n, "agreement", r.agreement());
            n.put("agreeing", r.agreeing()).put("decided", r.decided());
            num(n, "correction_agreement", r.correctionAgreement());
            n.put("corrections_agreeing", r.correctionsAgreeing()).put("corrections", r.corrections());
            // failed when recorded: compared where a command had been decided, and replayed where a frame had come
            n.put("failed_steps", r.failed().size()).put("failed_compared", r.failedCompared());
            ArrayNode failed = n.putArray("failed");
            for (RecordedStep f : r.failed()) {
                // compared where a command had been decided; one that failed before that is passed over
                failed.addObject().put("step", f.step()).put("failed_at", f.failedAt()).put("error", f.error())
                        .put("recorded", f.commandText()).put("compared", f.decided());
            }
            ObjectNode mods = n.putObject("module_agreement");
            Replay.MODULES.forEach(m -> num(mods, m, r.moduleAgreement(m)));
            num(n, "steps_per_s", r.stepsPerSecond());
            num(n, "replay_s", r.wallSeconds());
            num(n, "target_s", replayedTargetSeconds(r));
            latency(n.putObject("latency_ms"), new LatencyStats(r.latencies()));
            ArrayNode steps = n.putArray("decisions");
            for (Replay.StepReplay s : r.steps()) {
                steps.add(decision(s));
            }
        }
        ArrayNode bad = root.putArray("errors");
        failures.forEach(f -> bad.addObject().put("episode", f.episode()).put("error", f.message()));
        return root;
    }

    /** One step's decision record: everything but timings, so two replays of the same thing compare equal. */
    public static ObjectNode decision(Replay.StepReplay s) {
        RecordedStep rec = s.recorded();
        ObjectNode d = JSON.createObjectNode();
        d.put("step", rec.step()).put("frame", rec.frame()).put("target_ms", rec.targetNanos() / 1e6);
        d.put("scene", s.scene()).put("reflection", s.reflection()).put("task", s.task());
        d.put("candidates", s.candidates().size());
        d.put("recorded", rec.commandText()).put("recorded_by", rec.by());
        if (rec.failed()) {
            d.put("failed_at", rec.failedAt()).put("error", rec.error());
        }
        if (rec.corrected()) {
            d.put("correction", rec.correction());
            if (rec.policyWanted() != null) {
                d.put("policy_wanted", rec.policyWanted().toString());
            }
        }
        d.put("replayed", String.valueOf(s.replayed())).put("replayed_by", s.by()).put("why", s.why());
        ArrayNode sent = d.putArray("would_send");
        s.wouldSend().forEach(sent::add);
        if (s.agrees() != null) {
            d.put("agrees", s.agrees());
        }
        if (s.correctionAgrees() != null) {
            d.put("correction_agrees", s.correctionAgrees());
        }
        ObjectNode m = d.putObject("modules_match");
        s.modules().forEach(m::put);
        return d;
    }

    private static void latency(ObjectNode n, LatencyStats stats) {
        for (String part : parts()) {
            ObjectNode p = n.putObject(part);
            num(p, "p50", stats.percentile(part, 50));
            num(p, "p99", stats.percentile(part, 99));
        }
    }

    public static List<String> parts() {
        List<String> p = new ArrayList<>(List.of(Latency.PARTS));
        p.add("step");
        return p;
    }

    private static void num(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) {
            n.putNull(field);
        } else {
            n.put(field, Math.round(v * 10000) / 10000.0);
        }
    }

    /** A smaller copy of a frame (area average), made without any graphics device so it works headless. */
    public static Frame thumbnail(Frame f, int width) {
        if (f.width() <= width) {
            return f;
        }
        int w = width, h = Math.max(1, Math.round(f.height() * (float) width / f.width()));
        byte[] out = new byte[w * h * 3];
        byte[] src = f.bgr();
        for (int y = 0; y < h; y++) {
            int y0 = y * f.height() / h, y1 = Math.max(y0 + 1, (y + 1) * f.height() / h);
            for (int x = 0; x < w; x++) {
                int x0 = x * f.width() / w, x1 = Math.max(x0 + 1, (x + 1) * f.width() / w);
                int b = 0, g = 0, r = 0, n = 0;
                for (int yy = y0; yy < y1; yy++) {
                    int row = yy * f.width();
                    for (int xx = x0; xx < x1; xx++) {
                        int i = (row + xx) * 3;
                        b += src[i] & 0xff;
                        g += src[i + 1] & 0xff;
                        r += src[i + 2] & 0xff;
                        n++;
                    }
                }
                int o = (y * w + x) * 3;
                out[o] = (byte) (b / n);
                out[o + 1] = (byte) (g / n);
                out[o + 2] = (byte) (r / n);
            }
        }
        return new Frame(w, h, out);
    }

}
