package dev.embody.planning;

import java.util.List;

/**
 * How a learned policy picks from its network's distribution, as its profile sets it.
 *
 * @param sampleSeed draw each command from the distribution raised to {@code sharpen} (a deterministic argmax policy
 *                   can lock into a state it never leaves: a move into a wall leaves the same frame and the same decision
 *                   forever); negative: always the likeliest
 * @param vetoes     hand-written rules over the input (the grid game's lava shield); not learned
 */
public record PolicyRules(long sampleSeed, double sharpen, List<Veto> vetoes) {

    public PolicyRules {
        vetoes = List.copyOf(vetoes);
    }

    public static PolicyRules defaults() {
        return new PolicyRules(1, 2.0, List.of());
    }

    public PolicyRules withVetoes(List<Veto> v) {
        return new PolicyRules(sampleSeed, sharpen, v);
    }

    /** Always the likeliest command (evaluation of a policy's own preference, tests). */
    public PolicyRules greedy() {
        return new PolicyRules(-1, sharpen, vetoes);
    }
}
