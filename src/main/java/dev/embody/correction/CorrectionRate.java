package dev.embody.correction;

import dev.embody.loop.Intervention;

/**
 * How fast corrections from a channel anyone can flood are heard: a token bucket, {@code perSecond} on average and
 * {@code burst} at once. An operator says a few things a second at most; a flood is a program gone wrong. A stop or a
 * pause is never limited: it takes no token and is always admitted, so no flood can keep the operator from halting
 * the agent. Every channel with a limit (the console, MQTT corrections) asks this one.
 */
public final class CorrectionRate {

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long lastNanos;

    public CorrectionRate(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = System.nanoTime();
    }

    /** Whether {@code intervention} may reach the loop now: one that halts the agent always may; anything else takes a token. */
    public boolean admits(Intervention intervention) {
        return intervention.halts() || take();
    }

    /** Takes one token if there is one: true when a correction that halts nothing (or means nothing) may be heard now. */
    public synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
