package dev.embody.cli;

import dev.embody.correction.CorrectionParser;
import dev.embody.correction.SimulatedCorrector;
import dev.embody.correction.TerminalChannel;
import dev.embody.episode.EpisodeRecorder;
import dev.embody.episode.EpisodeRunner;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Latency;
import dev.embody.episode.LatencyStats;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Modules;
import dev.embody.loop.Rate;
import dev.embody.loop.Target;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.Profile;
import dev.embody.profile.SimGameProfile;
import dev.embody.profile.Tally;
import dev.embody.skill.SkillFolder;
import dev.embody.memory.EpisodicMemory;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

@Command(name = "live", mixinStandardHelpOptions = true,
        description = "Run the agent on a target: perception, the six modules, actuation; every episode recorded.")
final class LiveCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(LiveCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    TargetSelection targetSelection;
    @Mixin
    RobotConnection robot;
    @Mixin
    ModelSelection models;
    @Mixin
    FleetConnection fleet;
    @Option(names = "--fleet-wait", defaultValue = "30", description = "Fleet, --policy learned: seconds to wait for the fleet's announced policy before starting with the local one (default: ${DEFAULT-VALUE}).")
    double fleetWait;
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
    @Option(names = "--correction-holds", defaultValue = "1", description = "Steps an operator's command holds for, each one a correction (YAY Robot); a newer command, pause or stop ends it (default: ${DEFAULT-VALUE}).")
    int correctionHolds;
    @Option(names = "--max-seconds", description = "Wall-clock seconds per episode at most (default: no limit).")
    Double maxSeconds;
    @Option(names = "--time-limit", defaultValue = "90", description = "Game seconds per episode (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--window", description = "Show the game in a window while the agent plays it, in real time.")
    boolean window;
    @Option(names = "--realtime", description = "Play on the wall clock, not simulated time.")
    boolean realtime;
    @Option(names = "--episodes-dir", defaultValue = "episodes", description = "Where episodes are written (default: ${DEFAULT-VALUE}).")
    Path episodesDir;
    @Option(names = "--memory", description = "Long-term memory folder (default: memory/<target>, memory/desktop-<program> for a desktop program).")
    Path memoryDir;
    @Option(names = "--no-record", description = "Do not write episodes.")
    boolean noRecord;
    @Option(names = "--policy", defaultValue = "baseline",
            description = "The high-level policy: baseline (the profile's own: the scene planner in the grid game, the robot planner, or a policy that waits on a program with no parser), learned (the checkpoint in use), a checkpoint such as v0003, or oracle (sim-game: records demonstrations) (default: ${DEFAULT-VALUE}).")
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

    @Override
    public Integer call() throws Exception {
        checkOptions();
        dev.embody.profile.ModuleChoice choice = models.choice(spec);
        try (Profile profile = targetSelection.profile(spec, robot.addTo(spec, targetSelection.options()), choice)) {
            return run(profile);
        }
    }

    private int run(Profile profile) throws Exception {
        String target = profile.name();
        SkillLibrary library = profile.skills();
        Goal g = Options.of(spec).goal(goal, profile, library);
        Duration period = rate > 0 ? Duration.ofNanos((long) (1e9 / rate)) : Duration.ZERO;
        var window = this.window ? profile.window("embody: " + target) : null;
        CtrlC ctrlC = CtrlC.hook();

        // one inbox for the session: what the operator says between episodes applies at the next one's first step
        OperatorInbox inbox = new OperatorInbox();
        List<Map<String, String>> interventions = new java.util.concurrent.CopyOnWriteArrayList<>();
        inbox.observe(i -> interventions.add(Map.of("kind", i.kind().name().toLowerCase(Locale.ROOT), "text", String.valueOf(i.text()), "channel", i.channel())));
        // the skills as they stand: a skill taught in one episode is there in the next
        AtomicReference<SkillLibrary> skills = new AtomicReference<>(library);
        AtomicReference<AgentLoop> current = new AtomicReference<>();
        Supplier<SkillLibrary> now = () -> current.get() != null ? current.get().library() : skills.get();
        Supplier<CorrectionParser> parser = CorrectionParser.following(now, profile.words());
        TerminalChannel terminal = (stdinCorrections != null ? stdinCorrections : System.console() != null)
                ? new TerminalChannel(parser, inbox, System.in, System.err).start() : null;
        // the console, speech, gamepad and MQTT channels drop what the operator says into the same inbox
        LivePolicy live = fleet.given()
                ? LivePolicy.fleet(spec, policy, profile, library, checkpointsDir, dev.embody.fleet.FleetAgent.Settings.of(fleet.broker, fleet.name, agentId,
                        fleet.folder().resolve("agents").resolve(agentId), true).withBroker(fleet.options("agent-" + agentId)),
                        Duration.ofMillis((long) (fleetWait * 1000)))
                : LivePolicy.choose(spec, policy, profile, library, checkpointsDir, trainEvery, trainMinutes, gateEpisodes, episodesDir);
        // the model's session, where modules are backed by one: its skill proposals go to this session's inbox
        java.util.Optional<dev.embody.vlm.ModelSession> model = dev.embody.profile.Profiles.modelSession(profile);
        model.ifPresent(m -> m.proposals().attach(inbox));
        OperatorChannels channels;
        try {
            channels = OperatorChannels.open(new OperatorChannels.Options(console, consoleBind, consolePort, speech, speechFile, gamepad,
                    mqttCorrections, agentId, episodesDir), inbox, parser,
                    () -> current.get() != null ? current.get().policy().name() : live.name(), profile.stick(library), live.training());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (channels.console() != null) {
            window = window == null ? channels.console() : window.andThen(channels.console());
            model.ifPresent(channels.console()::model);
        }
        List<Latency> latencies = new ArrayList<>();
        Map<Integer, long[]> perDifficulty = new TreeMap<>();
        int total = episodes * difficulties.size(), done = 0;
        Tally tally = new Tally();
        boolean estopped = false;
        int errors = 0;
        Path memoryFolder = memoryDir != null ? memoryDir : Path.of("memory", profile.memoryName());
        try (live; EpisodicMemory memory = EpisodicMemory.open(memoryFolder)) {
            log.info("{}: {} episode(s), goal '{}', {} skills ({} commands), policy {}", target, total, g, library.skills().size(),
                    library.commands().size(), live.name());
            outer:
            for (int d : difficulties) {
                for (int i = 0; i < episodes; i++) {
                    long s = seed + i;
                    EpisodeSpec es = new EpisodeSpec(s, d, g, Duration.ofMillis((long) (timeLimit * 1000)), realtime || this.window || console, window);
                    String id = episodeId(target, s);
                    memory.beginEpisode(id);
                    SkillLibrary lib = skills.get();
                    try (Target t = profile.open(es); Modules modules = live.modules(profile, lib, t);
                         EpisodeRecorder recorder = noRecord ? null : EpisodeRecorder.start(episodesDir, id, t, EpisodeRecorder.facts(profile.describe(), modules, lib, g, d))) {
                        if (recorder != null) {
                            recorder.put("time_limit_s", timeLimit); // replay --actuate rebuilds the game from meta.json
                            recorder.put("memory", memoryFolder.toString()); // replay recalls from it, as it stood
                        }
                        SimulatedCorrector operator = simOperator ? profile.simulatedOperator(t, lib, parser.get(), inbox, s).orElse(null) : null;
                        EpisodeRunner run = EpisodeRunner.of(t, lib, modules).skillFolder(new SkillFolder(profile.skillsDir()))
                                .memory(memory).goal(g).period(period).maxSteps(maxSteps).inbox(inbox).correctionHolds(correctionHolds)
                                .maxTime(maxSeconds != null ? Duration.ofMillis((long) (maxSeconds * 1000)) : null)
                                .recorder(recorder).listener(operator);
                        channels.listeners().forEach(run::listener);
                        model.ifPresent(run::listener);
                        long modelCalls = model.map(m -> m.client().requests()).orElse(0L);
                        channels.episode(recorder == null ? id : recorder.id(), recorder == null ? null : recorder::put);
                        EpisodeRunner.Result r = run.started(loop -> {
                            live.attach(loop, recorder == null ? id : recorder.id());
                            ctrlC.running(loop);
                            current.set(loop);
                        }).run();
                        ctrlC.running(null);
                        skills.set(current.get().library());
                        if (recorder != null && !interventions.isEmpty()) {
                            recorder.put("interventions", List.copyOf(interventions));
                        }
                        interventions.clear();
                        if (operator != null) {
                            log.info("simulated operator: {} correction(s), {} mistake(s) noticed {}", operator.corrections(), operator.noticed(), operator.reasons());
                        }
                        latencies.addAll(r.loop().latencies());
                        done++;
                        Map<String, Object> score = t.score();
                        String figures = tally.add(r.outcome(), r.steps(), score);
                        long[] pd = perDifficulty.computeIfAbsent(d, k -> new long[2]);
                        pd[0] += r.outcome() == Outcome.SUCCESS ? 1 : 0;
                        pd[1]++;
                        String calls = model.map(m -> String.format(Locale.ROOT, " model_calls_per_step=%.3f",
                                r.steps() == 0 ? Double.NaN : (m.client().requests() - modelCalls) / (double) r.steps())).orElse("");
                        System.out.printf(Locale.ROOT, "episode %d/%d seed=%d difficulty=%d outcome=%s %s%s%s%s%n",
                                done, total, s, d, r.outcome().label(), figures, calls,
                                r.reason().isEmpty() && !score.getOrDefault("ending", "").toString().isEmpty() ? " (" + score.get("ending") + ")" : r.reason().isEmpty() ? "" : " (" + r.reason() + ")",
                                recorder == null ? "" : " id=" + recorder.id());
                        errors += r.outcome() == Outcome.ERROR ? 1 : 0;
                        if (r.outcome() == Outcome.STOPPED || ctrlC.interrupted()) {
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
            ctrlC.finished();
        }
        LatencyStats stats = new LatencyStats(latencies);
        if (perDifficulty.size() > 1) {
            perDifficulty.forEach((d, v) -> System.out.printf(Locale.ROOT, "difficulty %d: success=%s%n", d, new Rate(v[0], v[1])));
        }
        System.out.printf(Locale.ROOT, "summary: %s step_ms_p50=%.2f step_ms_p99=%.2f episodes_dir=%s%s%n",
                tally.totals(), stats.percentile("step", 50), stats.percentile("step", 99), noRecord ? "-" : episodesDir,
                model.map(m -> " " + m.summary() + " vlm_log=" + m.client().log().file()).orElse(""));
        if (errors > 0) {
            System.err.printf("error: %d of %d episode(s) ended in error (the reason is on each episode's line)%n", errors, done);
        }
        return exitCode(ctrlC.interrupted(), estopped, errors);
    }

    /** What a session exits with: Ctrl-C, then an e-stop, then any episode that ended in error (a script must see it). */
    static int exitCode(boolean interrupted, boolean estopped, int errors) {
        return interrupted ? Main.INTERRUPTED : estopped ? Main.ESTOPPED : errors > 0 ? Main.FAILED : Main.OK;
    }

    /** Every option's value and combination, before anything is opened (exit 2 with the option's name). */
    private void checkOptions() {
        Options o = Options.of(spec);
        String target = targetSelection.target;
        o.oneOf("--target", target, dev.embody.profile.Profiles.names());
        o.whole("--episodes", episodes, 1, Integer.MAX_VALUE);
        for (int d : difficulties) {
            o.difficulty("--difficulty", d);
        }
        o.text("--goal", goal);
        o.number("--rate", rate, 0, 1000, "steps a second");
        o.whole("--max-steps", maxSteps, 1, Long.MAX_VALUE);
        o.whole("--correction-holds", correctionHolds, 1, 1000);
        o.above("--max-seconds", maxSeconds, 0, Double.POSITIVE_INFINITY, "seconds");
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        o.whole("--train-every", trainEvery, 0, Integer.MAX_VALUE);
        o.number("--train-minutes", trainMinutes, 0, 10_080, "minutes");
        o.whole("--gate-episodes", gateEpisodes, 0, Integer.MAX_VALUE);
        o.whole("--console-port", consolePort, 0, 65_535);
        o.broker("--mqtt-corrections", mqttCorrections);
        o.topicLevel("--agent-id", agentId);
        fleet.check(spec, false);
        o.number("--fleet-wait", fleetWait, 0, 3600, "seconds");
        o.needs(!simOperator || target.equals(SimGameProfile.NAME), "--sim-operator needs --target sim-game (it reads the game's true state), got '" + target + "'");
        o.needs(robot.broker != null || !target.equals("robot"), "--target robot needs --broker tcp://host:1883 (the broker the robot listens on)");
    }

    private static int counter;

    static synchronized String episodeId(String target, long seed) {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + String.format("-%03d-%s-s%d", counter++ % 1000, target, seed);
    }
}
