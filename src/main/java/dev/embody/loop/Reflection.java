package dev.embody.loop;

/**
 * Self-reflection on the last step: did the action do what it should?
 *
 * @param displacement how far the player moved, in scene units
 * @param stuckSteps   consecutive moves that went nowhere
 * @param progress     something good happened (a coin taken, the goal neared)
 * @param danger       something bad is close (lava next to the player)
 */
public record Reflection(boolean moved, double displacement, boolean stuck, int stuckSteps, boolean progress,
                         boolean danger, String reason) {

    public static Reflection first() {
        return new Reflection(false, 0, false, 0, false, false, "first step");
    }
}
