package dev.embody.loop;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The one progress line every long job draws (training, replay, eval, record, export, the gate, the benchmarks): a bar
 * with a percentage when the total is known, else a count, what is being counted, a detail the job adds, and the
 * seconds so far. It is redrawn in place ({@code \r}) at most ten times a second, so a loop may call it every step, and
 * {@link #clear()} blanks it before a result line prints; {@link #done()} leaves the last state standing as a line.
 *
 * <pre>{@code
 * ProgressBar bar = ProgressBar.of(System.err, "eval", "episode", 15);
 * for (int i = 0; i < 15; i++) { ...; bar.step("success 3"); bar.clear(); System.out.println(result); }
 * bar.clear();
 * }</pre>
 */
public final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final String label, unit;
    private long total;
    private final long start = System.nanoTime();
    private long done;
    private String detail = "";
    private long lastDraw;
    private int drawnWidth;

    private ProgressBar(PrintStream out, String label, String unit, long total) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.total = total;
    }

    /**
     * @param out   where it draws (stderr, so results on stdout stay clean); null draws nothing
     * @param label what the job is ("training", "replay", "recording 1/5:")
     * @param unit  what is counted ("step", "episode")
     * @param total how many there will be, or 0 when nobody knows (a recording that ends when the person stops)
     */
    public static ProgressBar of(PrintStream out, String label, String unit, long total) {
        return new ProgressBar(out, label, unit, Math.max(0, total));
    }

    /** A progress that draws nothing (--no-progress, tests). */
    public static ProgressBar off() {
        return new ProgressBar(null, "", "", 0);
    }

    /** One more done, with what the job would say about it now ("" for nothing). */
    public void step(String detail) {
        update(done + 1, detail);
    }

    /** {@code done} of {@code total} (for a job that learns its total as it goes), then as {@link #update(long, String)}. */
    public void update(long done, long total, String detail) {
        this.total = Math.max(0, total);
        update(done, detail);
    }

    /** {@code done} so far; drawn unless the last draw was under a tenth of a second ago (the last one always is). */
    public void update(long done, String detail) {
        this.done = done;
        this.detail = detail == null ? "" : detail;
        long now = System.nanoTime();
        if (out == null || (now - lastDraw < REDRAW_NANOS && (total == 0 || done < total))) {
            return;
        }
        lastDraw = now;
        draw(now);
    }

    /** The line as it would be drawn now, without the carriage return. */
    public String line() {
        return text(System.nanoTime());
    }

    private String text(long now) {
        double seconds = (now - start) / 1e9;
        StringBuilder s = new StringBuilder(label);
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            s.append(" [").append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%", Math.min(100, 100 * done / total))).append(' ')
                    .append(unit).append(' ').append(done).append('/').append(total);
        } else {
            s.append(' ').append(unit).append(' ').append(done);
        }
        if (!detail.isEmpty()) {
            s.append("  ").append(detail);
        }
        return s.append(String.format(Locale.ROOT, "  %.1f s", seconds)).toString();
    }

    private void draw(long now) {
        String t = text(now);
        // blank what a longer line before left behind
        out.print("\r" + t + " ".repeat(Math.max(0, drawnWidth - t.length())));
        out.flush();
        drawnWidth = t.length();
    }

    /** Blanks the line so a result line prints cleanly; the next update draws again at once. */
    public void clear() {
        if (out != null && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            out.flush();
            drawnWidth = 0;
            lastDraw = 0;
        }
    }

    /** Draws the last state and ends its line, so it stays above what follows (a training run's last loss). */
    public void done() {
        if (out != null && (done > 0 || drawnWidth > 0)) {
            draw(System.nanoTime());
            out.println();
            out.flush();
            drawnWidth = 0;
        }
    }
}
