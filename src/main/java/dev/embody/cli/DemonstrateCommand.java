package dev.embody.cli;

import dev.embody.correction.MqttCorrections;
import dev.embody.loop.Rate;
import dev.embody.perception.ScreenCalibration;
import dev.embody.sim.MoonBuggyDemonstrator;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The scripted demonstrator, as its own process: it plays a game through real X events, seeing only the screen, and
 * reports its own success rate; or, with --correct, it watches the agent play and says its corrections through one
 * of the agent's channels (its stdout, to pipe into {@code live --stdin-corrections}, or MQTT).
 */
@Command(name = "demonstrate", mixinStandardHelpOptions = true,
        description = "A scripted person for a third-party game (moon-buggy): plays it from the screen with real key events, or watches the agent and corrects it in words.")
final class DemonstrateCommand implements Callable<Integer> {

    static final List<String> GAMES = List.of("moon-buggy");

    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "GAME", description = "The game: moon-buggy.")
    String game;
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
        Options o = Options.of(spec);
        o.oneOf("GAME", game, GAMES);
        o.whole("--episodes", episodes, 1, 100_000);
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        o.whole("--reach", reach, 0, 40);
        o.whole("--lead", lead, 0, 40);
        o.above("--rate", rate, 0, 1000, "frames a second");
        o.broker("--mqtt-corrections", mqttBroker);
        o.topicLevel("--agent-id", agentId);
        o.needs(mqttBroker == null || correct, "--mqtt-corrections needs --correct (it is where corrections go)");
        o.needs(!(correct && playAlong), "--correct and --play-along exclude each other: the demonstrator either says corrections or presses the keys");
        o.file("--calibration", calibration);
        if (System.getenv("DISPLAY") == null) {
            throw new IllegalStateException("no X display: set DISPLAY (e.g. Xvfb :41 & export DISPLAY=:41)");
        }
        ScreenCalibration cal = ScreenCalibration.load(calibration);
        if (!"moon-buggy".equals(cal.parser())) {
            throw cal.fieldError("/parser", "field 'parser': expected moon-buggy (the demonstrator reads that game's screen), got '" + cal.parser() + "'");
        }
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
            return Main.OK;
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
        return Main.OK;
    }

    private int correctAgent(MoonBuggyDemonstrator d) throws Exception {
        if (mqttBroker == null) {
            // stdout is the channel: one correction a line; a closed pipe (the agent ended) ends the watch
            d.correct(words -> {
                System.out.println(words);
                System.out.flush();
                return !System.out.checkError();
            });
            return Main.OK;
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
                    org.slf4j.LoggerFactory.getLogger(DemonstrateCommand.class).warn("could not publish '{}' to {}: {}", words, topic, e.toString());
                    return client.isConnected();
                }
            });
        } finally {
            client.disconnect();
            client.close();
        }
        return Main.OK;
    }
}
