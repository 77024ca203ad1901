package dev.embody.task;

import dev.embody.sim.SimGame;
import dev.embody.loop.Entity;
import dev.embody.loop.Goal;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GoalTaskInferenceTest {

    private static final Scene SCENE = new Scene(640, 360, "px", List.of(new Entity("player", 100, 100, 12, 12),
            new Entity("coin", 300, 100, 10, 10), new Entity("coin", 140, 100, 10, 10), new Entity("flag", 500, 300, 12, 8)), null);

    @Test
    void goesForTheNearestCoinOrTheFlag() {
        Task t = new GoalTaskInference().infer(SimGame.COLLECT_COINS, null, SCENE, Reflection.first(), null, null);
        assertThat(t.kind()).isEqualTo("navigate");
        assertThat(t.targetX()).isEqualTo(140);
        assertThat(t.subtask()).isEqualTo("go to the coin at (140, 100)");
        Task f = new GoalTaskInference().infer(new Goal("Now go to the flag"), null, SCENE, Reflection.first(), null, null);
        assertThat(f.targetKind()).isEqualTo("flag");
    }

    @Test
    void setsAsideATargetItKeepsGettingStuckOn() {
        GoalTaskInference tasks = new GoalTaskInference();
        Task first = tasks.infer(SimGame.COLLECT_COINS, null, SCENE, Reflection.first(), null, null);
        Reflection stuck = new Reflection(false, 0, true, 2, false, false, "did not move");
        Task next = tasks.infer(SimGame.COLLECT_COINS, null, SCENE, stuck, null, null);
        assertThat(next.targetX()).isNotEqualTo(first.targetX()).isEqualTo(300);
    }

    @Test
    void isDoneWhenNoCoinIsLeftAndSaysSoForGoalsItCannotPlan() {
        Scene none = new Scene(640, 360, "px", List.of(new Entity("player", 1, 1, 12, 12)), null);
        assertThat(new GoalTaskInference().infer(SimGame.COLLECT_COINS, null, none, Reflection.first(), null, null).done()).isTrue();
        Task odd = new GoalTaskInference().infer(new Goal("bake a cake"), null, SCENE, Reflection.first(), null, null);
        assertThat(odd.kind()).isEqualTo("idle");
        assertThat(odd.subtask()).contains("no plan for the goal 'bake a cake'");
    }
}
