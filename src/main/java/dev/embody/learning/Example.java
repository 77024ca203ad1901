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
        CORRECTION,
        /**
         * a step the policy decided while the operator watched and said nothing, far enough from the next correction
         * that it did not lead into the mistake (the operator's silence is a weak yes: as in Sirius, "robot learning on
         * the job", intervention-guided deployment data)
         */
        APPROVAL
    }

    /** Corrections are rare and precisely where the policy was wrong: they count more. */
    public static final float CORRECTION_WEIGHT = 2f;

    /** Silence is a weaker signal than words. */
    public static final float APPROVAL_WEIGHT = 0.5f;

    /** Whether the label differs from the command before it (the first step of an episode has none: not a change). */
    public boolean changesCommand() {
        return input.previous() != null && !label.equals(input.previous());
    }
}
