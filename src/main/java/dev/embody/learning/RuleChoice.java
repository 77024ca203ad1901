package dev.embody.learning;

import dev.embody.planning.DeclaredRules;
import dev.embody.planning.PolicyRules;

import java.util.List;
import java.util.Locale;

/**
 * The learned policy's choice rules chosen from what the person did, where the target's data declares none. Loop
 * breaking (never stand still twice, never repeat what changed nothing) is off when the person gave the same command
 * twice in a row at a notable share of their steps: a person who waits twice is not overruled. Greedy when the policy
 * agrees with at least {@link Fit#FITS} of its training steps (its likeliest command is the person's), else sampled (a
 * policy that does not fit locks into its one mistake when always taking the likeliest).
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
        // moves the person pressed again on a screen their last press left still (a key held against a wall): where they
        // are a notable share of the moves, a still screen does not rule a move out; unknown where a step shows one frame
        long moves = 0, fruitless = 0;
        boolean seen = false;
        for (Example e : examples) {
            if ((e.source() == Example.Source.DEMONSTRATION || e.source() == Example.Source.CORRECTION) && !idle(e.label())) {
                moves++;
                if (e.input().frames() >= 2) {
                    seen = true;
                    fruitless += e.label().equals(e.input().previous()) && still(e.input()) ? 1 : 0;
                }
            }
        }
        boolean stillScreen = seen && fruitless < REPEATS * moves;
        // agreement alone, not beside the majority: a game of waiting (0.94 waits) cannot be "clearly above" its waits, yet
        // a policy that gives the person's command at 0.94 of the steps only adds stray jumps by drawing
        boolean greedy = fit.agreement().trials() > 0 && fit.agreement().value() >= Fit.FITS;
        PolicyRules rules = declared.apply(base, greedy, !repeating);
        String choice = declared.greedy() != null ? (rules.sampleSeed() < 0 ? "greedy" : "sampled") + " (the calibration declares it)"
                : String.format(Locale.ROOT, "%s (the policy agrees with %.2f of its training steps, %s %.2f)", greedy ? "greedy" : "sampled",
                fit.agreement().value(), greedy ? ">=" : "<", Fit.FITS);
        String loops = declared.loopBreaking() != null ? (rules.breakLoops() ? "loop breaking" : "no loop breaking") + " (the calibration declares it)"
                : String.format(Locale.ROOT, "%s (the person repeated the previous command at %d of %d steps, %.2f %s %.2f%s)",
                repeating ? "no loop breaking" : "loop breaking", repeats, steps, steps == 0 ? 0.0 : (double) repeats / steps,
                repeating ? ">=" : "<", REPEATS, repeating ? ": a person who waits twice is not overruled" : "");
        rules = rules.withStillScreen(stillScreen);
        String still = !seen ? "moves that changed nothing may be tried again (one frame a step: a still screen is not seen)"
                : String.format(Locale.ROOT, "%s (the person pressed a move again on a still screen at %d of %d moves, %.2f %s %.2f)",
                stillScreen ? "a move that changed nothing is not tried again on a still screen" : "moves that changed nothing may be tried again",
                fruitless, moves, moves == 0 ? 0.0 : (double) fruitless / moves, stillScreen ? "<" : ">=", REPEATS);
        return new RuleChoice(rules, repeats, steps, "choice: " + choice + ", " + loops + ", " + still);
    }

    private static boolean idle(String command) {
        return command.startsWith("wait") || command.startsWith("stop");
    }

    /** Levels a channel must move for a pixel to count as changed between the two newest frames. */
    static final int CHANGED = 24;

    /** Whether the step's newest frame is its previous one, to the pixel (within {@link #CHANGED} levels a channel). */
    static boolean still(dev.embody.planning.PolicyInput in) {
        byte[] px = in.pixels();
        int frame = 3 * in.width() * in.height();
        for (int i = 0; i < frame; i++) {
            if (Math.abs((px[i] & 0xff) - (px[frame + i] & 0xff)) > CHANGED) {
                return false;
            }
        }
        return true;
    }
}
