package dev.embody.loop;

/**
 * Self-reflection on the last step: did the action do what it should?
 *
 * @param moved        the last action had an effect where it acted (the player moved, the screen changed there)
 * @param displacement how far the player moved, in scene units, or how much of the screen changed (0..1)
 * @param stuckSteps   consecutive actions that changed nothing
 * @param progress     something good happened (what counts is the module's: a coin taken, a template appeared)
 * @param danger       something bad is close (what counts is the module's)
 */
public record Reflection(boolean moved, double displacement, boolean stuck, int stuckSteps, boolean progress,
                         boolean danger, String reason) {

    public static Reflection first() {
        return new Reflection(false, 0, false, 0, false, false, "first step");
    }
}
