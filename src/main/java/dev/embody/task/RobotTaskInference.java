package dev.embody.task;

import dev.embody.loop.Entity;
import dev.embody.loop.Goal;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.loop.TaskInference;

import java.util.Locale;
import java.util.Optional;

/**
 * Task inference for a tabletop robot, scene in table metres: "reach the target marker" is one subtask (go to the
 * target); "... then push the block onto the goal zone" adds a second once the target is reached. It remembers where
 * the target and goal were last seen, since the robot or the block may cover them.
 */
public final class RobotTaskInference implements TaskInference {

    /** The target counts as reached (by the agent's own eyes) within this distance of the robot's centre, metres. */
    public static final double REACHED = 0.03;
    /** The block counts as on the goal within this distance, metres. */
    public static final double ON_GOAL = 0.03;

    private double[] target;
    private double[] goalZone;
    private boolean reached;

    public static final String REACH = "reach the target marker";
    public static final String REACH_AND_PUSH = "reach the target marker, then push the block onto the goal zone";

    @Override
    public boolean understands(Goal goal) {
        String g = goal.text();
        return g.contains("target") || g.contains("marker") || g.contains("block") || g.contains("push");
    }

    @Override
    public java.util.List<String> goals() {
        return java.util.List.of(REACH, REACH_AND_PUSH);
    }

    @Override
    public Task infer(Goal goal, Observation now, Scene scene, Reflection reflection, dev.embody.skill.SkillLibrary skills, Memory memory) {
        String g = goal.text().toLowerCase(Locale.ROOT);
        scene.first("target").ifPresent(t -> target = new double[]{t.x(), t.y()});
        scene.first("goal").ifPresent(t -> goalZone = new double[]{t.x(), t.y()});
        Optional<Entity> robot = scene.first("robot");
        boolean wantsTarget = g.contains("target") || g.contains("marker");
        boolean wantsPush = g.contains("block") || g.contains("push");
        if (!wantsTarget && !wantsPush) {
            return Task.of(goal.text(), "idle", "no plan for the goal '" + goal.text() + "' (try 'reach the target marker' or 'reach the target marker, then push the block onto the goal zone')");
        }
        if (robot.isEmpty()) {
            return Task.of(goal.text(), "idle", "look for the robot: its marker is not in view");
        }
        Entity r = robot.get();
        if (wantsTarget && !reached) {
            if (target == null) {
                return Task.of(goal.text(), "idle", "look for the target marker: not seen yet");
            }
            if (Math.hypot(target[0] - r.x(), target[1] - r.y()) <= REACHED) {
                reached = true;
            } else {
                return new Task(goal.text(), "navigate", String.format(Locale.ROOT, "drive to the target marker at (%.3f, %.3f) m", target[0], target[1]),
                        "target", target[0], target[1]);
            }
        }
        if (!wantsPush) {
            return Task.of(goal.text(), "done", "at the target marker");
        }
        Optional<Entity> block = scene.first("block");
        if (goalZone == null) {
            return Task.of(goal.text(), "idle", "look for the goal zone: not seen yet");
        }
        if (block.isEmpty()) {
            return Task.of(goal.text(), "idle", "look for the block: not in view");
        }
        if (Math.hypot(block.get().x() - goalZone[0], block.get().y() - goalZone[1]) <= ON_GOAL) {
            return Task.of(goal.text(), "done", "the block is on the goal zone");
        }
        return new Task(goal.text(), "push", String.format(Locale.ROOT, "push the block at (%.3f, %.3f) onto the goal zone at (%.3f, %.3f) m",
                block.get().x(), block.get().y(), goalZone[0], goalZone[1]), "goal", goalZone[0], goalZone[1]);
    }
}
