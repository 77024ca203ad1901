package dev.embody.cli;

import dev.embody.correction.CorrectionParser;
import dev.embody.correction.TerminalChannel;
import dev.embody.episode.EpisodeRecorder;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Latency;
import dev.embody.loop.LatencyStats;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.sim.Oracle;
import dev.embody.sim.SimGameTarget;
import dev.embody.sim.SimWindow;
import dev.embody.sim.SimulatedOperator;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "live", mixinStandardHelpOptions = true,
        description = "Run the agent on a target: perception, the six modules, actuation; every episode recorded.")
final class LiveCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(LiveCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--target", defaultValue = "sim-game", description = "What to control: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = TargetNames.class)
    String target;
    @Option(names = "--episodes", defaultValue = "10", description = "Episodes per difficulty (default: ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first level; episode i plays seed+i (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--difficulty", defaultValue = "1", split = ",", description = "Difficulty 1..3, or a list such as 1,2,3 (default: ${DEFAULT-VALUE}).")
    List<Integer> difficulties;
    @Option(names = "--goal", description = "What to do: 'collect all coins' or 'reach the flag' (sim-game; the default is the first), "
            + "'reach the target marker' or 'reach the target marker, then push the block onto the goal zone' (robots).")
    String goal;
    @Option(names = "--rate", defaultValue = "10", description = "Steps per second at most; 0 runs each step as soon as the last ends (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--max-steps", defaultValue = "600", description = "Steps per episode at most (default: ${DEFAULT-VALUE}).")
    long maxSteps;
    @Option(names = "--max-seconds", description = "Wall-clock seconds per episode at most (default: no limit).")
    Double maxSeconds;
    @Option(names = "--time-limit", defaultValue = "90", description = "Game seconds per episode (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--window", description = "Show the game in a window while the agent plays it, in real time.")
    boolean window;
    @Option(names = "--realtime", description = "Play on the wall clock, not simulated time.")
    boolean realtime;
    @Option(names = "--skills", description = "Skills folder (default: skills/<target>).")
    Path skillsDir;
    @Option(names = "--episodes-dir", defaultValue = "episodes", description = "Where episodes are written (default: ${DEFAULT-VALUE}).")
    Path episodesDir;
    @Option(names = "--memory", description = "Long-term memory folder (default: memory/<target>).")
    Path memoryDir;
    @Option(names = "--calibration", description = "Desktop: the program's calibration file (e.g. calibration/desktop/sim-window.yaml); robots: the calibration folder (default: calibration/robot).")
    Path calibration;
    @Option(names = "--no-record", description = "Do not write episodes.")
    boolean noRecord;
    @Option(names = "--policy", defaultValue = "scene-planner",
            description = "The high-level policy: scene-planner, learned (the checkpoint in use), a checkpoint such as v0003, or oracle (sim-game: records demonstrations) (default: ${DEFAULT-VALUE}).")
    String policy;
    @Option(names = "--checkpoints", defaultValue = "checkpoints", description = "Checkpoints folder for --policy learned (default: ${DEFAULT-VALUE}).")
    Path checkpointsDir;
    @Option(names = "--train-every", defaultValue = "20", description = "With a learned policy: fine-tune after this many corrections; 0: never by count (default: ${DEFAULT-VALUE}).")
    int trainEvery;
    @Option(names = "--train-minutes", defaultValue = "10", description = "With a learned policy: fine-tune this often when there are new corrections; 0: never by time (default: ${DEFAULT-VALUE}).")
    double trainMinutes;
    @Option(names = "--gate-episodes", defaultValue = "10", description = "Held-out episodes the gate plays before a fine-tuned policy is swapped in (sim-game); 0: no gate (default: ${DEFAULT-VALUE}).")
    int gateEpisodes;
    @Option(names = "--console", description = "Serve the operator console (http://127.0.0.1:7070); implies --realtime for the sim game.")
    boolean console;
    @Option(names = "--console-port", defaultValue = "7070", description = "The console's port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int consolePort;
    @Option(names = "--console-bind", defaultValue = "127.0.0.1", description = "The console's address; any but loopback requires the token printed at start (default: ${DEFAULT-VALUE}).")
    String consoleBind;
    @Option(names = "--speech", description = "Listen for spoken corrections on the microphone (javax.sound).")
    boolean speech;
    @Option(names = "--speech-file", description = "Hear the spoken corrections in this WAV file at the start of the first episode.")
    Path speechFile;
    @Option(names = "--gamepad", description = "Take the agent over with a gamepad's stick (JInput); one button e-stop, one pause.")
    boolean gamepad;
    @Option(names = "--mqtt-corrections", description = "Take text corrections from this MQTT broker (tcp://host:port) on embody/agents/<id>/corrections.")
    String mqttCorrections;
    @Option(names = "--agent-id", defaultValue = "agent-1", description = "This agent's id on MQTT (default: ${DEFAULT-VALUE}).")
    String agentId;
    @Option(names = "--stdin-corrections", negatable = true,
            description = "Read corrections typed on stdin, one a line (default: on when stdin is a terminal; --stdin-corrections for a pipe).")
    Boolean stdinCorrections;
    @Option(names = "--sim-operator", description = "A simulated operator watches the true game state and says corrections when the agent goes wrong (sim-game only).")
    boolean simOperator;
    @Option(names = "--broker", description = "Robots: MQTT broker URL (tcp://host:1883, ssl://host:8883); default: an embedded broker on a free loopback port.")
    String broker;
    @Option(names = "--robot-id", defaultValue = "r1", description = "Robots: the robot's id in its topics embody/robots/<id>/... (default: ${DEFAULT-VALUE}).")
    String robotId;
    @Option(names = "--mqtt-user", description = "Robots: MQTT username.")
    String mqttUser;
    @Option(names = "--mqtt-password", description = "Robots: MQTT password (or the EMBODY_MQTT_PASSWORD environment variable).")
    String mqttPassword;
    @Option(names = "--mqtt-version", defaultValue = "auto", description = "Robots: MQTT protocol 5, 3.1.1 or auto (default: ${DEFAULT-VALUE}).")
    String mqttVersion;
    @Option(names = "--mqtt-truststore", description = "Robots: trust store (JKS/PKCS12) for an ssl:// broker; default: the JVM's.")
    Path mqttTrustStore;
    @Option(names = "--ack-timeout", defaultValue = "3", description = "Robots: seconds a command may go unacknowledged (beyond its motion time) before the step fails (default: ${DEFAULT-VALUE}).")
    double ackTimeout;
    @Option(names = "--camera", description = "robot: camera to look through: a device index (0), a video file, or an rtsp:// / http:// URL; default: the robot's MQTT camera topic.")
    String camera;
    @Option(names = "--sim", defaultValue = "in-process", description = "sim-robot: run the simulated robot in-process, or 'external' (started with ./run sim-robot) (default: ${DEFAULT-VALUE}).")
    String simMode;

    static final class TargetNames extends ArrayList<String> {
        TargetNames() {
            super(TargetKinds.names());
        }
    }

    @Override
    public Integer call() throws Exception {
        TargetKind kind = TargetKinds.of(target).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown target '" + target + "' (expected one of " + String.join(", ", TargetKinds.names()) + ")"));
        checkOptions();
        SkillLibrary library = SkillLibrary.load(skillsDir != null ? skillsDir : kind.skills(targetOptions()), kind.primitives());
        Goal g = new Goal(goal != null ? goal : kind.defaultGoal());
        Duration period = rate > 0 ? Duration.ofNanos((long) (1e9 / rate)) : Duration.ZERO;
        var window = this.window ? SimWindow.view("embody: sim-game") : null;
        AtomicReference<AgentLoop> running = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(1);
        boolean[] interrupted = {false};
        Thread hook = new Thread(() -> {
            AgentLoop loop = running.get();
            interrupted[0] = true;
            if (loop != null) {
                loop.requestStop();
                try {
                    finished.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);

        // one inbox for the session: what the operator says between episodes applies at the next one's first step
        OperatorInbox inbox = new OperatorInbox();
        List<Map<String, String>> interventions = new java.util.concurrent.CopyOnWriteArrayList<>();
        inbox.observe(i -> interventions.add(Map.of("kind", i.kind().name().toLowerCase(Locale.ROOT), "text", String.valueOf(i.text()), "channel", i.channel())));
        TerminalChannel terminal = (stdinCorrections != null ? stdinCorrections : System.console() != null)
                ? new TerminalChannel(new CorrectionParser(library), inbox, System.in, System.err).start() : null;
        // the console, speech, gamepad and MQTT channels drop what the operator says into the same inbox
        AtomicReference<AgentLoop> current = new AtomicReference<>();
        OperatorChannels channels;
        try {
            channels = OperatorChannels.open(new OperatorChannels.Options(console, consoleBind, consolePort, speech, speechFile, gamepad,
                    mqttCorrections, agentId, episodesDir), inbox, () -> current.get() != null ? current.get().library() : library,
                    () -> current.get() != null ? current.get().policy().name() : "scene-planner");
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (channels.console() != null) {
            window = window == null ? channels.console() : window.andThen(channels.console());
        }
        List<Latency> latencies = new ArrayList<>();
        Map<Integer, int[]> perDifficulty = new TreeMap<>();
        int total = episodes * difficulties.size(), done = 0, successes = 0, coins = 0, coinsTotal = 0;
        long steps = 0;
        boolean estopped = false;
        Map<String, int[]> flags = new TreeMap<>();
        LivePolicy live = LivePolicy.choose(spec, policy, target, library, checkpointsDir, trainEvery, trainMinutes, gateEpisodes);
        String policyName = "scene-planner".equals(policy) ? kind.baseline(library).name() : live.name();
        try (live; EpisodicMemory memory = EpisodicMemory.open(memoryDir != null ? memoryDir : Path.of("memory", target))) {
            log.info("{}: {} episode(s), goal '{}', {} skills ({} commands), policy {}", target, total, g, library.skills().size(),
                    library.commands().size(), policyName);
            outer:
            for (int d : difficulties) {
                for (int i = 0; i < episodes; i++) {
                    long s = seed + i;
                    TargetKind.EpisodeSpec es = new TargetKind.EpisodeSpec(s, d, g, Duration.ofMillis((long) (timeLimit * 1000)),
                            realtime || this.window || console, window, targetOptions());
                    String id = episodeId(target, s);
                    memory.beginEpisode(id);
                    try (Target t = kind.open(es);
                         AutoCloseableGathering gathering = new AutoCloseableGathering(kind.gathering(es));
                         EpisodeRecorder recorder = noRecord ? null : EpisodeRecorder.start(episodesDir, id, t, EpisodeRecorder.facts(library, policyName, g, d))) {
                        AgentLoop.Builder b = AgentLoop.builder().target(t).library(library).gathering(gathering.module())
                                .reflection(kind.reflection()).tasks(kind.tasks()).curation(kind.curation())
                                .policy(live.policyFor(t, kind.baseline(library))).memory(memory).goal(g).period(period).maxSteps(maxSteps).inbox(inbox);
                        if (maxSeconds != null) {
                            b.maxTime(Duration.ofMillis((long) (maxSeconds * 1000)));
                        }
                        if (recorder != null) {
                            recorder.put("time_limit_s", timeLimit); // replay --actuate rebuilds the game from meta.json
                            b.listener(recorder);
                        }
                        SimulatedOperator operator = simOperator && t instanceof SimGameTarget st ? new SimulatedOperator(st.game(),
                                new Oracle(library), new CorrectionParser(library), inbox, SimulatedOperator.Settings.defaults(), s) : null;
                        if (operator != null) {
                            b.listener(operator);
                        }
                        channels.listeners().forEach(b::listener);
                        channels.episode(recorder == null ? id : recorder.id(), recorder == null ? null : recorder::put);
                        AgentLoop loop = b.build();
                        live.attach(loop);
                        running.set(loop);
                        current.set(loop);
                        AgentLoop.EpisodeResult r = loop.run();
                        running.set(null);
                        if (recorder != null && !interventions.isEmpty()) {
                            recorder.put("interventions", List.copyOf(interventions));
                        }
                        interventions.clear();
                        if (operator != null) {
                            log.info("simulated operator: {} correction(s), {} mistake(s) noticed {}", operator.corrections(), operator.noticed(), operator.reasons());
                        }
                        latencies.addAll(r.latencies());
                        done++;
                        steps += r.steps();
                        Map<String, Object> score = t.score();
                        int c = ((Number) score.getOrDefault("coins", 0)).intValue();
                        int ct = ((Number) score.getOrDefault("coins_total", 0)).intValue();
                        coins += c;
                        coinsTotal += ct;
                        boolean ok = r.outcome() == Outcome.SUCCESS;
                        successes += ok ? 1 : 0;
                        int[] pd = perDifficulty.computeIfAbsent(d, k -> new int[2]);
                        pd[0] += ok ? 1 : 0;
                        pd[1]++;
                        score.forEach((k, v) -> {
                            if (v instanceof Boolean flag) {
                                flags.computeIfAbsent(k, x -> new int[2])[0] += flag ? 1 : 0;
                                flags.get(k)[1]++;
                            }
                        });
                        String figures = score.containsKey("line") ? score.get("line").toString()
                                : String.format(Locale.ROOT, "coins=%d/%d steps=%d game_s=%s", c, ct, r.steps(), score.get("game_s"));
                        System.out.printf(Locale.ROOT, "episode %d/%d seed=%d difficulty=%d outcome=%s %s%s%s%n",
                                done, total, s, d, r.outcome().label(), figures,
                                r.reason().isEmpty() && !score.getOrDefault("ending", "").toString().isEmpty() ? " (" + score.get("ending") + ")" : r.reason().isEmpty() ? "" : " (" + r.reason() + ")",
                                recorder == null ? "" : " id=" + recorder.id());
                        if (r.outcome() == Outcome.STOPPED || interrupted[0]) {
                            estopped = score.containsKey("estop");
                            break outer;
                        }
                    }
                }
            }
        } finally {
            channels.close();
            if (terminal != null) {
                terminal.close();
            }
            kind.finish();
            finished.countDown();
            if (!interrupted[0]) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        LatencyStats stats = new LatencyStats(latencies);
        if (perDifficulty.size() > 1) {
            perDifficulty.forEach((d, v) -> System.out.printf(Locale.ROOT, "difficulty %d: success=%.2f (%d/%d)%n", d, v[0] / (double) v[1], v[0], v[1]));
        }
        StringBuilder flagText = new StringBuilder();
        flags.forEach((k, v) -> flagText.append(String.format(Locale.ROOT, " %s=%d/%d", k, v[0], v[1])));
        System.out.printf(Locale.ROOT, "summary: episodes=%d success=%.2f%s%s steps=%d step_ms_p50=%.2f step_ms_p99=%.2f episodes_dir=%s%n",
                done, done == 0 ? 0.0 : successes / (double) done, coinsTotal > 0 || flags.isEmpty() ? " coins=" + coins + "/" + coinsTotal : "",
                flagText, steps, stats.percentile("step", 50), stats.percentile("step", 99), noRecord ? "-" : episodesDir);
        return interrupted[0] ? Main.INTERRUPTED : estopped ? Main.ESTOPPED : Main.OK;
    }

    /** Every option's value and combination, before anything is opened (exit 2 with the option's name). */
    private void checkOptions() {
        Options o = Options.of(spec);
        o.whole("--episodes", episodes, 1, Integer.MAX_VALUE);
        for (int d : difficulties) {
            o.difficulty("--difficulty", d);
        }
        o.text("--goal", goal);
        o.number("--rate", rate, 0, 1000, "steps a second");
        o.whole("--max-steps", maxSteps, 1, Long.MAX_VALUE);
        o.above("--max-seconds", maxSeconds, 0, Double.POSITIVE_INFINITY, "seconds");
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        o.whole("--train-every", trainEvery, 0, Integer.MAX_VALUE);
        o.number("--train-minutes", trainMinutes, 0, 10_080, "minutes");
        o.whole("--gate-episodes", gateEpisodes, 0, Integer.MAX_VALUE);
        o.whole("--console-port", consolePort, 0, 65_535);
        o.broker("--mqtt-corrections", mqttCorrections);
        o.topicLevel("--agent-id", agentId);
        o.broker("--broker", broker);
        o.topicLevel("--robot-id", robotId);
        o.oneOf("--mqtt-version", mqttVersion, Options.MQTT_VERSIONS);
        o.file("--mqtt-truststore", mqttTrustStore);
        o.above("--ack-timeout", ackTimeout, 0, 600, "seconds");
        o.oneOf("--sim", simMode, List.of("in-process", "external"));
        o.needs(!simOperator || target.equals("sim-game"), "--sim-operator needs --target sim-game (it reads the game's true state), got '" + target + "'");
        o.needs(broker != null || !target.equals("robot"), "--target robot needs --broker tcp://host:1883 (the broker the robot listens on)");
    }

    /** Target-specific options for {@link TargetKind#open}, by option name. */
    private Map<String, String> targetOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        if (calibration != null) {
            m.put("calibration", calibration.toString());
        }
        putIf(m, "broker", broker);
        putIf(m, "robot-id", robotId);
                putIf(m, "mqtt-user", mqttUser);
        putIf(m, "mqtt-password", mqttPassword != null ? mqttPassword : System.getenv("EMBODY_MQTT_PASSWORD"));
        putIf(m, "mqtt-version", mqttVersion);
        putIf(m, "mqtt-truststore", mqttTrustStore == null ? null : mqttTrustStore.toString());
        putIf(m, "ack-timeout", Double.toString(ackTimeout));
        putIf(m, "sim", simMode);
        putIf(m, "camera", camera);
        return m;
    }

    private static void putIf(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** Closes an information-gathering module that holds native resources. */
    record AutoCloseableGathering(dev.embody.loop.InformationGathering module) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (module instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    private static int counter;

    static synchronized String episodeId(String target, long seed) {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + String.format("-%03d-%s-s%d", counter++ % 1000, target, seed);
    }
}
