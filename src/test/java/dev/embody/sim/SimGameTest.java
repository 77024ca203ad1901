package dev.embody.sim;

import dev.embody.loop.Goal;
import dev.embody.loop.Outcome;
import dev.embody.loop.Terrain;
import org.junit.jupiter.api.Test;

import java.awt.event.KeyEvent;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SimGameTest {

    @Test
    void theSameSeedMakesTheSameLevelAndEveryLevelIsSolvable() {
        Level a = Level.generate(42, 2), b = Level.generate(42, 2);
        assertThat(a.terrain().cells()).isEqualTo(b.terrain().cells());
        assertThat(a.start()).isEqualTo(b.start());
        assertThat(Level.generate(43, 2).terrain().cells()).isNotEqualTo(a.terrain().cells());
        for (int seed = 0; seed < 200; seed++) {
            for (int d = 1; d <= 3; d++) {
                Level l = Level.generate(seed, d);
                int[] dist = l.terrain().distancesFrom(l.start()[0], l.start()[1]);
                for (int[] c : l.coins()) {
                    assertThat(dist[c[1] * Level.COLS + c[0]]).as("seed %d difficulty %d coin reachable", seed, d).isPositive();
                }
                assertThat(dist[l.flag()[1] * Level.COLS + l.flag()[0]]).isPositive();
                assertThat(l.coins()).hasSize(Math.min(6, 2 + d));
            }
        }
    }

    @Test
    void thePlayerMovesOnlyWhileAKeyIsHeldAndOnlyInGameTime() {
        SimGame g = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(60));
        int x0 = g.playerX(), y0 = g.playerY();
        g.advance(Duration.ofMillis(500));
        assertThat(g.playerX()).isEqualTo(x0);
        int dir = freeDirection(g);
        g.keyDown(dir);
        g.advance(Duration.ofMillis(100));
        g.keyUp(dir);
        g.advance(Duration.ofMillis(300));
        assertThat(Math.abs(g.playerX() - x0) + Math.abs(g.playerY() - y0)).isEqualTo(10); // 100 px/s for 100 ms
        assertThat(g.timeNanos()).isEqualTo(900_000_000L);
    }

    /** A hand-made 6x5 arena: start at (1,2), a wall at (3,1), lava at (4,2), a coin at (1,1), the flag at (1,3). */
    private static Level tiny() {
        byte[] cells = new byte[Level.COLS * Level.ROWS];
        java.util.Arrays.fill(cells, Terrain.WALL);
        for (int r = 1; r <= 3; r++) {
            for (int c = 1; c <= 4; c++) {
                cells[r * Level.COLS + c] = Terrain.FREE;
            }
        }
        cells[1 * Level.COLS + 3] = Terrain.WALL;
        cells[2 * Level.COLS + 4] = Terrain.HAZARD;
        Terrain t = new Terrain(0, Level.TOP, Level.CELL, Level.COLS, Level.ROWS, cells, "lava");
        return new Level(0, 1, t, java.util.List.of(new int[]{1, 1}), new int[]{1, 3}, new int[]{1, 2});
    }

    @Test
    void wallsBlock() {
        SimGame g = new SimGame(tiny(), SimGame.COLLECT_COINS, Duration.ofSeconds(60));
        g.keyDown(KeyEvent.VK_LEFT);
        g.advance(Duration.ofSeconds(2));
        g.keyUp(KeyEvent.VK_LEFT);
        // the wall at column 0 ends at x=20; the player's half-width is 6
        assertThat(g.playerX()).isEqualTo(Level.CELL + SimGame.PLAYER_RADIUS);
        assertThat(g.outcome()).isEqualTo(Outcome.RUNNING);
    }

    @Test
    void lavaFails() {
        SimGame g = new SimGame(tiny(), SimGame.COLLECT_COINS, Duration.ofSeconds(60));
        g.keyDown(KeyEvent.VK_D); // WASD works like the arrows
        g.advance(Duration.ofSeconds(2));
        assertThat(g.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(g.ending()).isEqualTo("touched lava");
        int x = g.playerX();
        g.advance(Duration.ofSeconds(1));
        assertThat(g.playerX()).as("an ended game does not move").isEqualTo(x);
    }

    @Test
    void takingTheCoinOrReachingTheFlagSucceeds() {
        SimGame coins = new SimGame(tiny(), SimGame.COLLECT_COINS, Duration.ofSeconds(60));
        coins.keyDown(KeyEvent.VK_UP);
        coins.advance(Duration.ofMillis(200));
        assertThat(coins.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(coins.coinsCollected()).isEqualTo(1);

        SimGame flag = new SimGame(tiny(), SimGame.REACH_FLAG, Duration.ofSeconds(60));
        flag.keyDown(KeyEvent.VK_S);
        flag.advance(Duration.ofMillis(200));
        assertThat(flag.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(flag.ending()).isEqualTo("reached the flag");
    }

    @Test
    void theClockEndsAnEpisode() {
        SimGame idle = SimGame.of(1, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(2));
        idle.advance(Duration.ofSeconds(3));
        assertThat(idle.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(idle.timeNanos()).isEqualTo(2_000_000_000L);
    }

    @Test
    void rendersA640x360FrameWithTheHudBand() {
        SimGame g = SimGame.of(1, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(60));
        var f = g.render();
        assertThat(f.width()).isEqualTo(640);
        assertThat(f.height()).isEqualTo(360);
        assertThat(f.rgb(g.playerX(), g.playerY())).isEqualTo(SimGame.PLAYER.getRGB() & 0xffffff);
        assertThat(f.rgb(5, Level.TOP + 5)).isEqualTo(SimGame.WALL.getRGB() & 0xffffff);
    }

    private static int freeDirection(SimGame g) {
        Terrain t = g.level().terrain();
        int c = g.level().start()[0], r = g.level().start()[1];
        if (t.at(c + 1, r) == Terrain.FREE) {
            return KeyEvent.VK_RIGHT;
        }
        if (t.at(c - 1, r) == Terrain.FREE) {
            return KeyEvent.VK_LEFT;
        }
        if (t.at(c, r + 1) == Terrain.FREE) {
            return KeyEvent.VK_DOWN;
        }
        return KeyEvent.VK_UP;
    }
}
