package dev.embody.correction;

/**
 * How fast corrections from a channel anyone can publish on are heard: a token bucket, {@code perSecond} on average
 * and {@code burst} at once. An operator says a few things a second at most; a flood is a program gone wrong.
 */
final class CorrectionRate {

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long lastNanos;

    CorrectionRate(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = System.nanoTime();
    }

    /** Takes one token if there is one: true when this correction may be heard now. */
    synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    double perSecond() {
        return perSecond;
    }

    double burst() {
        return burst;
    }
}
