package dev.embody.episode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.loop.Frame;
import dev.embody.loop.Latency;
import dev.embody.loop.LatencyStats;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
        Files.writeString(html, html(results, failures, header, totals, Files.isRegularFile(png) ? Files.readAllBytes(png) : null), StandardCharsets.UTF_8);
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

    // ---- the HTML page

    private static String html(List<Replay.Result> results, List<Failure> failures, Map<String, String> header, Totals t, byte[] png)
            throws IOException {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>embody replay report</title><style>")
                .append(CSS).append("</style></head><body>");
        h.append("<h1>embody replay report</h1><p class=\"sub\">");
        header.forEach((k, v) -> h.append("<span><b>").append(esc(k)).append("</b> ").append(esc(v)).append("</span>"));
        h.append("<span><b>created</b> ").append(esc(Instant.now().toString())).append("</span></p>");

        h.append("<section><h2>Summary</h2><div class=\"cards\">");
        card(h, "episodes", Integer.toString(t.episodes()), failures.isEmpty() ? "" : failures.size() + " could not be replayed");
        card(h, "steps", Integer.toString(t.steps()), t.failed() == 0 ? "" : t.failed() + " failed when recorded, "
                + t.failedCompared() + " of them replayed and compared (a command had been decided)");
        card(h, "agreement", pct(t.agreement()), t.agreeing() + " of " + t.decided() + " policy decisions");
        card(h, "correction agreement", pct(t.correctionAgreement()), t.correctionsAgreeing() + " of " + t.corrections() + " operator corrections");
        card(h, "steps / s", String.format(Locale.ROOT, "%.1f", t.stepsPerSecond()), "");
        card(h, "speed", String.format(Locale.ROOT, "%.1f&times;", t.speedRatio()),
                String.format(Locale.ROOT, "%.1f s of episodes in %.2f s", t.targetSeconds(), t.wallSeconds()));
        h.append("</div>");
        if (!failures.isEmpty()) {
            h.append("<div class=\"bad\"><b>Could not be replayed</b><ul>");
            failures.forEach(f -> h.append("<li><code>").append(esc(f.episode())).append("</code>: ").append(esc(f.message())).append("</li>"));
            h.append("</ul></div>");
        }
        h.append("<div class=\"row\"><div>").append(latencyTable(t.latency())).append("</div>");
        if (png != null) {
            h.append("<div><img class=\"plot\" alt=\"per-module latency histogram\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png)).append("\"></div>");
        }
        h.append("</div>");
        h.append("<table class=\"eps\"><tr><th>episode</th><th>target</th><th>recorded</th><th>steps</th><th>agreement</th>"
                + "<th>correction agreement</th><th>modules (scene / reflection / task / candidates)</th><th>steps/s</th></tr>");
        for (Replay.Result r : results) {
            h.append("<tr><td><a href=\"#").append(anchor(r)).append("\">").append(esc(r.episode().id())).append("</a>")
                    .append(r.warning() != null ? " <span class=\"warn-tag\">cut off</span>" : "").append("</td><td>")
                    .append(esc(r.episode().meta().path("target").asText())).append("</td><td>")
                    .append(esc(r.episode().meta().path("outcome").asText("?"))).append("</td><td>").append(r.steps().size())
                    .append("</td><td>").append(pct(r.agreement())).append("</td><td>").append(pct(r.correctionAgreement()))
                    .append(" <small>(").append(r.corrections()).append(")</small></td><td>");
            for (String m : Replay.MODULES) {
                h.append(pct(r.moduleAgreement(m))).append(m.equals("candidates") ? "" : " / ");
            }
            h.append("</td><td>").append(String.format(Locale.ROOT, "%.0f", r.stepsPerSecond())).append("</td></tr>");
        }
        h.append("</table></section>");

        h.append("<section class=\"legend\"><span class=\"cell ok\"></span> agrees with the recorded decision "
                + "<span class=\"cell no\"></span> disagrees <span class=\"cell cok\"></span> matches the operator's correction "
                + "<span class=\"cell cno\"></span> differs from the correction <span class=\"cell mod\"></span> a module produced something else than was recorded</section>");
        for (Replay.Result r : results) {
            episode(h, r);
        }
        h.append("</body></html>");
        return h.toString();
    }

    private static void episode(StringBuilder h, Replay.Result r) throws IOException {
        RecordedEpisode e = r.episode();
        var m = e.meta();
        h.append("<section id=\"").append(anchor(r)).append("\"><h2>").append(esc(e.id())).append("</h2><p class=\"sub\">");
        for (String f : List.of("target", "seed", "difficulty", "goal", "policy", "outcome")) {
            if (m.has(f)) {
                h.append("<span><b>").append(f.equals("policy") ? "recorded by" : f.equals("outcome") ? "recorded outcome" : f)
                        .append("</b> ").append(esc(m.get(f).asText())).append("</span>");
            }
        }
        h.append("<span><b>replayed with</b> ").append(esc(r.policy())).append("</span>");
        h.append(String.format(Locale.ROOT, "<span><b>agreement</b> %s (%d/%d)</span><span><b>correction agreement</b> %s (%d/%d)</span>"
                        + "<span><b>replay</b> %.2f s, %.0f steps/s, %.1f s of target time</span></p>",
                pct(r.agreement()), r.agreeing(), r.decided(), pct(r.correctionAgreement()), r.correctionsAgreeing(), r.corrections(),
                r.wallSeconds(), r.stepsPerSecond(), replayedTargetSeconds(r)));
        if (r.warning() != null) {
            h.append("<div class=\"warn\">").append(esc(r.warning())).append("</div>");
        }
        if (!r.failed().isEmpty()) {
            h.append("<div class=\"warn\"><b>Failed when recorded</b> (replayed and compared where a command had been decided; "
                    + "passed over where it failed before one)<ul>");
            for (RecordedStep f : r.failed()) {
                h.append("<li>step ").append(f.step()).append(": failed at ").append(esc(f.failedAt())).append(": ").append(esc(f.error()))
                        .append(" &mdash; ").append(esc(f.commandText())).append(f.decided() ? " (compared)" : " (passed over)").append("</li>");
            }
            h.append("</ul></div>");
        }
        h.append("<div class=\"timeline\">");
        for (Replay.StepReplay s : r.steps()) {
            String cls = s.correctionAgrees() != null ? (s.correctionAgrees() ? "cok" : "cno") : Boolean.TRUE.equals(s.agrees()) ? "ok" : "no";
            boolean mod = s.modules().containsValue(false);
            h.append("<a href=\"#").append(anchor(r)).append("-s").append(s.recorded().step()).append("\" class=\"cell ").append(cls)
                    .append(mod ? " mod" : "").append("\" title=\"").append(esc(tooltip(s))).append("\"></a>");
        }
        h.append("</div>");
        if (!r.thumbnails().isEmpty()) {
            h.append("<div class=\"thumbs\">");
            for (Map.Entry<Long, Frame> th : r.thumbnails().entrySet()) {
                Replay.StepReplay s = r.steps().stream().filter(x -> x.recorded().step() == th.getKey()).findFirst().orElse(null);
                if (s == null) {
                    continue;
                }
                h.append("<figure><img alt=\"frame of step ").append(th.getKey()).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(png(th.getValue()))).append("\"><figcaption><b>step ")
                        .append(th.getKey()).append("</b> ").append(esc(caption(s))).append("</figcaption></figure>");
            }
            h.append("</div>");
        }
        h.append("<details").append(r.steps().size() <= 80 ? " open" : "").append("><summary>").append(r.steps().size())
                .append(" steps: what each module produced</summary><table class=\"steps\"><tr><th>step</th><th>t (s)</th>"
                        + "<th>1 scene</th><th>2 reflection</th><th>3 task</th><th>4 candidates</th><th>recorded</th><th>5 replayed</th><th>would send</th></tr>");
        for (Replay.StepReplay s : r.steps()) {
            RecordedStep rec = s.recorded();
            String cls = s.correctionAgrees() != null ? (s.correctionAgrees() ? "cok" : "cno") : Boolean.TRUE.equals(s.agrees()) ? "ok" : "no";
            h.append("<tr id=\"").append(anchor(r)).append("-s").append(rec.step()).append("\" class=\"r-").append(cls).append("\"><td>")
                    .append(rec.step()).append("</td><td>").append(String.format(Locale.ROOT, "%.2f", rec.targetNanos() / 1e9)).append("</td>");
            moduleCell(h, s.scene(), s.modules().get("scene"), rec.scene());
            moduleCell(h, s.reflection(), s.modules().get("reflection"), rec.reflection() == null || rec.reflection().reason() == null ? "" : rec.reflection().reason());
            moduleCell(h, s.task(), s.modules().get("task"), rec.task() == null || rec.task().subtask() == null ? "" : rec.task().subtask());
            moduleCell(h, Integer.toString(s.candidates().size()), s.modules().get("candidates"), rec.candidates().size() + " recorded");
            h.append("<td><code>").append(esc(rec.commandText())).append("</code><br><small>").append(esc(rec.by()));
            if (rec.failed()) {
                h.append(" <b>failed at ").append(esc(rec.failedAt())).append("</b>: ").append(esc(rec.error()));
            }
            if (rec.corrected()) {
                h.append(": &ldquo;").append(esc(rec.correction())).append("&rdquo;");
                if (rec.policyWanted() != null) {
                    h.append(" (policy wanted <code>").append(esc(rec.policyWanted().toString())).append("</code>)");
                }
            }
            h.append("</small></td><td><code>").append(esc(String.valueOf(s.replayed()))).append("</code><br><small>").append(esc(s.why()))
                    .append("</small></td><td><small>").append(esc(String.join(", ", s.wouldSend()))).append("</small></td></tr>");
        }
        h.append("</table></details></section>");
    }

    private static void moduleCell(StringBuilder h, String replayed, Boolean same, String recorded) {
        h.append("<td").append(Boolean.FALSE.equals(same) ? " class=\"differs\" title=\"recorded: " + esc(recorded) + "\"" : "").append(">")
                .append(esc(replayed)).append(Boolean.FALSE.equals(same) ? "<br><small>recorded: " + esc(recorded) + "</small>" : "").append("</td>");
    }

    private static String tooltip(Replay.StepReplay s) {
        RecordedStep rec = s.recorded();
        return "step " + rec.step() + ": recorded " + rec.commandText() + (rec.failed() ? " (failed at " + rec.failedAt() + ": " + rec.error() + ")" : "") + (rec.corrected() ? " (operator: " + rec.correction() + ")" : "")
                + ", replayed " + s.replayed() + (s.modules().containsValue(false) ? "; a module differs" : "");
    }

    private static String caption(Replay.StepReplay s) {
        RecordedStep rec = s.recorded();
        if (rec.failed()) {
            return "failed at " + rec.failedAt() + " when recorded: " + rec.error() + "; replayed " + s.replayed();
        }
        if (rec.corrected()) {
            return "operator: \u201c" + rec.correction() + "\u201d \u2192 " + rec.command() + "; replayed " + s.replayed()
                    + (Boolean.TRUE.equals(s.correctionAgrees()) ? " (agrees)" : " (differs)");
        }
        if (Boolean.FALSE.equals(s.agrees())) {
            return "recorded " + rec.command() + ", replayed " + s.replayed();
        }
        if (s.modules().containsValue(false)) {
            return "a module differs from the recording";
        }
        return "first frame; " + s.task();
    }

    private static String latencyTable(LatencyStats stats) {
        StringBuilder t = new StringBuilder("<table class=\"lat\"><tr><th>part</th><th>p50 ms</th><th>p99 ms</th></tr>");
        for (String part : parts()) {
            t.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>%.3f</td></tr>", part.equals("step") ? "step (all but act)" : part,
                    stats.percentile(part, 50), stats.percentile(part, 99)));
        }
        return t.append("</table>").toString();
    }

    private static void card(StringBuilder h, String label, String value, String note) {
        h.append("<div class=\"card\"><div class=\"v\">").append(value).append("</div><div class=\"l\">").append(esc(label))
                .append("</div><div class=\"n\">").append(esc(note)).append("</div></div>");
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    private static String anchor(Replay.Result r) {
        return "ep-" + r.episode().id().replaceAll("[^A-Za-z0-9_-]", "_");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
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

    static byte[] png(Frame f) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(f.toImage(), "png", bytes);
        return bytes.toByteArray();
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#1d2330;background:#fafbfc}
            h1{margin:0 0 4px;font-size:24px}h2{font-size:18px;margin:0 0 6px}
            section{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:14px 16px;margin:14px 0}
            .sub{color:#555;margin:4px 0 10px}.sub span{margin-right:16px;display:inline-block}
            .cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:12px}
            .card{border:1px solid #e2e5ea;border-radius:8px;padding:10px 14px;min-width:140px;background:#f6f8fb}
            .card .v{font-size:22px;font-weight:600}.card .l{color:#333}.card .n{color:#777;font-size:12px}
            .row{display:flex;gap:20px;align-items:flex-start;flex-wrap:wrap}.plot{max-width:720px;width:100%;border:1px solid #eee}
            table{border-collapse:collapse}th,td{border-bottom:1px solid #eceef2;padding:4px 8px;text-align:left;vertical-align:top}
            th{background:#f3f5f8;font-weight:600}.eps{margin-top:12px;width:100%}.lat td:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}
            .timeline{display:flex;flex-wrap:wrap;gap:2px;margin:8px 0}
            .cell{display:inline-block;width:12px;height:20px;border-radius:2px;background:#ccc}
            .ok{background:#3fae5a}.no{background:#d9453b}.cok{background:#2f7fd8}.cno{background:#f0a020}.mod{outline:2px solid #7a2ea0;outline-offset:-2px}
            .legend{font-size:13px;color:#444}.legend .cell{vertical-align:middle;margin:0 4px 0 14px}
            .thumbs{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
            figure{margin:0;width:240px;font-size:12px;color:#333}figure img{width:240px;border:1px solid #ccc;border-radius:4px;display:block}
            .steps{font-size:12px;width:100%}.steps code{font-size:12px}.differs{background:#f5e6fb}
            tr.r-no td:first-child{border-left:4px solid #d9453b}tr.r-cok td:first-child{border-left:4px solid #2f7fd8}
            tr.r-cno td:first-child{border-left:4px solid #f0a020}tr.r-ok td:first-child{border-left:4px solid #3fae5a}
            .warn{background:#fff4d6;border:1px solid #f0c36d;padding:6px 10px;border-radius:6px;margin:6px 0}
            .warn-tag{background:#f0c36d;border-radius:4px;padding:0 5px;font-size:11px}
            .bad{background:#fde8e6;border:1px solid #eba39c;padding:6px 10px;border-radius:6px;margin:6px 0}
            details summary{cursor:pointer;font-weight:600;margin:6px 0}
            """;
}
