package dev.embody.cli;

import dev.embody.bench.GameWindow;
import dev.embody.loop.Goal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The game as an ordinary desktop program: a Swing window titled {@value #TITLE} that takes real key events and runs
 * on the wall clock, for a desktop agent in another process. Its stdout is the game's side of the story: every key
 * down and up with what is held, every level's start and end.
 */
@Command(name = "sim-window", mixinStandardHelpOptions = true,
        description = "Run the simulated game in a real window that takes real key events (for --target desktop).")
final class SimWindowCommand implements Callable<Integer> {

    static final String TITLE = GameWindow.TITLE;

    @Spec
    CommandSpec spec;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first level; level i plays seed+i (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--levels", defaultValue = "1", description = "Levels played one after another in the same window (default: ${DEFAULT-VALUE}).")
    int levels;
    @Option(names = "--difficulty", defaultValue = "1", description = "1..3 (default: ${DEFAULT-VALUE}).")
    int difficulty;
    @Option(names = "--goal", defaultValue = "collect all coins", description = "(default: ${DEFAULT-VALUE}).")
    String goal;
    @Option(names = "--time-limit", defaultValue = "90", description = "Seconds per level (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--linger-ms", defaultValue = "400", description = "How long the end-of-level banner stays up (default: ${DEFAULT-VALUE}).")
    long lingerMs;
    @Option(names = "--scale", defaultValue = "1", description = "Window size as a multiple of 640x360 (default: ${DEFAULT-VALUE}).")
    int scale;
    @Option(names = "--write-templates", paramLabel = "DIR", description = "Write the end-of-level banners as template images "
            + "(DIR/level-won.png, DIR/level-lost.png, drawn with the game's shipped font, as calibration/desktop/templates has them) and exit.")
    java.nio.file.Path templatesDir;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.difficulty("--difficulty", difficulty);
        o.whole("--levels", levels, 1, Integer.MAX_VALUE);
        o.whole("--scale", scale, 1, 4);
        o.text("--goal", goal);
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        o.whole("--linger-ms", lingerMs, 0, 60_000);
        if (templatesDir != null) {
            GameWindow.writeBannerTemplates(templatesDir, png -> System.out.println("wrote " + png));
            return Main.OK;
        }
        if (java.awt.GraphicsEnvironment.isHeadless()) {
            System.err.println("error: sim-window needs a display (set DISPLAY, e.g. Xvfb :41 & export DISPLAY=:41)");
            return Main.FAILED;
        }
        long won = GameWindow.playLevels(seed, levels, difficulty, new Goal(goal), Duration.ofMillis((long) (timeLimit * 1000)), lingerMs, scale, line -> {
            System.out.println(line);
            System.out.flush();
        });
        System.out.printf(Locale.ROOT, "summary: levels=%d won=%d%n", levels, won);
        return Main.OK;
    }
}
