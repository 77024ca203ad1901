package dev.embody.episode;

import dev.embody.loop.Frame;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The replay report as one self-contained page (report.html): figures, a timeline of steps, what each module produced,
 * thumbnails of the frames at corrections and disagreements and the latency histogram, all inlined.
 */
final class ReplayPage {

    private ReplayPage() {
    }

    static String html(List<Replay.Result> results, List<ReplayReport.Failure> failures, Map<String, String> header, ReplayReport.Totals t, byte[] png)
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
                r.wallSeconds(), r.stepsPerSecond(), ReplayReport.replayedTargetSeconds(r)));
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
        for (String part : ReplayReport.parts()) {
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
