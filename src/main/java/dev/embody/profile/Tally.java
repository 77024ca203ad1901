package dev.embody.profile;

import dev.embody.loop.Outcome;
import dev.embody.loop.Rate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a session, in the target's own words: each episode's line and the summary's totals. Success is a
 * rate with its interval; the rest comes from what the target's scorer reports: a count with its total
 * ({@code coins} and {@code coins_total}) is summed as "coins=29/30", a yes/no figure ({@code reached}) is counted as
 * "reached=9/10". A program with no coins has no coins in its summary.
 */
public final class Tally {

    private long episodes;
    private long successes;
    private long steps;
    private final Map<String, long[]> counts = new TreeMap<>();
    private final Map<String, long[]> flags = new TreeMap<>();
    /** The episodes' scores, where the target's ending gives one (a program's declared score). */
    private double scoreSum;
    private long scored;

    /** Adds one episode; returns its figures for the episode's line ("coins=3/3 steps=17 game_s=7.18"). */
    public String add(Outcome outcome, long episodeSteps, Map<String, Object> score) {
        episodes++;
        successes += outcome == Outcome.SUCCESS ? 1 : 0;
        steps += episodeSteps;
        if (score.get("score") instanceof Number n) {
            scoreSum += n.doubleValue();
            scored++;
        }
        Map<String, String> line = new LinkedHashMap<>();
        score.forEach((k, v) -> {
            if (v instanceof Number n && score.get(k + "_total") instanceof Number total) {
                long[] c = counts.computeIfAbsent(k, x -> new long[2]);
                c[0] += n.longValue();
                c[1] += total.longValue();
                line.put(k, n.longValue() + "/" + total.longValue());
            } else if (v instanceof Boolean b) {
                long[] f = flags.computeIfAbsent(k, x -> new long[2]);
                f[0] += b ? 1 : 0;
                f[1]++;
            }
        });
        if (score.containsKey("line")) {
            return score.get("line").toString();
        }
        StringBuilder sb = new StringBuilder();
        line.forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
        sb.append("steps=").append(episodeSteps);
        score.forEach((k, v) -> {
            if (v instanceof Number && !k.endsWith("_total") && !line.containsKey(k)) {
                sb.append(' ').append(k).append('=').append(v);
            }
        });
        return sb.toString();
    }

    public Rate success() {
        return new Rate(successes, episodes);
    }

    public long episodes() {
        return episodes;
    }

    public long steps() {
        return steps;
    }

    /** " score_mean=12.30 (n=10)" over the episodes that gave a score; empty when none did. */
    public String scoreMean() {
        return scored == 0 ? "" : String.format(Locale.ROOT, " score_mean=%.2f (n=%d)", scoreSum / scored, scored);
    }

    /** "episodes=10 success=1.00 [0.72,1.00] coins=30/30 reached=9/10 steps=170". */
    public String totals() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "episodes=%d success=%s", episodes,
                episodes == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", success().value())));
        if (episodes > 0) {
            sb.append(String.format(Locale.ROOT, " success_95ci=[%.2f,%.2f]", success().low(), success().high()));
        }
        counts.forEach((k, c) -> sb.append(' ').append(k).append('=').append(c[0]).append('/').append(c[1]));
        flags.forEach((k, f) -> sb.append(' ').append(k).append('=').append(f[0]).append('/').append(f[1]));
        sb.append(" steps=").append(steps);
        sb.append(scoreMean());
        return sb.toString();
    }
}
