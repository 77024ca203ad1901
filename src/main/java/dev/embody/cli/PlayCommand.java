package dev.embody.cli;

import dev.embody.loop.Goal;
import dev.embody.bench.GameWindow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "play", mixinStandardHelpOptions = true, description = "Play the simulated game yourself in a window (arrow keys or WASD).")
final class PlayCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", defaultValue = "1", description = "Level seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--difficulty", defaultValue = "1", description = "1..3 (default: ${DEFAULT-VALUE}).")
    int difficulty;
    @Option(names = "--goal", defaultValue = "collect all coins", description = "(default: ${DEFAULT-VALUE}).")
    String goal;
    @Option(names = "--time-limit", defaultValue = "90", description = "Seconds (default: ${DEFAULT-VALUE}).")
    double timeLimit;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.difficulty("--difficulty", difficulty);
        o.text("--goal", goal);
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        GameWindow.Played p = GameWindow.play(seed, difficulty, new Goal(goal), Duration.ofMillis((long) (timeLimit * 1000)));
        System.out.printf("outcome=%s coins=%d/%d game_s=%.1f%n", p.outcome(), p.coins(), p.coinsTotal(), p.gameSeconds());
        return Main.OK;
    }
}
