package dev.embody.planning;

import java.util.List;

/**
 * How a learned policy picks from its network's distribution, as its profile sets it.
 *
 * @param sampleSeed draw each command from the distribution raised to {@code sharpen} (a deterministic argmax policy
 *                   can lock into a state it never leaves: a move into a wall leaves the same frame and the same decision
 *                   forever); negative: always the likeliest
 * @param vetoes     hand-written rules over the input (the grid game's lava shield); not learned
 * @param breakLoops never repeat a command that just changed nothing, nor stand still twice (a grid game's dead end);
 *                   off where waiting is most of the play (a reflex game waits for the moment to jump)
 * @param stillScreen never try again a move that changed nothing while the screen stays still, and after such a move and
 *                    a wait that showed nothing new, another move (a slide puzzle's blocked direction); off where the
 *                    person repeats moves that change nothing (holding a key against a wall), and for every checkpoint
 *                    from before it
 */
public record PolicyRules(long sampleSeed, double sharpen, List<Veto> vetoes, boolean breakLoops, boolean stillScreen) {

    public PolicyRules {
        vetoes = List.copyOf(vetoes);
    }

    public PolicyRules(long sampleSeed, double sharpen, List<Veto> vetoes, boolean breakLoops) {
        this(sampleSeed, sharpen, vetoes, breakLoops, false);
    }

    public PolicyRules withStillScreen(boolean on) {
        return new PolicyRules(sampleSeed, sharpen, vetoes, breakLoops, on);
    }

    public static PolicyRules defaults() {
        return new PolicyRules(1, 2.0, List.of(), true);
    }

    public PolicyRules withVetoes(List<Veto> v) {
        return new PolicyRules(sampleSeed, sharpen, v, breakLoops, stillScreen);
    }

    /** Always the likeliest command (evaluation of a policy's own preference, tests). */
    public PolicyRules greedy() {
        return new PolicyRules(-1, sharpen, vetoes, breakLoops, stillScreen);
    }

    /** The network's choice even when it repeats itself: for targets where the same command again is the play. */
    public PolicyRules withoutLoopBreaking() {
        return new PolicyRules(sampleSeed, sharpen, vetoes, false, stillScreen);
    }
}
