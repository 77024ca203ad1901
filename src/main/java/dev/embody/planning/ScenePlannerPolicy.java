package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.loop.Terrain;
import dev.embody.skill.Primitive;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The local baseline high-level policy: path search on the perceived grid (A*, around walls, away from lava) to the
 * task's target, then the candidate move that best follows the first straight run of the path. It learns how far a
 * hold moves the player (the motion gain) from what reflection measured, so it needs no knowledge of the game's speed.
 */
public final class ScenePlannerPolicy implements Policy {

    /** Perpendicular misalignment (scene units) worth fixing before moving along a corridor. */
    private static final double ALIGN = 5;
    private static final double LAVA_PENALTY = 6;

    private final Map<SkillCall, Motion> motions = new HashMap<>();
    private double gain;

    /** What a command does: holds keys that push the player along (dx, dy) for ms milliseconds. */
    private record Motion(int dx, int dy, double ms) {
    }

    /** @param initialGain first guess of scene units moved per millisecond of hold, refined as it goes */
    public ScenePlannerPolicy(SkillLibrary library, double initialGain) {
        this.gain = initialGain;
        for (SkillCall c : library.commands()) {
            Motion m = motionOf(library, c);
            if (m != null) {
                motions.put(c, m);
            }
        }
    }

    public ScenePlannerPolicy(SkillLibrary library) {
        this(library, 0.1);
    }

    @Override
    public String name() {
        return "scene-planner";
    }

    /** A taught skill may be a move too: motions are read again from the larger library; the learned gain is kept. */
    @Override
    public Policy adapt(SkillLibrary library) {
        return new ScenePlannerPolicy(library, gain);
    }

    /**
     * Where the path to the task's target first turns: the end of its first straight run (a cell centre, in scene
     * units), or the target itself in its own cell; empty without a player, a terrain, a target or a path. What the
     * learned policy is told to head for, so a detour around a wall is a move towards it rather than away from the
     * target.
     */
    public static java.util.Optional<double[]> waypoint(Scene scene, Task task) {
        Entity p = scene.player().orElse(null);
        Terrain t = scene.terrain();
        if (p == null || t == null || !task.hasTarget()) {
            return java.util.Optional.empty();
        }
        int pc = t.colOf(p.x()), pr = t.rowOf(p.y());
        List<int[]> path = GridPaths.find(t, pc, pr, t.colOf(task.targetX()), t.rowOf(task.targetY()), LAVA_PENALTY);
        if (path.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (path.size() == 1) {
            return java.util.Optional.of(new double[]{task.targetX(), task.targetY()});
        }
        int dc = path.get(1)[0] - pc, dr = path.get(1)[1] - pr;
        int run = straightRun(path, dc, dr);
        int[] end = path.get(run);
        return java.util.Optional.of(run + 1 == path.size() ? new double[]{task.targetX(), task.targetY()} : new double[]{t.centreX(end[0]), t.centreY(end[1])});
    }

    /** The index of the last cell of the path's first straight run, which goes (dc, dr) a cell at a time. */
    private static int straightRun(List<int[]> path, int dc, int dr) {
        int run = 1;
        while (run + 1 < path.size() && path.get(run + 1)[0] - path.get(run)[0] == dc && path.get(run + 1)[1] - path.get(run)[1] == dr) {
            run++;
        }
        return run;
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        learnGain(ctx);
        Scene scene = ctx.scene();
        Task task = ctx.task();
        List<SkillCall> cands = ctx.candidates();
        if (task.done()) {
            return Decision.of(named(cands, "stop", "wait"), name(), "task done: " + task.subtask());
        }
        Entity p = scene.player().orElse(null);
        Terrain t = scene.terrain();
        if (p == null || t == null) {
            return Decision.of(named(cands, "wait", "stop"), name(), "nothing to plan on: " + (p == null ? "no player" : "no terrain"));
        }
        int pc = t.colOf(p.x()), pr = t.rowOf(p.y());
        if (!task.hasTarget()) {
            return explore(t, p, pc, pr, cands, task);
        }
        int tc = t.colOf(task.targetX()), tr = t.rowOf(task.targetY());
        List<int[]> path = GridPaths.find(t, pc, pr, tc, tr, LAVA_PENALTY);
        if (path.isEmpty()) {
            return explore(t, p, pc, pr, cands, task);
        }
        if (path.size() == 1) {
            double dx = task.targetX() - p.x(), dy = task.targetY() - p.y();
            boolean horizontal = Math.abs(dx) >= Math.abs(dy);
            double d = horizontal ? dx : dy;
            SkillCall c = closest(cands, horizontal ? (int) Math.signum(d) : 0, horizontal ? 0 : (int) Math.signum(d), Math.abs(d));
            return decide(c, cands, "in the target's cell; close in by " + Math.round(Math.abs(d)));
        }
        int dc = path.get(1)[0] - pc, dr = path.get(1)[1] - pr;
        int run = straightRun(path, dc, dr);
        double perp = dc != 0 ? t.centreY(pr) - p.y() : t.centreX(pc) - p.x();
        if (Math.abs(perp) >= ALIGN) {
            int sx = dc != 0 ? 0 : (int) Math.signum(perp), sy = dc != 0 ? (int) Math.signum(perp) : 0;
            SkillCall c = closest(cands, sx, sy, Math.abs(perp));
            // only if it leaves the player better aligned than it is
            if (c != null && motions.get(c).ms() * gain < 2 * Math.abs(perp)) {
                return decide(c, cands, "line up with the corridor first (off by " + Math.round(Math.abs(perp)) + ")");
            }
        }
        int[] end = path.get(run);
        double along = dc != 0 ? (t.centreX(end[0]) - p.x()) * dc : (t.centreY(end[1]) - p.y()) * dr;
        SkillCall c = longestWithin(cands, dc, dr, along + 2);
        if (c == null) {
            c = closest(cands, dc, dr, along);
        }
        Decision d = decide(c, cands, String.format("path of %d cells; %s for %.0f", path.size() - 1, word(dc, dr), along));
        List<Decision.Point> plan = path.stream().map(cell -> new Decision.Point(t.centreX(cell[0]), t.centreY(cell[1]))).toList();
        return new Decision(d.call(), d.scores(), d.by(), d.why(), plan);
    }

    private Decision explore(Terrain t, Entity p, int pc, int pr, List<SkillCall> cands, Task task) {
        int[][] dirs = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        int best = -1, bestRun = 0;
        for (int i = 0; i < dirs.length; i++) {
            int run = 0;
            while (run < 6 && t.walkable(pc + dirs[i][0] * (run + 1), pr + dirs[i][1] * (run + 1))
                    && !t.nearHazard(pc + dirs[i][0] * (run + 1), pr + dirs[i][1] * (run + 1), 0)) {
                run++;
            }
            if (run > bestRun) {
                bestRun = run;
                best = i;
            }
        }
        if (best < 0) {
            return Decision.of(named(cands, "wait", "stop"), name(), "no way to go: " + task.subtask());
        }
        SkillCall c = longestWithin(cands, dirs[best][0], dirs[best][1], bestRun * t.cellSize());
        return decide(c, cands, "explore " + word(dirs[best][0], dirs[best][1]) + ": " + task.subtask());
    }

    private Decision decide(SkillCall c, List<SkillCall> cands, String why) {
        if (c == null) {
            return Decision.of(named(cands, "wait", "stop"), name(), "no candidate moves that way; " + why);
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (SkillCall k : cands) {
            scores.put(k.toString(), k.equals(c) ? 1.0 : 0.0);
        }
        return new Decision(c, scores, name(), why);
    }

    private SkillCall longestWithin(List<SkillCall> cands, int dx, int dy, double limit) {
        SkillCall best = null;
        double bestD = -1;
        for (SkillCall c : cands) {
            Motion m = motions.get(c);
            if (m != null && m.dx() == dx && m.dy() == dy) {
                double d = m.ms() * gain;
                if (d <= limit && d > bestD) {
                    best = c;
                    bestD = d;
                }
            }
        }
        return best;
    }

    private SkillCall closest(List<SkillCall> cands, int dx, int dy, double distance) {
        SkillCall best = null;
        double bestErr = Double.MAX_VALUE;
        for (SkillCall c : cands) {
            Motion m = motions.get(c);
            if (m != null && m.dx() == dx && m.dy() == dy) {
                double err = Math.abs(m.ms() * gain - distance);
                if (err < bestErr) {
                    best = c;
                    bestErr = err;
                }
            }
        }
        return best;
    }

    /** Refines the gain from the last move: how far it went per millisecond held, when nothing stopped it. */
    private void learnGain(PlanningContext ctx) {
        SkillCall prev = ctx.previous();
        var r = ctx.reflection();
        Motion m = prev == null ? null : motions.get(prev);
        if (m != null && r.moved() && !r.stuck() && r.displacement() > 0 && m.ms() > 0) {
            double measured = r.displacement() / m.ms();
            if (measured > gain * 0.3 && measured < gain * 3) {
                gain = 0.7 * gain + 0.3 * measured;
            }
        }
    }

    public double gain() {
        return gain;
    }

    private static SkillCall named(List<SkillCall> cands, String... names) {
        for (String n : names) {
            for (SkillCall c : cands) {
                if (c.skill().equals(n)) {
                    return c;
                }
            }
        }
        return cands.get(0);
    }

    private static String word(int dx, int dy) {
        return dx > 0 ? "right" : dx < 0 ? "left" : dy > 0 ? "down" : "up";
    }

    /** A command's motion if its skill is a single held direction key (arrows or WASD); null otherwise. */
    private static Motion motionOf(SkillLibrary library, SkillCall c) {
        Skill s = library.skill(c.skill()).orElseThrow();
        Map<String, String> b = library.bindings(c);
        Motion found = null;
        for (Primitive p : s.body()) {
            if (p instanceof Primitive.Hold h) {
                String key = SkillLibrary.fill(h.key(), b).toUpperCase(Locale.ROOT);
                int[] d = switch (key) {
                    case "LEFT", "A" -> new int[]{-1, 0};
                    case "RIGHT", "D" -> new int[]{1, 0};
                    case "UP", "W" -> new int[]{0, -1};
                    case "DOWN", "S" -> new int[]{0, 1};
                    default -> null;
                };
                if (d == null || found != null) {
                    return null;
                }
                found = new Motion(d[0], d[1], SkillLibrary.parseDuration(SkillLibrary.fill(h.duration(), b)).toMillis());
            }
        }
        return found;
    }
}
