package dev.embody.loop;

import java.util.Locale;

/**
 * A rate measured on n trials, with its 95% Wilson score interval: every rate embody reports (success, agreement,
 * speech accuracy) carries its sample size and interval.
 */
public record Rate(long hits, long trials) {

    private static final double Z = 1.959963984540054;

    public Rate {
        if (hits < 0 || trials < 0 || hits > trials) {
            throw new IllegalArgumentException("a rate needs 0 <= hits <= trials, got " + hits + "/" + trials);
        }
    }

    public double value() {
        return trials == 0 ? Double.NaN : hits / (double) trials;
    }

    /** The 95% Wilson interval's lower bound (NaN with no trials). */
    public double low() {
        return bound(-1);
    }

    public double high() {
        return bound(1);
    }

    private double bound(int sign) {
        if (trials == 0) {
            return Double.NaN;
        }
        // Wilson's bounds at all hits and at none are exactly 1 and 0; the formula computes a hair inside (38/38: 0.9999999999999998)
        if (sign > 0 && hits == trials) {
            return 1;
        }
        if (sign < 0 && hits == 0) {
            return 0;
        }
        double n = trials, p = hits / n, z2 = Z * Z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return Math.max(0, Math.min(1, centre + sign * half));
    }

    /** Whether this rate's interval lies wholly above the other's. */
    public boolean clearlyAbove(Rate other) {
        return low() > other.high();
    }

    /** "0.83 [0.55, 0.95] (10/12)". */
    @Override
    public String toString() {
        if (trials == 0) {
            return "n/a (0/0)";
        }
        return String.format(Locale.ROOT, "%.2f [%.2f, %.2f] (%d/%d)", value(), low(), high(), hits, trials);
    }

    /** "0.83 [0.55, 0.95]" without the counts, for a key=value summary. */
    public String brief() {
        return trials == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f [%.2f,%.2f]", value(), low(), high());
    }
}
