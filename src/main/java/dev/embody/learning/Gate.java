package dev.embody.learning;

import dev.embody.loop.Policy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a new policy on held-out situations (success with no corrections) and adopts it only if it does not score
 * worse than the one in use.
 */
public final class Gate {

    private static final Logger log = LoggerFactory.getLogger(Gate.class);

    /** How a policy is scored: a success rate in [0, 1] on seeds it never trained on. */
    public interface Scorer {
        double score(Policy policy) throws Exception;
    }

    public record Verdict(boolean adopt, double candidate, double incumbent) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s (%.2f vs %.2f)", adopt ? "adopted" : "rejected", candidate, incumbent);
        }
    }

    private final Scorer scorer;
    private final double tolerance;

    /** @param tolerance how much worse still counts as "not worse" (0 for strict) */
    public Gate(Scorer scorer, double tolerance) {
        this.scorer = scorer;
        this.tolerance = tolerance;
    }

    public Verdict judge(Policy candidate, double incumbentScore) throws Exception {
        double s = scorer.score(candidate);
        Verdict v = new Verdict(s + 1e-9 >= incumbentScore - tolerance, s, incumbentScore);
        log.info("gate: {} {}", candidate.name(), v);
        return v;
    }
}
