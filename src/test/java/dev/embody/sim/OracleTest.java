package dev.embody.sim;

import dev.embody.loop.Goal;
import dev.embody.loop.Outcome;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The oracle's view of the game agrees with the game itself. */
class OracleTest {

    static SkillLibrary library;

    @BeforeAll
    static void load() throws Exception {
        library = SkillLibrary.load(Path.of("skills", "sim-game"));
    }

    @Test
    void aPreviewOfAHoldEndsWhereTheGameDoes() {
        int lava = 0, walls = 0;
        int[][] dirs = {{-1, 0, KeyEvent.VK_LEFT}, {1, 0, KeyEvent.VK_RIGHT}, {0, -1, KeyEvent.VK_UP}, {0, 1, KeyEvent.VK_DOWN}};
        for (int difficulty = 1; difficulty <= 3; difficulty++) {
            for (long seed = 1; seed <= 6; seed++) {
                for (int[] d : dirs) {
                    SimGame game = SimGame.of(seed, difficulty, SimGame.REACH_FLAG, Duration.ofSeconds(90));
                    Oracle.Preview p = Oracle.preview(game, new Oracle.Motion(d[0], d[1], 3000));
                    game.keyDown(d[2]);
                    game.advance(Duration.ofMillis(3000));
                    boolean burnt = game.outcome() == Outcome.FAILURE;
                    assertThat(p.lava()).as("seed %d/%d dir %d,%d", seed, difficulty, d[0], d[1]).isEqualTo(burnt);
                    if (game.outcome() == Outcome.RUNNING) {
                        assertThat(new int[]{p.x(), p.y()}).containsExactly(game.playerX(), game.playerY());
                        walls += p.moved() < 300 ? 1 : 0;
                    }
                    lava += burnt ? 1 : 0;
                }
            }
        }
        // the sample has both endings: some holds run into lava, some stop at walls
        assertThat(lava).isPositive();
        assertThat(walls).isPositive();
    }

    @Test
    void motionsComeFromTheSkillsKeys() {
        Oracle oracle = new Oracle(library);
        assertThat(oracle.motion(SkillCall.parse("move(direction=left, amount=small)"))).get()
                .isEqualTo(new Oracle.Motion(-1, 0, 100));
        assertThat(oracle.motion(SkillCall.parse("move(direction=down, amount=large)")).orElseThrow().word()).isEqualTo("down");
        assertThat(oracle.motion(SkillCall.parse("wait(duration=short)"))).isEmpty();
        assertThat(oracle.motion(SkillCall.of("stop"))).isEmpty();
    }

    @Test
    void theTrueSceneAndTaskComeFromTheGame() {
        SimGame game = SimGame.of(2, 2, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        var scene = Oracle.scene(game);
        assertThat(scene.player().orElseThrow().x()).isEqualTo(game.playerX());
        assertThat(scene.all("coin")).hasSize(game.coinsLeft().size());
        assertThat(scene.terrain()).isSameAs(game.level().terrain());
        var task = new Oracle(library).task(game, SimGame.COLLECT_COINS);
        assertThat(task.targetKind()).isEqualTo("coin");
        assertThat(new Oracle(library).task(game, SimGame.REACH_FLAG).targetKind()).isEqualTo("flag");
        assertThat(new Oracle(library).act(game, game.goal()).skill()).isEqualTo("move");
    }
}
