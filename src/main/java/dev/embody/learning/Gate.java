package dev.embody.learning;

import dev.embody.loop.Policy;
import dev.embody.loop.Rate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a candidate policy on situations it never trained on and adopts it only if it does not score worse than the
 * one in use: success on a simulator's held-out seeds, or agreement with the person's and the operator's commands on
 * held-out recorded episodes. A rate measured on few trials is noisy; {@link Rule} says how strict "not worse" is.
 */
public final class Gate {

    private static final Logger log = LoggerFactory.getLogger(Gate.class);

    /** How a policy is scored: a rate (success, agreement) on situations it never trained on. */
    public interface Scorer {
        Rate score(Policy policy) throws Exception;

        /** What the rate counts, for the verdict ("success on 10 held-out seeds", "agreement on 3 held-out episodes"). */
        default String what() {
            return "held-out score";
        }
    }

    /** Episodes scored so far, for a progress bar while a scorer plays or replays them. */
    public interface Progress {
        void onEpisode(int done, int total);

        static Progress none() {
            return (d, t) -> { };
        }
    }

    public enum Rule {
        /** Not below the incumbent's rate (minus a tolerance): a simulator plays as many held-out seeds as asked. */
        NOT_BELOW,
        /** Not worse beyond the interval: rejected only when the candidate's 95% interval lies wholly below the incumbent's rate. */
        NOT_WORSE_BEYOND_INTERVAL
    }

    public record Verdict(boolean adopt, Rate candidate, Rate incumbent, String what) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s (%s: %s vs %s)", adopt ? "adopted" : "rejected", what, candidate,
                    incumbent == null ? "none in use" : incumbent.toString());
        }
    }

    private final Scorer scorer;
    private final Rule rule;
    private final double tolerance;

    public Gate(Scorer scorer, Rule rule, double tolerance) {
        this.scorer = scorer;
        this.rule = rule;
        this.tolerance = tolerance;
    }

    /** The strict gate a simulator affords. */
    public static Gate notBelow(Scorer scorer) {
        return new Gate(scorer, Rule.NOT_BELOW, 0);
    }

    public Scorer scorer() {
        return scorer;
    }

    /** @param incumbent the rate of the policy in use, or null when none is (the candidate is then adopted) */
    public Verdict judge(Policy candidate, Rate incumbent) throws Exception {
        Rate s = scorer.score(candidate);
        boolean adopt;
        if (incumbent == null || incumbent.trials() == 0) {
            adopt = true;
        } else if (rule == Rule.NOT_BELOW) {
            adopt = s.value() + 1e-9 >= incumbent.value() - tolerance;
        } else {
            adopt = !(s.high() < incumbent.value() - tolerance);
        }
        Verdict v = new Verdict(adopt, s, incumbent, scorer.what());
        log.info("gate: {} {}", candidate.name(), v);
        return v;
    }
}
