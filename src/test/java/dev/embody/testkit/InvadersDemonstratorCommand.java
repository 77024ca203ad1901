package dev.embody.testkit;

import dev.embody.loop.Outcome;
import dev.embody.loop.Rate;
import dev.embody.perception.ScreenCalibration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The scripted ninvaders demonstrator as its own process (test code: nothing under src/main names the game): --play
 * plays fresh games itself (the calibration's launch) and prints its success and mean score, judged and scored as the
 * agent's episodes are (the calibration's ending, OCR), beside tmux's own score; --play-along plays the games someone
 * else starts ({@code ./run record}, which hears its keys as a person's).
 */
@Command(name = "invaders-demonstrator", mixinStandardHelpOptions = true,
        description = "A scripted person for ninvaders: reads the game's text through tmux and plays it with real X key events.")
public final class InvadersDemonstratorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--calibration", defaultValue = "calibration/desktop/ninvaders.yaml", description = "The game's calibration (default: ${DEFAULT-VALUE}).")
    Path calibration;
    @Option(names = "--play", description = "Play fresh games (the calibration's launch) and print the figures.")
    boolean play;
    @Option(names = "--play-along", description = "Start no game: play the ones that show in the game's window until none has shown for --idle seconds.")
    boolean playAlong;
    @Option(names = "--episodes", defaultValue = "10", description = "With --play: games (default: ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--time-limit", defaultValue = "30", description = "With --play: seconds an episode lasts at most (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--idle", defaultValue = "20", description = "With --play-along: seconds without a game after the last one before it stops (default: ${DEFAULT-VALUE}).")
    double idle;
    @Option(names = "--tmux-socket", defaultValue = "ninvaders", description = "The tmux server's socket name, tmux -L (default: ${DEFAULT-VALUE}).")
    String socket;
    @Option(names = "--session", defaultValue = "ninvaders", description = "The tmux session the game runs in (default: ${DEFAULT-VALUE}).")
    String session;
    @Option(names = "--rate", defaultValue = "10", description = "Keys a second at most (default: ${DEFAULT-VALUE}).")
    double rate;

    @Override
    public Integer call() throws Exception {
        if (play == playAlong) {
            throw new ParameterException(spec.commandLine(), "give one of --play or --play-along");
        }
        if (episodes < 1 || timeLimit <= 0 || idle <= 0 || rate <= 0) {
            throw new ParameterException(spec.commandLine(), "--episodes, --time-limit, --idle and --rate must be positive");
        }
        if (System.getenv("DISPLAY") == null) {
            throw new IllegalStateException("no X display: set DISPLAY (e.g. Xvfb :41 & export DISPLAY=:41)");
        }
        ScreenCalibration cal = ScreenCalibration.load(calibration);
        InvadersDemonstrator d = new InvadersDemonstrator(cal, socket, session, rate);
        if (playAlong) {
            int presses = d.playAlong(Duration.ofSeconds(120), Duration.ofMillis((long) (idle * 1000)));
            System.err.println("demonstrator: played along, presses=" + presses);
            return 0;
        }
        List<InvadersDemonstrator.Played> runs = new ArrayList<>();
        d.measure(episodes, Duration.ofMillis((long) (timeLimit * 1000)), p -> {
            runs.add(p);
            System.out.printf(Locale.ROOT, "episode %d/%d outcome=%s score=%s tmux_score=%d survived_s=%s presses=%d (%s)%n", runs.size(), episodes,
                    p.outcome().label(), p.score().get("score"), p.trueScore(), p.score().get("survived_s"), p.presses(), p.reason());
            System.out.flush();
        });
        long wins = runs.stream().filter(p -> p.outcome() == Outcome.SUCCESS).count();
        Rate success = new Rate(wins, runs.size());
        double mean = runs.stream().mapToDouble(InvadersDemonstrator.Played::ocrScore).average().orElse(Double.NaN);
        double trueMean = runs.stream().mapToLong(InvadersDemonstrator.Played::trueScore).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "demonstrator: episodes=%d success=%.2f [%.2f,%.2f] (%d/%d) score_mean=%.1f tmux_score_mean=%.1f time_limit_s=%s%n",
                runs.size(), success.value(), success.low(), success.high(), success.hits(), success.trials(), mean, trueMean, timeLimit);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs it as its process would: 0, 2 for bad usage, 3 for a bad calibration, 1 otherwise. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new InvadersDemonstratorCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            return e instanceof dev.embody.file.BadFileException ? 3 : 1;
        });
        return cli.execute(args);
    }

    /** The demonstrator as its own process, from this build's test classes. */
    public static List<String> command(Path calibration, String mode) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), InvadersDemonstratorCommand.class.getName(), mode,
                "--calibration", calibration.toString()));
    }
}
