package dev.embody.testkit;

import dev.embody.correction.MqttCorrections;
import dev.embody.loop.Rate;
import dev.embody.perception.ScreenCalibration;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The scripted moon-buggy demonstrator, as its own process (test code: no product code names the game): it plays the
 * game through real X events, seeing only the screen, and reports its own success rate; or, with --correct, it watches
 * the agent play and says its corrections through one of the agent's channels (its stdout, to pipe into
 * {@code live --stdin-corrections} or an arena's operator, or MQTT); or, with --play-along, it plays games someone else
 * started ({@code record}). {@link #command} is how tests and {@code ./run bench arena --operator-command} start it.
 */
@Command(name = "moon-buggy-demonstrator", mixinStandardHelpOptions = true,
        description = "A scripted person for moon-buggy: plays it from the screen with real key events, or watches the agent and corrects it in words.")
public final class MoonBuggyDemonstratorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--calibration", defaultValue = "calibration/desktop/moon-buggy.yaml", description = "The game's calibration (default: ${DEFAULT-VALUE}).")
    Path calibration;
    @Option(names = "--episodes", defaultValue = "10", description = "Episodes to play, each a fresh game (default: ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--time-limit", defaultValue = "30", description = "Seconds the buggy must survive for an episode to succeed (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--correct", description = "Do not play: watch the agent play the game's window and say corrections (\"jump!\") one a line on stdout, or to --mqtt-corrections.")
    boolean correct;
    @Option(names = "--play-along", description = "Do not start games: play the ones that show in the game's window (started by ./run record or the improve benchmark, which hear its keys as a person's), until none has shown for 30 s.")
    boolean playAlong;
    @Option(names = "--mqtt-corrections", description = "With --correct: publish the corrections to this broker (tcp://host:port) on embody/agents/<id>/corrections.")
    String mqttBroker;
    @Option(names = "--agent-id", defaultValue = "agent-1", description = "With --mqtt-corrections: the agent's id (default: ${DEFAULT-VALUE}).")
    String agentId;
    @Option(names = "--reach", defaultValue = "4", description = "Jump when at most this many cells less the crater's width are left before the rear wheel (default: ${DEFAULT-VALUE}).")
    int reach;
    @Option(names = "--lead", defaultValue = "1", description = "With --correct: say it this many cells earlier, for the time the words take to act (default: ${DEFAULT-VALUE}).")
    int lead;
    @Option(names = "--rate", defaultValue = "50", description = "Frames looked at a second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Override
    public Integer call() throws Exception {
        need(episodes >= 1 && timeLimit > 0 && reach >= 0 && lead >= 0 && rate > 0, "--episodes, --time-limit, --reach, --lead and --rate must be positive");
        need(mqttBroker == null || correct, "--mqtt-corrections needs --correct (it is where corrections go)");
        need(!(correct && playAlong), "--correct and --play-along exclude each other: the demonstrator either says corrections or presses the keys");
        need(java.nio.file.Files.isRegularFile(calibration), "--calibration: no such file: " + calibration);
        if (System.getenv("DISPLAY") == null) {
            throw new IllegalStateException("no X display: set DISPLAY (e.g. Xvfb :41 & export DISPLAY=:41)");
        }
        ScreenCalibration cal = ScreenCalibration.load(calibration);
        if (cal.title() == null) {
            throw cal.fieldError("/window", "field 'window': the demonstrator finds the game by its title: add window: {title: ...}");
        }
        MoonBuggyDemonstrator d = new MoonBuggyDemonstrator(cal, new MoonBuggyDemonstrator.Settings(reach, lead, rate));
        if (correct) {
            return correctAgent(d);
        }
        if (playAlong) {
            int[] presses = {0};
            d.playAlong(() -> presses[0]++);
            System.err.println("demonstrator: played along, presses=" + presses[0]); // stdout is a correction channel
            return 0;
        }
        if (cal.launch() == null) {
            throw cal.fieldError("/launch", "field 'launch': to play episodes the demonstrator starts a fresh game each time: add launch: {command: [...], keys: [RETURN]}");
        }
        List<MoonBuggyDemonstrator.Played> runs = new ArrayList<>();
        Rate success = d.measure(episodes, Duration.ofMillis((long) (timeLimit * 1000)), p -> {
            runs.add(p);
            System.out.printf(Locale.ROOT, "episode %d/%d outcome=%s survived_s=%s craters=%s jumps=%d (%s)%n", runs.size(), episodes,
                    p.outcome().label(), p.score().get("survived_s"), p.score().get("craters"), p.jumps(), p.reason());
            System.out.flush();
        });
        System.out.println("demonstrator: episodes=" + episodes + " " + MoonBuggyDemonstrator.summary(success, runs) + " time_limit_s=" + timeLimit);
        return 0;
    }

    private void need(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs it as its process would: 0, 2 for bad usage, 3 for a bad calibration, 1 otherwise. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new MoonBuggyDemonstratorCommand());
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

    /** The demonstrator as its own process, from this build's test classes, in a mode (--correct, --play-along), on a calibration. */
    public static List<String> command(Path calibration, String mode) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), MoonBuggyDemonstratorCommand.class.getName(), mode,
                "--calibration", calibration.toString()));
    }

    private int correctAgent(MoonBuggyDemonstrator d) throws Exception {
        if (mqttBroker == null) {
            // stdout is the channel: one correction a line; a closed pipe (the agent ended) ends the watch
            d.correct(words -> {
                System.out.println(words);
                System.out.flush();
                return !System.out.checkError();
            });
            return 0;
        }
        MqttClient client = new MqttClient(mqttBroker, "embody-demonstrator-" + ProcessHandle.current().pid(), new MemoryPersistence());
        MqttConnectionOptions mo = new MqttConnectionOptions();
        mo.setAutomaticReconnect(true);
        mo.setConnectionTimeout(5);
        client.connect(mo);
        String topic = MqttCorrections.topic(agentId);
        try {
            d.correct(words -> {
                try {
                    client.publish(topic, new MqttMessage(words.getBytes(StandardCharsets.UTF_8), 1, false, null));
                    return true;
                } catch (MqttException e) {
                    org.slf4j.LoggerFactory.getLogger(MoonBuggyDemonstratorCommand.class).warn("could not publish '{}' to {}: {}", words, topic, e.toString());
                    return client.isConnected();
                }
            });
        } finally {
            client.disconnect();
            client.close();
        }
        return 0;
    }
}
