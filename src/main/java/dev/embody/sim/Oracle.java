package dev.embody.sim;

import dev.embody.curation.TagCuration;
import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
import dev.embody.loop.Goal;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Observation;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.loop.Terrain;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.skill.Primitive;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.awt.event.KeyEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a player who sees the game's true state would do: the true scene (the level's terrain, the player, the coins
 * left, the flag), the nearest reachable target by path length, and the scene planner's command on that. The agent
 * never sees this; the simulated operator, demonstrations and benchmarks do.
 *
 * <pre>{@code
 * Oracle oracle = new Oracle(library);
 * SkillCall best = oracle.act(game, game.goal());     // e.g. move(direction=up, amount=large)
 * Policy demo = oracle.asPolicy(game);                 // plays the game from the truth, for demonstrations
 * }</pre>
 * Not thread-safe (the planner inside keeps a motion gain); use one per thread.
 */
public final class Oracle {

    private final SkillLibrary library;
    private final ScenePlannerPolicy planner;
    private final TagCuration curation = new TagCuration();

    public Oracle(SkillLibrary library) {
        this.library = library;
        // the game's true speed: 100 px per second held, i.e. 0.1 px per ms; the oracle never has to learn it
        this.planner = new ScenePlannerPolicy(library, SimGame.SPEED / 1000.0);
    }

    public SkillLibrary library() {
        return library;
    }

    /** The command the oracle would send now. */
    public SkillCall act(SimGame game, Goal goal) {
        return decide(game, goal).call();
    }

    /** The oracle's decision now, with its reason ("path of 7 cells; up for 60"). */
    public Decision decide(SimGame game, Goal goal) {
        Scene scene = scene(game);
        Task task = task(game, goal);
        Decision d = planner.plan(new PlanningContext(null, scene, task, Reflection.first(), curation.curate(task, scene, library, null), null, null));
        return new Decision(d.call(), d.scores(), "oracle", d.why());
    }

    /** The game as it truly is, in the same form perception gives the agent: entities in pixels and the level's grid. */
    public static Scene scene(SimGame game) {
        Terrain t = game.level().terrain();
        List<Entity> entities = new ArrayList<>();
        int r = SimGame.PLAYER_RADIUS;
        entities.add(new Entity("player", game.playerX(), game.playerY(), 2 * r, 2 * r));
        for (int[] c : game.coinsLeft()) {
            entities.add(new Entity("coin", t.centreX(c[0]), t.centreY(c[1]), 2 * SimGame.COIN_RADIUS, 2 * SimGame.COIN_RADIUS));
        }
        int[] f = game.level().flag();
        entities.add(new Entity("flag", t.centreX(f[0]), t.centreY(f[1]), t.cellSize(), t.cellSize()));
        return new Scene(SimGame.WIDTH, SimGame.HEIGHT, "px", entities, t);
    }

    /** Information gathering that reads the true state instead of pixels: fast, exact, for tests and data generation. */
    public static InformationGathering truth(SimGame game) {
        return (Observation observation, dev.embody.loop.Memory memory) -> scene(game);
    }

    /** The subtask the oracle works on: the nearest coin left by path length (or the flag, for a flag goal). */
    public Task task(SimGame game, Goal goal) {
        Terrain t = game.level().terrain();
        String g = goal.text().toLowerCase(Locale.ROOT);
        int[] target = null;
        String kind;
        if (g.contains("flag")) {
            kind = "flag";
            target = game.level().flag();
        } else {
            kind = "coin";
            int[] dist = t.distancesFrom(t.colOf(game.playerX()), t.rowOf(game.playerY()));
            int best = Integer.MAX_VALUE;
            for (int[] c : game.coinsLeft()) {
                int d = dist[c[1] * t.cols() + c[0]];
                if (d >= 0 && d < best) {
                    best = d;
                    target = c;
                }
            }
        }
        if (target == null) {
            return Task.of(goal.text(), "done", "no " + kind + " left to reach");
        }
        double x = t.centreX(target[0]), y = t.centreY(target[1]);
        return new Task(goal.text(), "navigate", String.format(Locale.ROOT, "go to the %s at (%.0f, %.0f)", kind, x, y), kind, x, y);
    }

    /**
     * What it costs to reach every target the goal allows (each coin left, or the flag) from (x, y), in the order of
     * {@link SimGame#coinsLeft()}, priced as the oracle's planner prices paths: a cell next to lava costs
     * {@link #LAVA_PENALTY} more; infinite for one that cannot be reached.
     */
    public static double[] costsToTargets(SimGame game, Goal goal, double x, double y) {
        Terrain t = game.level().terrain();
        List<int[]> targets = targets(game, goal);
        double[] out = new double[targets.size()];
        int c = t.colOf(x), r = t.rowOf(y);
        for (int i = 0; i < out.length; i++) {
            out[i] = t.inside(c, r) ? costsTo(t, targets.get(i)[0], targets.get(i)[1])[r * t.cols() + c] : Double.POSITIVE_INFINITY;
        }
        return out;
    }

    /** The cells the goal sends the player to: each coin left, or the flag. */
    public static List<int[]> targets(SimGame game, Goal goal) {
        return goal.text().toLowerCase(Locale.ROOT).contains("flag") ? List.of(game.level().flag()) : game.coinsLeft();
    }

    /** The same surcharge the scene planner puts on cells next to lava. */
    public static final double LAVA_PENALTY = 6;

    /** Dijkstra backwards from a cell: what the cheapest path from each cell to it costs (entering a cell costs 1, more near lava). */
    private static double[] costsTo(Terrain t, int col, int row) {
        double[] cost = new double[t.cols() * t.rows()];
        java.util.Arrays.fill(cost, Double.POSITIVE_INFINITY);
        if (!t.walkable(col, row)) {
            return cost;
        }
        java.util.PriorityQueue<double[]> open = new java.util.PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        cost[row * t.cols() + col] = 0;
        open.add(new double[]{0, row * t.cols() + col});
        int[][] moves = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        while (!open.isEmpty()) {
            double[] e = open.poll();
            int u = (int) e[1];
            if (e[0] > cost[u]) {
                continue;
            }
            int uc = u % t.cols(), ur = u / t.cols();
            double enter = 1 + (t.nearHazard(uc, ur, 1) ? LAVA_PENALTY : 0);
            for (int[] m : moves) {
                int vc = uc + m[0], vr = ur + m[1];
                if (t.walkable(vc, vr) && cost[u] + enter < cost[vr * t.cols() + vc]) {
                    cost[vr * t.cols() + vc] = cost[u] + enter;
                    open.add(new double[]{cost[vr * t.cols() + vc], vr * t.cols() + vc});
                }
            }
        }
        return cost;
    }

    /** The oracle as a policy for one game: it ignores what the agent perceived and plans on the truth. */
    public Policy asPolicy(SimGame game) {
        return new Policy() {
            @Override
            public Decision plan(PlanningContext context) {
                return decide(game, game.goal());
            }

            @Override
            public String name() {
                return "oracle";
            }
        };
    }

    /** What a command does to the player: one held arrow (or WASD) key, its push (dx, dy) and for how long. */
    public record Motion(int dx, int dy, long ms) {

        /** "left", "right", "up" or "down". */
        public String word() {
            return dx > 0 ? "right" : dx < 0 ? "left" : dy > 0 ? "down" : "up";
        }
    }

    /** The command's motion, or empty if it does not hold exactly one direction key (wait, stop). */
    public Optional<Motion> motion(SkillCall call) {
        Skill s = library.skill(call.skill()).orElse(null);
        if (s == null) {
            return Optional.empty();
        }
        var b = library.bindings(call);
        Motion found = null;
        for (Primitive p : s.body()) {
            if (p instanceof Primitive.Hold h) {
                int code = dev.embody.skill.Keys.code(SkillLibrary.fill(h.key(), b));
                int[] d = code == KeyEvent.VK_LEFT || code == KeyEvent.VK_A ? new int[]{-1, 0}
                        : code == KeyEvent.VK_RIGHT || code == KeyEvent.VK_D ? new int[]{1, 0}
                        : code == KeyEvent.VK_UP || code == KeyEvent.VK_W ? new int[]{0, -1}
                        : code == KeyEvent.VK_DOWN || code == KeyEvent.VK_S ? new int[]{0, 1} : null;
                if (d == null || found != null) {
                    return Optional.empty();
                }
                found = new Motion(d[0], d[1], SkillLibrary.parseDuration(SkillLibrary.fill(h.duration(), b)).toMillis());
            }
        }
        return Optional.ofNullable(found);
    }

    /** Where a hold would take the player from (x, y), as the game moves it, and whether it would touch lava on the way. */
    public record Preview(int x, int y, boolean lava, int moved) {
    }

    /** Plays a hold forward on the true map without touching the game: one pixel per 10 ms tick, walls stop it, lava ends it. */
    public static Preview preview(SimGame game, Motion m) {
        Terrain t = game.level().terrain();
        int x = game.playerX(), y = game.playerY(), moved = 0;
        long ticks = m.ms() * SimGame.SPEED / 1000;
        for (long i = 0; i < ticks; i++) {
            if (m.dx() != 0 && !touches(t, x + m.dx(), y, Terrain.WALL, 0)) {
                x += m.dx();
                moved++;
            }
            if (m.dy() != 0 && !touches(t, x, y + m.dy(), Terrain.WALL, 0)) {
                y += m.dy();
                moved++;
            }
            if (touches(t, x, y, Terrain.HAZARD, 1)) {
                return new Preview(x, y, true, moved);
            }
        }
        return new Preview(x, y, false, moved);
    }

    /** As the game tests it: the player's box at (x, y), shrunk by {@code inset}, overlaps a cell of that kind. */
    private static boolean touches(Terrain t, int x, int y, byte kind, int inset) {
        int r = SimGame.PLAYER_RADIUS - inset;
        for (int row = t.rowOf(y - r); row <= t.rowOf(y + r - 1); row++) {
            for (int col = t.colOf(x - r); col <= t.colOf(x + r - 1); col++) {
                if (t.at(col, row) == kind) {
                    return true;
                }
            }
        }
        return false;
    }
}
