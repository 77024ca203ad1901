package dev.embody.perception;

/**
 * When and where a UI template's image was captured, and how well it matched that screen when it was listed: a
 * template carries the fonts and theme of the machine it was cut from, so a later, weaker match says it may be stale.
 *
 * @param capturedAt the image file's time (ISO-8601, UTC)
 * @param host       the machine it was listed on ({@code calibrate screen --template-image})
 * @param display    the X display it was checked on
 * @param score      its best normalised correlation on that screen then (0..1; low when the program did not show it)
 */
public record TemplateCapture(String capturedAt, String host, String display, double score) {

    /** A later best match this much weaker than at capture is worth a warning. */
    public static final double WEAKER_BY = 0.05;

    /** Whether the template was on the screen when it was listed (so a later best match can be compared with it). */
    public boolean seenAtCapture(double threshold) {
        return score >= threshold;
    }

    /** Whether {@code now} is weaker than the match at capture by more than {@link #WEAKER_BY}. */
    public boolean weaker(double now) {
        return now < score - WEAKER_BY;
    }

    /** "0.998 when captured (2026-12-01T20:30:00Z, on host at :90)". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%.3f when captured (%s, on %s at %s)", score, capturedAt, host, display);
    }
}
