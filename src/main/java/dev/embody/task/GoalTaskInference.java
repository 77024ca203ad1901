package dev.embody.task;

import dev.embody.loop.Entity;
import dev.embody.loop.Goal;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.loop.TaskInference;
import dev.embody.loop.Terrain;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Task inference for goals of the form "collect all coins" and "reach the flag" (or "go to the flag"): the subtask is
 * to go to the nearest reachable coin, or to the flag. It keeps its target while the target is still there, so the
 * agent does not dither, and re-plans on reflection: a target it got stuck on is set aside for a while.
 */
public final class GoalTaskInference implements TaskInference {

    private static final int STUCK_LIMIT = 2;
    private static final int SET_ASIDE_STEPS = 12;

    private double[] current;
    private final Map<String, Integer> setAside = new HashMap<>();
    private long steps;

    @Override
    public boolean understands(Goal goal) {
        return goal.text().contains("coin") || goal.text().contains("flag");
    }

    @Override
    public List<String> goals() {
        return List.of("collect all coins", "reach the flag");
    }

    @Override
    public Task infer(Goal goal, Observation now, Scene scene, Reflection reflection, dev.embody.skill.SkillLibrary skills, Memory memory) {
        steps++;
        setAside.values().removeIf(until -> until < steps);
        String g = goal.text().toLowerCase(Locale.ROOT);
        Optional<Entity> player = scene.player();
        if (player.isEmpty()) {
            return Task.of(goal.text(), "idle", "look for the player: it is not on screen");
        }
        if (reflection.stuck() && reflection.stuckSteps() >= STUCK_LIMIT && current != null) {
            setAside.put(key(current[0], current[1]), (int) steps + SET_ASIDE_STEPS);
            current = null;
        }
        String kind;
        if (g.contains("flag")) {
            kind = "flag";
        } else if (g.contains("coin")) {
            kind = "coin";
        } else {
            return Task.of(goal.text(), "idle", "no plan for the goal '" + goal.text() + "' (try 'collect all coins' or 'reach the flag')");
        }
        List<Entity> targets = scene.all(kind);
        if (targets.isEmpty()) {
            current = null;
            return Task.of(goal.text(), "done", kind.equals("coin") ? "no coins left on screen" : "no flag on screen");
        }
        Entity p = player.get();
        Entity pick = null;
        if (current != null) {
            for (Entity t : targets) {
                if (t.distanceTo(current[0], current[1]) < 6) {
                    pick = t;
                }
            }
        }
        if (pick == null) {
            pick = nearestReachable(scene, p, targets);
        }
        if (pick == null) {
            return Task.of(goal.text(), "explore", "every " + kind + " looks unreachable or was set aside; look around");
        }
        current = new double[]{pick.x(), pick.y()};
        String what = kind.equals("coin") ? "the coin" : "the flag";
        return new Task(goal.text(), "navigate", String.format("go to %s at (%.0f, %.0f)", what, pick.x(), pick.y()),
                kind, pick.x(), pick.y());
    }

    private Entity nearestReachable(Scene scene, Entity p, List<Entity> targets) {
        Terrain t = scene.terrain();
        int[] dist = t == null ? null : t.distancesFrom(t.colOf(p.x()), t.rowOf(p.y()));
        Entity best = null;
        double bestD = Double.MAX_VALUE;
        for (Entity e : targets) {
            if (setAside.containsKey(key(e.x(), e.y()))) {
                continue;
            }
            double d;
            if (dist != null) {
                int c = t.colOf(e.x()), r = t.rowOf(e.y());
                d = t.inside(c, r) ? dist[r * t.cols() + c] : -1;
                if (d < 0) {
                    continue;
                }
            } else {
                d = e.distanceTo(p.x(), p.y());
            }
            if (d < bestD) {
                bestD = d;
                best = e;
            }
        }
        return best;
    }

    private static String key(double x, double y) {
        return Math.round(x / 10) + ":" + Math.round(y / 10);
    }
}
