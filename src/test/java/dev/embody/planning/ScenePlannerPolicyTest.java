package dev.embody.planning;

import dev.embody.loop.Entity;
import dev.embody.loop.Observation;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.loop.Terrain;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScenePlannerPolicyTest {

    /** 10x5 cells of 20 px, walls around; lava in the middle row at columns 4-5 unless told otherwise. */
    private static Terrain arena(int... lavaCols) {
        byte[] cells = new byte[10 * 5];
        Arrays.fill(cells, Terrain.WALL);
        for (int r = 1; r <= 3; r++) {
            for (int c = 1; c <= 8; c++) {
                cells[r * 10 + c] = Terrain.FREE;
            }
        }
        for (int c : lavaCols) {
            cells[2 * 10 + c] = Terrain.HAZARD;
        }
        return new Terrain(0, 0, 20, 10, 5, cells, "lava");
    }

    private static PlanningContext ctx(Terrain t, double px, double py, double tx, double ty, SkillLibrary lib) {
        Scene scene = new Scene(200, 100, "px", List.of(new Entity("player", px, py, 12, 12), new Entity("coin", tx, ty, 10, 10)), t);
        Task task = new Task("collect all coins", "navigate", "go to the coin", "coin", tx, ty);
        return new PlanningContext(new Observation(0, 0, null), scene, task, Reflection.first(), lib.commands(), null, null);
    }

    @Test
    void followsTheStraightRunWithTheLongestMoveThatDoesNotOvershoot() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        ScenePlannerPolicy p = new ScenePlannerPolicy(lib);
        // from (1,1) to (8,1): a straight run right; the large move (40 px) fits
        var d = p.plan(ctx(arena(), 30, 30, 170, 30, lib));
        assertThat(d.call()).isEqualTo(SkillCall.parse("move(direction=right, amount=large)"));
        // one cell away: the medium move (20 px)
        d = p.plan(ctx(arena(), 30, 30, 50, 30, lib));
        assertThat(d.call()).isEqualTo(SkillCall.parse("move(direction=right, amount=medium)"));
        assertThat(d.scores()).containsEntry("move(direction=right, amount=medium)", 1.0);
    }

    @Test
    void goesAroundLavaInsteadOfThroughIt() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        ScenePlannerPolicy p = new ScenePlannerPolicy(lib);
        // middle row (row 2) blocked by lava at columns 3..6; start (1,2) target (8,2)
        var d = p.plan(ctx(arena(3, 4, 5, 6), 30, 50, 170, 50, lib));
        assertThat(d.call().arg("direction")).isIn("up", "down");
    }

    @Test
    void linesUpWithTheCorridorBeforeMovingAlongIt() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        ScenePlannerPolicy p = new ScenePlannerPolicy(lib);
        // 8 px below the row centre: a small move up (10 px) leaves it 2 px off, better than 8
        var d = p.plan(ctx(arena(), 30, 38, 170, 30, lib));
        assertThat(d.call()).isEqualTo(SkillCall.parse("move(direction=up, amount=small)"));
    }

    @Test
    void stopsWhenTheTaskIsDoneAndWaitsWhenBlind() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        ScenePlannerPolicy p = new ScenePlannerPolicy(lib);
        Scene empty = Scene.empty(200, 100, "px");
        var done = p.plan(new PlanningContext(null, empty, Task.of("collect all coins", "done", "no coins left"), Reflection.first(), lib.commands(), null, null));
        assertThat(done.call().skill()).isEqualTo("stop");
        var blind = p.plan(new PlanningContext(null, empty, Task.of("collect all coins", "idle", "no player"), Reflection.first(), lib.commands(), null, null));
        assertThat(blind.call().skill()).isEqualTo("wait");
    }

    @Test
    void findsPathsAndNoneThroughWalls() {
        Terrain t = arena(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(GridPaths.find(t, 1, 1, 8, 1, 0)).hasSize(8);
        // row 2 is all lava: rows 1 and 3 are cut apart
        assertThat(GridPaths.find(t, 1, 1, 1, 3, 0)).isEmpty();
        assertThat(GridPaths.find(t, 1, 1, 0, 0, 0)).as("into a wall").isEmpty();
    }

    @Test
    void theWaypointIsWhereThePathFirstTurnsSoADetourPointsTowardsIt() {
        // lava at columns 4-5 of the middle row: from (1,2) to (7,2) the path goes up or down around it first
        Terrain t = arena(4, 5);
        Scene scene = new Scene(200, 100, "px", List.of(new Entity("player", 30, 50, 12, 12), new Entity("coin", 150, 50, 10, 10)), t);
        Task task = new Task("collect all coins", "navigate", "go to the coin", "coin", 150, 50);
        double[] w = ScenePlannerPolicy.waypoint(scene, task).orElseThrow();
        assertThat(w).as("the path turns before the coin, so the waypoint is that turn, not the coin").isNotEqualTo(new double[]{150, 50});
        assertThat(w[0]).isLessThan(150.0);

        // in the target's own row with nothing between: the waypoint is the target
        Terrain open = arena();
        Scene straight = new Scene(200, 100, "px", List.of(new Entity("player", 30, 50, 12, 12), new Entity("coin", 150, 50, 10, 10)), open);
        assertThat(ScenePlannerPolicy.waypoint(straight, task).orElseThrow()).containsExactly(150.0, 50.0);

        // no player, no waypoint
        Scene blind = new Scene(200, 100, "px", List.of(new Entity("coin", 150, 50, 10, 10)), open);
        assertThat(ScenePlannerPolicy.waypoint(blind, task)).isEmpty();
    }
}
