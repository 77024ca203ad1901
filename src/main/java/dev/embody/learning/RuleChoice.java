package dev.embody.learning;

import dev.embody.planning.DeclaredRules;
import dev.embody.planning.PolicyRules;

import java.util.List;
import java.util.Locale;

/**
 * The learned policy's choice rules chosen from what the person did, where the target's data declares none. Loop
 * breaking (never stand still twice, never repeat what changed nothing) is off when the person gave the same command
 * twice in a row at a notable share of their steps: a person who waits twice is not overruled. Greedy when the policy
 * fits its training steps (its likeliest command is the person's), else sampled (a policy that does not fit locks into
 * its one mistake when always taking the likeliest).
 *
 * @param rules  the rules chosen
 * @param repeats steps where the person repeated the previous command
 * @param steps  demonstrated steps
 */
public record RuleChoice(PolicyRules rules, long repeats, long steps, String line) {

    /** Share of repeated commands from which the person's repeats are the play, not an accident. */
    public static final double REPEATS = 0.1;

    /**
     * @param base     the untrained rules of the profile (vetoes, sharpening)
     * @param declared what the data declares (null fields are chosen)
     * @param examples the training examples, each knowing the command before it
     * @param fit      the trained policy's fit on them
     */
    public static RuleChoice choose(PolicyRules base, DeclaredRules declared, List<Example> examples, Fit fit) {
        long steps = 0, repeats = 0;
        for (Example e : examples) {
            if (e.source() == Example.Source.DEMONSTRATION || e.source() == Example.Source.CORRECTION) {
                steps++;
                repeats += e.label().equals(e.input().previous()) ? 1 : 0;
            }
        }
        boolean repeating = steps > 0 && repeats >= REPEATS * steps;
        boolean greedy = fit.fits();
        PolicyRules rules = declared.apply(base, greedy, !repeating);
        String choice = declared.greedy() != null ? (rules.sampleSeed() < 0 ? "greedy" : "sampled") + " (the calibration declares it)"
                : greedy ? String.format(Locale.ROOT, "greedy (the policy fits its training steps: agreement %.2f >= %.2f)", fit.agreement().value(), Fit.FITS)
                : String.format(Locale.ROOT, "sampled (the policy does not fit its training steps: agreement %.2f; greedy from %.2f)", fit.agreement().value(), Fit.FITS);
        String loops = declared.loopBreaking() != null ? (rules.breakLoops() ? "loop breaking" : "no loop breaking") + " (the calibration declares it)"
                : String.format(Locale.ROOT, "%s (the person repeated the previous command at %d of %d steps, %.2f %s %.2f%s)",
                repeating ? "no loop breaking" : "loop breaking", repeats, steps, steps == 0 ? 0.0 : (double) repeats / steps,
                repeating ? ">=" : "<", REPEATS, repeating ? ": a person who waits twice is not overruled" : "");
        return new RuleChoice(rules, repeats, steps, "choice: " + choice + ", " + loops);
    }
}
