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
import dev.embody.sim.SimWindow;
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
    @Option(names = "--goal", defaultValue = "collect all coins", description = "What to do: 'collect all coins' or 'reach the flag' (default: ${DEFAULT-VALUE}).")
    String goal;
    @Option(names = "--rate", defaultValue = "10", description = "Steps per second at most; 0 runs each step as soon as the last ends (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--max-steps", defaultValue = "600", description = "Steps per episode at most (default: ${DEFAULT-VALUE}).")
    long maxSteps;
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
    @Option(names = "--stdin-corrections", negatable = true,
            description = "Read corrections typed on stdin, one a line (default: on when stdin is a terminal; --stdin-corrections for a pipe).")
    Boolean stdinCorrections;

    static final class TargetNames extends ArrayList<String> {
        TargetNames() {
            super(TargetKinds.names());
        }
    }

    @Override
    public Integer call() throws Exception {
        TargetKind kind = TargetKinds.of(target).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown target '" + target + "' (expected one of " + String.join(", ", TargetKinds.names()) + ")"));
        for (int d : difficulties) {
            if (d < 1 || d > 3) {
                throw new ParameterException(spec.commandLine(), "--difficulty must be 1, 2 or 3, got " + d);
            }
        }
        if (episodes < 1) {
            throw new ParameterException(spec.commandLine(), "--episodes must be at least 1, got " + episodes);
        }
        SkillLibrary library = SkillLibrary.load(skillsDir != null ? skillsDir : Path.of("skills", target));
        Goal g = new Goal(goal);
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
        List<Latency> latencies = new ArrayList<>();
        Map<Integer, int[]> perDifficulty = new TreeMap<>();
        int total = episodes * difficulties.size(), done = 0, successes = 0, coins = 0, coinsTotal = 0;
        long steps = 0;
        LivePolicy live = LivePolicy.choose(spec, policy, target, library, checkpointsDir, trainEvery, trainMinutes, gateEpisodes);
        String policyName = live.name();
        try (live; EpisodicMemory memory = EpisodicMemory.open(memoryDir != null ? memoryDir : Path.of("memory", target))) {
            log.info("{}: {} episode(s), goal '{}', {} skills ({} commands), policy {}", target, total, g, library.skills().size(),
                    library.commands().size(), policyName);
            outer:
            for (int d : difficulties) {
                for (int i = 0; i < episodes; i++) {
                    long s = seed + i;
                    TargetKind.EpisodeSpec es = new TargetKind.EpisodeSpec(s, d, g, Duration.ofMillis((long) (timeLimit * 1000)),
                            realtime || this.window, window, targetOptions());
                    String id = episodeId(target, s);
                    memory.beginEpisode(id);
                    try (Target t = kind.open(es);
                         AutoCloseableGathering gathering = new AutoCloseableGathering(kind.gathering(es));
                         EpisodeRecorder recorder = noRecord ? null : EpisodeRecorder.start(episodesDir, id, t, facts(library, policyName, g, d))) {
                        AgentLoop.Builder b = AgentLoop.builder().target(t).library(library).gathering(gathering.module())
                                .reflection(kind.reflection()).tasks(kind.tasks()).curation(kind.curation())
                                .policy(live.policyFor(t, kind.baseline(library))).memory(memory).goal(g).period(period).maxSteps(maxSteps).inbox(inbox);
                        if (recorder != null) {
                            recorder.put("time_limit_s", timeLimit); // replay --actuate rebuilds the game from meta.json
                            b.listener(recorder);
                        }
                        AgentLoop loop = b.build();
                        live.attach(loop);
                        running.set(loop);
                        AgentLoop.EpisodeResult r = loop.run();
                        running.set(null);
                        if (recorder != null && !interventions.isEmpty()) {
                            recorder.put("interventions", List.copyOf(interventions));
                        }
                        interventions.clear();
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
                        System.out.printf(Locale.ROOT, "episode %d/%d seed=%d difficulty=%d outcome=%s coins=%d/%d steps=%d game_s=%s%s%s%n",
                                done, total, s, d, r.outcome().label(), c, ct, r.steps(), score.get("game_s"),
                                r.reason().isEmpty() && !score.getOrDefault("ending", "").toString().isEmpty() ? " (" + score.get("ending") + ")" : r.reason().isEmpty() ? "" : " (" + r.reason() + ")",
                                recorder == null ? "" : " id=" + recorder.id());
                        if (r.outcome() == Outcome.STOPPED || interrupted[0]) {
                            break outer;
                        }
                    }
                }
            }
        } finally {
            if (terminal != null) {
                terminal.close();
            }
            finished.countDown();
            if (!interrupted[0]) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        LatencyStats stats = new LatencyStats(latencies);
        if (perDifficulty.size() > 1) {
            perDifficulty.forEach((d, v) -> System.out.printf(Locale.ROOT, "difficulty %d: success=%.2f (%d/%d)%n", d, v[0] / (double) v[1], v[0], v[1]));
        }
        System.out.printf(Locale.ROOT, "summary: episodes=%d success=%.2f coins=%d/%d steps=%d step_ms_p50=%.2f step_ms_p99=%.2f episodes_dir=%s%n",
                done, done == 0 ? 0.0 : successes / (double) done, coins, coinsTotal, steps, stats.percentile("step", 50),
                stats.percentile("step", 99), noRecord ? "-" : episodesDir);
        return interrupted[0] ? Main.INTERRUPTED : Main.OK;
    }

    /** Target-specific options for {@link TargetKind#open}, by option name. */
    private Map<String, String> targetOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        return m;
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

    static Map<String, Object> facts(SkillLibrary library, String policy, Goal g, int difficulty) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("goal", g.text());
        m.put("difficulty", difficulty);
        m.put("skills_version", library.version());
        m.put("commands", library.commands().stream().map(Object::toString).toList());
        m.put("policy", policy);
        return m;
    }

    private static int counter;

    static synchronized String episodeId(String target, long seed) {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + String.format("-%03d-%s-s%d", counter++ % 1000, target, seed);
    }
}
