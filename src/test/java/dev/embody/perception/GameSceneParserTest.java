package dev.embody.perception;

import dev.embody.loop.Entity;
import dev.embody.loop.Goal;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;
import dev.embody.loop.Terrain;
import dev.embody.sim.SimGame;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GameSceneParserTest {

    @Test
    void findsWhatTheGameDrewFromPixelsAlone() {
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            for (long seed = 1; seed <= 30; seed++) {
                for (int d = 1; d <= 3; d++) {
                    SimGame game = SimGame.of(seed, d, SimGame.COLLECT_COINS, Duration.ofSeconds(60));
                    Scene scene = parser.gather(new Observation(0, 0, game.render()), null);

                    Entity player = scene.player().orElseThrow();
                    assertThat(player.x()).isCloseTo(game.playerX(), within(1.0));
                    assertThat(player.y()).isCloseTo(game.playerY(), within(1.0));
                    assertThat(scene.all("coin")).hasSize(game.coinsLeft().size());
                    for (int[] c : game.coinsLeft()) {
                        double cx = game.level().terrain().centreX(c[0]), cy = game.level().terrain().centreY(c[1]);
                        assertThat(scene.nearest("coin", cx, cy).orElseThrow().distanceTo(cx, cy)).isLessThan(1.5);
                    }
                    Entity flag = scene.first("flag").orElseThrow();
                    Terrain truth = game.level().terrain();
                    assertThat(truth.colOf(flag.x())).isEqualTo(game.level().flag()[0]);
                    assertThat(truth.rowOf(flag.y())).isEqualTo(game.level().flag()[1]);

                    Terrain seen = scene.terrain();
                    assertThat(seen.cols()).isEqualTo(truth.cols());
                    assertThat(seen.rows()).isEqualTo(truth.rows());
                    assertThat(seen.originY()).isEqualTo(truth.originY());
                    assertThat(seen.cells()).as("seed %d difficulty %d terrain", seed, d).isEqualTo(truth.cells());
                }
            }
        }
    }

    @Test
    void seesNothingInABlankFrame() {
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            Scene s = parser.gather(new Observation(0, 0, new dev.embody.loop.Frame(320, 180, new byte[320 * 180 * 3])), null);
            assertThat(s.entities()).isEmpty();
            assertThat(s.terrain()).isNull();
            assertThat(s.summary()).contains("player=?");
        }
    }
}
