package dev.embody.bench;

import dev.embody.correction.Reading;

import java.util.List;

/**
 * What a person's help costs, in operator seconds: the one rule every arm of every {@code improve} counts with, so the
 * corrections arm and the control arm are compared at the same cost.
 *
 * <ul>
 *   <li>A demonstration costs its whole length: its steps at the target's step period (the sim game), or its wall
 *       seconds (a desktop program played in real time).</li>
 *   <li>A correction costs the operator's reaction (noticing and starting to speak) plus its words at a person's
 *       speaking rate, whether or not the parser understood it: the person spent the time either way.</li>
 *   <li>Watching without speaking costs nothing, as YAY Robot counts only interventions; the operator's attention is
 *       bounded instead by its correction budget and reaction delay, and the seconds watched are reported beside.</li>
 * </ul>
 *
 * @param stepSeconds     a demonstration step's length on the target (seconds)
 * @param reactionSeconds a correction's fixed cost before its first word (seconds)
 * @param wordSeconds     a spoken word (seconds)
 */
public record OperatorEffort(double stepSeconds, double reactionSeconds, double wordSeconds) {

    /** Noticing a mistake and starting to speak: a choice reaction (~0.5 s) plus speech onset (~0.5 s). */
    public static final double REACTION_S = 1.0;
    /** A word at a person's speaking rate, 200 words a minute (conversation runs 150-200). */
    public static final double WORD_S = 0.3;
    /**
     * The sim game's step as a person at its window sees it: the game time it holds its keys (100/200/400 ms a move,
     * skills/sim-game/move.yaml); the oracle's demonstrations on seeds 1..30 took 216.9 game s over 624 steps, 0.35 s.
     */
    public static final double SIM_GAME_STEP_S = 0.35;

    public OperatorEffort {
        if (!(stepSeconds > 0) || !(reactionSeconds >= 0) || !(wordSeconds >= 0)) {
            throw new IllegalArgumentException("an operator's effort needs step > 0 s, reaction >= 0 s, word >= 0 s, got "
                    + stepSeconds + ", " + reactionSeconds + ", " + wordSeconds);
        }
    }

    /** A person's reaction and speaking rate, with demonstrations at the given step period. */
    public static OperatorEffort person(double stepSeconds) {
        return new OperatorEffort(stepSeconds, REACTION_S, WORD_S);
    }

    /** A demonstration of {@code steps} steps. */
    public double demonstration(long steps) {
        return steps * stepSeconds;
    }

    /** A demonstration played in real time: its wall seconds, as they are. */
    public double demonstrationSeconds(double wallSeconds) {
        return wallSeconds;
    }

    /** One correction: the reaction, then its words. */
    public double correction(String text) {
        return reactionSeconds + words(text) * wordSeconds;
    }

    /** Every correction said. */
    public double corrections(List<String> texts) {
        return texts.stream().mapToDouble(this::correction).sum();
    }

    /** Whole demonstration steps that fit in {@code seconds} (the last demonstration cut to fit the budget). */
    public long stepsWithin(double seconds) {
        // a hair of tolerance: 0.75 s at 0.25 s a step is 3 steps, not 2.9999999
        return seconds <= 0 ? 0 : (long) Math.floor(seconds / stepSeconds + 1e-9);
    }

    /**
     * How a budget of operator seconds is spent on demonstrations: whole ones in order while they fit, then the steps of
     * the next that fit.
     *
     * @param whole   whole demonstrations
     * @param cut     steps of the one cut to fit (0 when the budget ended exactly on a whole one)
     * @param seconds what they cost: the budget, less under one step
     */
    public record Spent(int whole, long cut, double seconds) {
    }

    /**
     * Spends {@code budget} seconds on demonstrations, the i-th of which takes {@code stepsOf.applyAsLong(i)} steps (asked
     * only for the demonstrations spent on, so they can be played as they are needed).
     */
    public Spent spend(double budget, java.util.function.IntToLongFunction stepsOf) {
        double spent = 0;
        int whole = 0;
        while (spent < budget - 1e-9) {
            long steps = stepsOf.applyAsLong(whole);
            if (steps <= 0) {
                throw new IllegalArgumentException("demonstration " + whole + " has no steps to spend seconds on");
            }
            if (spent + demonstration(steps) > budget + 1e-9) {
                long cut = stepsWithin(budget - spent);
                return new Spent(whole, cut, spent + demonstration(cut));
            }
            spent += demonstration(steps);
            whole++;
        }
        return new Spent(whole, 0, spent);
    }

    /** Words as a person says them, read as the correction parser reads a sentence ("no, go left!" is 3). */
    public static int words(String text) {
        return Reading.words(text).size();
    }
}
