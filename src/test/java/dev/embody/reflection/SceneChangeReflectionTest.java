package dev.embody.reflection;

import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
import dev.embody.loop.Latency;
import dev.embody.loop.Outcome;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Step;
import dev.embody.loop.Task;
import dev.embody.skill.SkillCall;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SceneChangeReflectionTest {

    private static Scene scene(double px, double py, int coins) {
        List<Entity> e = new java.util.ArrayList<>(List.of(new Entity("player", px, py, 12, 12)));
        for (int i = 0; i < coins; i++) {
            e.add(new Entity("coin", 100 + 20 * i, 100, 10, 10));
        }
        return new Scene(640, 360, "px", e, null);
    }

    private static Step step(Scene s, Reflection r, List<String> sent) {
        return new Step(0, 0, 0, 0, s, r, Task.of("g", "navigate", "go"), List.of(),
                Decision.of(SkillCall.parse("move(direction=left, amount=small)"), "test", ""), null, sent, false,
                Outcome.RUNNING, new Latency(0, 0, 0, 0, 0, 0, 0), false, null, List.of(), List.of());
    }

    @Test
    void seesMovementProgressAndBeingStuck() {
        SceneChangeReflection reflection = new SceneChangeReflection();
        Reflection first = reflection.reflect(null, null, scene(50, 50, 2), null);
        assertThat(first.reason()).isEqualTo("first step");

        Reflection moved = reflection.reflect(step(scene(50, 50, 2), first, List.of("hold LEFT 100ms")), null, scene(40, 50, 1), null);
        assertThat(moved.moved()).isTrue();
        assertThat(moved.displacement()).isEqualTo(10.0);
        assertThat(moved.progress()).isTrue();
        assertThat(moved.reason()).isEqualTo("moved 10 px; took a coin");

        Reflection stuck = reflection.reflect(step(scene(40, 50, 1), moved, List.of("hold LEFT 100ms")), null, scene(40, 50, 1), null);
        assertThat(stuck.stuck()).isTrue();
        Reflection stuck2 = reflection.reflect(step(scene(40, 50, 1), stuck, List.of("hold LEFT 100ms")), null, scene(40, 50, 1), null);
        assertThat(stuck2.stuckSteps()).isEqualTo(2);
        assertThat(stuck2.reason()).contains("did not move (2 times)");

        Reflection waited = reflection.reflect(step(scene(40, 50, 1), stuck2, List.of("wait 100ms")), null, scene(40, 50, 1), null);
        assertThat(waited.stuck()).as("waiting is not being stuck").isFalse();
    }

    @Test
    void saysWhenItCannotTell() {
        Reflection r = new SceneChangeReflection().reflect(step(scene(40, 50, 1), Reflection.first(), List.of()), null, Scene.empty(640, 360, "px"), null);
        assertThat(r.reason()).isEqualTo("cannot tell: player not seen now");
    }
}
