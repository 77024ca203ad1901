package dev.embody.bench;

import dev.embody.loop.Goal;
import dev.embody.loop.Outcome;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimWindow;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The simulated game as an ordinary desktop program, for demos and desktop tests: a Swing window that takes real key
 * events and runs on the wall clock (a person plays it, or a desktop agent in another process), and its end-of-level
 * banners as template images.
 */
public final class GameWindow {

    /** The title a desktop agent finds the game's window by. */
    public static final String TITLE = "embody sim-window";
    /** The game's own resolution: the window is a whole multiple of it. */
    public static final int WIDTH = SimGame.WIDTH, HEIGHT = SimGame.HEIGHT;

    private GameWindow() {
    }

    /** How a level a person played came out. */
    public record Played(String outcome, int coins, int coinsTotal, double gameSeconds) {
    }

    /** One level for a person to play (arrow keys or WASD); blocks until it ends or the window is closed. */
    public static Played play(long seed, int difficulty, Goal goal, Duration timeLimit) throws InterruptedException {
        SimGame game = SimGame.of(seed, difficulty, goal, timeLimit);
        SimWindow.play(game, "embody sim-game seed " + seed, 1500);
        return new Played(game.outcome().label(), game.coinsCollected(), game.level().coins().size(), game.timeNanos() / 1e9);
    }

    /**
     * Levels seed, seed+1, ... played one after another in one window titled {@link #TITLE}; every key event and level
     * change is told to {@code events}. Blocks until the last level ends or the window is closed.
     *
     * @return the levels won
     */
    public static long playLevels(long seed, int levels, int difficulty, Goal goal, Duration timeLimit, long lingerMs, int scale,
                                  Consumer<String> events) throws InterruptedException {
        List<SimGame> games = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            games.add(SimGame.of(seed + i, difficulty, goal, timeLimit));
        }
        SimWindow.playLevels(games, TITLE, lingerMs, scale, events::accept);
        return games.stream().filter(g -> g.outcome() == Outcome.SUCCESS).count();
    }

    /** A still picture of a level in a window titled {@link #TITLE}, so the window's own repainting competes with nothing. */
    public static void showStill(long seed, int difficulty, Goal goal, int scale) {
        SimWindow.view(TITLE, scale).accept(SimGame.of(seed, difficulty, goal, Duration.ofSeconds(3600)).render());
    }

    /** The end-of-level banners as templates (DIR/level-won.png, DIR/level-lost.png), drawn with the game's shipped font. */
    public static void writeBannerTemplates(Path dir, Consumer<Path> written) throws IOException {
        Files.createDirectories(dir);
        for (boolean won : new boolean[]{true, false}) {
            Path png = dir.resolve(won ? "level-won.png" : "level-lost.png");
            ImageIO.write(SimWindow.bannerTemplate(won), "png", png.toFile());
            written.accept(png);
        }
    }
}
