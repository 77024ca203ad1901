package dev.embody.loop;

import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SkillExecutorTest {

    private static int freeDirection(SimGame g, String[] names) {
        var t = g.level().terrain();
        int c = g.level().start()[0], r = g.level().start()[1];
        int[][] d = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
        for (int i = 0; i < 4; i++) {
            if (t.walkable(c + d[i][0], r + d[i][1]) && t.walkable(c + 2 * d[i][0], r + 2 * d[i][1])) {
                return i;
            }
        }
        throw new IllegalStateException("boxed in");
    }

    @Test
    void aMoveHoldsTheKeyForItsDurationThenLetsGo() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        SimGameTarget target = new SimGameTarget(SimGame.of(4, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(60)));
        SimGame g = target.game();
        String[] names = {"left", "right", "up", "down"};
        int dir = freeDirection(g, names);
        int x0 = g.playerX(), y0 = g.playerY();
        var ex = new SkillExecutor(lib).run(SkillCall.of("move", "direction", names[dir], "amount", "large"), Scene.empty(640, 360, "px"),
                target.actuator(), () -> false);
        assertThat(ex.sent()).containsExactly("hold " + names[dir].toUpperCase() + " 400ms");
        assertThat(ex.interrupted()).isFalse();
        assertThat(Math.abs(g.playerX() - x0) + Math.abs(g.playerY() - y0)).isEqualTo(40);
        assertThat(g.heldKeys()).isEmpty();
        assertThat(g.timeNanos()).isEqualTo(400_000_000L);
    }

    @Test
    void aCancelledHoldStopsShortAndReleases() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        SimGameTarget target = new SimGameTarget(SimGame.of(4, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(60)));
        AtomicInteger checks = new AtomicInteger();
        var ex = new SkillExecutor(lib).run(SkillCall.parse("move(direction=up, amount=large)"), Scene.empty(640, 360, "px"),
                target.actuator(), () -> checks.incrementAndGet() > 5);
        assertThat(ex.interrupted()).isTrue();
        assertThat(ex.sent()).containsExactly("hold UP 400ms (cut short)");
        assertThat(target.game().timeNanos()).isLessThan(100_000_000L);
        assertThat(target.game().heldKeys()).isEmpty();
    }

    @Test
    void stopReleasesWhateverIsHeld() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        SimGameTarget target = new SimGameTarget(SimGame.of(4, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(60)));
        target.actuator().keyDown("RIGHT");
        var ex = new SkillExecutor(lib).run(SkillCall.of("stop"), Scene.empty(640, 360, "px"), target.actuator(), () -> false);
        assertThat(ex.sent()).containsExactly("release_all");
        assertThat(target.game().heldKeys()).isEmpty();
    }
}
