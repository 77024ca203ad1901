package dev.embody.loop;

/**
 * The current subtask that task inference derived from the goal.
 *
 * @param kind       what sort of work it is ("navigate", "explore", "done", "idle"); skill curation reads it
 * @param subtask    in words, for people and for the learned policy
 * @param targetKind what it goes for ("coin", "flag"...), or null
 * @param targetX    where, in scene units, or NaN
 */
public record Task(String goal, String kind, String subtask, String targetKind, double targetX, double targetY) {

    public static Task of(String goal, String kind, String subtask) {
        return new Task(goal, kind, subtask, null, Double.NaN, Double.NaN);
    }

    public boolean hasTarget() {
        return !Double.isNaN(targetX) && !Double.isNaN(targetY);
    }

    public boolean done() {
        return "done".equals(kind);
    }
}
