package dev.embody.testkit;

import dev.embody.loop.Outcome;
import dev.embody.loop.Rate;
import dev.embody.perception.ScreenCalibration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The scripted 2048 player, as its own process (test code: no product code names the game): with --play it plays fresh
 * games itself and prints each episode's outcome and score (read off the screen by the calibration's OCR, and tmux's),
 * then their rate and mean; with --play-along it plays the games someone else started ({@code ./run record}).
 */
@Command(name = "2048-demonstrator", mixinStandardHelpOptions = true,
        description = "A scripted person for Debian's 2048: reads the board from tmux, slides down, else left, else right, else up, by real X arrow keys.")
public final class Game2048DemonstratorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--calibration", defaultValue = "calibration/desktop/2048.yaml", description = "The game's calibration (default: ${DEFAULT-VALUE}).")
    Path calibration;
    @Option(names = "--play", description = "Play --episodes fresh games and measure them (the default).")
    boolean play;
    @Option(names = "--play-along", description = "Do not start games: play the ones that show in the game's window (started by ./run record), until none has shown for 30 s.")
    boolean playAlong;
    @Option(names = "--episodes", defaultValue = "10", description = "Episodes to play (default: ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--time-limit", defaultValue = "50", description = "Seconds an episode lasts at most (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--rate", defaultValue = "4", description = "Arrow keys pressed a second, one each period (default: ${DEFAULT-VALUE}).")
    double rate;

    @Override
    public Integer call() throws Exception {
        if (episodes < 1 || timeLimit <= 0 || rate <= 0) {
            throw new ParameterException(spec.commandLine(), "--episodes, --time-limit and --rate must be positive");
        }
        if (play && playAlong) {
            throw new ParameterException(spec.commandLine(), "--play and --play-along exclude each other");
        }
        if (!Files.isRegularFile(calibration)) {
            throw new ParameterException(spec.commandLine(), "--calibration: no such file: " + calibration);
        }
        if (System.getenv("DISPLAY") == null) {
            throw new IllegalStateException("no X display: set DISPLAY (e.g. Xvfb :41 & export DISPLAY=:41)");
        }
        Game2048Demonstrator d = new Game2048Demonstrator(ScreenCalibration.load(calibration), rate);
        if (playAlong) {
            int[] presses = {0};
            d.playAlong(() -> presses[0]++);
            System.err.println("demonstrator: played along, presses=" + presses[0]);
            return 0;
        }
        List<Game2048Demonstrator.Played> runs = new ArrayList<>();
        long wins = 0;
        for (int i = 0; i < episodes; i++) {
            Game2048Demonstrator.Played p = d.play(Duration.ofMillis((long) (timeLimit * 1000)));
            runs.add(p);
            wins += p.outcome() == Outcome.SUCCESS ? 1 : 0;
            System.out.printf(Locale.ROOT, "episode %d/%d outcome=%s score=%s tmux_score=%d survived_s=%s presses=%d (%s)%n", i + 1, episodes,
                    p.outcome().label(), p.score().get("score"), p.trueScore(), p.score().get("survived_s"), p.presses(), p.reason());
            System.out.flush();
        }
        Rate success = new Rate(wins, episodes);
        double ocr = runs.stream().mapToDouble(p -> p.score().get("score") instanceof Number n ? n.doubleValue() : 0).average().orElse(Double.NaN);
        double truth = runs.stream().mapToInt(Game2048Demonstrator.Played::trueScore).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "demonstrator: episodes=%d success=%.2f [%.2f,%.2f] (%d/%d) score_mean=%.1f tmux_score_mean=%.1f time_limit_s=%s rate=%s%n",
                episodes, success.value(), success.low(), success.high(), success.hits(), success.trials(), ocr, truth, timeLimit, rate);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs it as its process would: 0, 2 for bad usage, 3 for a bad calibration, 1 otherwise. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Game2048DemonstratorCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            return e instanceof dev.embody.file.BadFileException ? 3 : 1;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    /** The demonstrator as its own process, from this build's test classes. */
    public static List<String> command(Path calibration, String... options) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Game2048DemonstratorCommand.class.getName(), "--calibration", calibration.toString()));
        c.addAll(List.of(options));
        return c;
    }
}
