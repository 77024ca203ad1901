package dev.embody.learning;

import dev.embody.planning.PolicyInput;

/**
 * One training example: what the policy saw (downscaled frame, task, previous command) and the command it should have
 * chosen, where that label came from, and how much it counts.
 *
 * @param origin where it was taken from, e.g. "episode-id#17"
 */
public record Example(PolicyInput input, String label, Source source, float weight, String origin) {

    public enum Source {
        /** a whole episode played by the oracle or a person */
        DEMONSTRATION,
        /** a step where the operator overrode the policy */
        CORRECTION
    }

    /** Corrections are rare and precisely where the policy was wrong: they count more. */
    public static final float CORRECTION_WEIGHT = 2f;
}
