package dev.embody.bench;

import dev.embody.learning.Example;
import dev.embody.learning.ExampleCollector;
import dev.embody.correction.CorrectionParser;
import dev.embody.correction.TerminalChannel;
import dev.embody.episode.EpisodeRecorder;
import dev.embody.episode.EpisodeRunner;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Policy;
import dev.embody.loop.Rate;
import dev.embody.loop.Target;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Plays episodes of a desktop profile's program in real time through the one loop ({@link AgentLoop}) and the
 * profile's modules, with a given policy, and records each episode as {@code live} does; for the learning benchmark's
 * demonstrations, correction rounds, baselines and held-out evaluation on a program nobody wrote for embody. The
 * program is started afresh for every episode when its calibration says how, and the endings its calibration declares
 * say how each episode ended and what it scored.
 *
 * <p>An operator can watch and correct: any program that prints corrections one a line (a scripted demonstrator, given
 * by {@code --operator-command}) runs as its own process for the arena's whole life, and each line goes
 * through the terminal channel and the correction parser into the episode's loop, exactly as a person's typed line
 * would.
 *
 * <pre>{@code
 * try (DesktopArena arena = new DesktopArena(profile, library, DesktopArena.Settings.realtime(Duration.ofSeconds(30)))) {
 *     arena.operator(List.of("my-operator", "--correct"), DesktopArena.OPERATOR_READY, System.err);
 *     DesktopArena.Played p = arena.play(1, goal, new IdlePolicy(library), t -> null, recording);
 * }
 * }</pre>
 */
public final class DesktopArena implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DesktopArena.class);
    /** What an operator program says on its stderr once it watches the program's window: the arena starts then. */
    public static final String OPERATOR_READY = "watching for the program's window";

    /**
     * @param timeLimit what the program's ending counts as survived (the target's own limit)
     * @param period    the loop's step period
     * @param maxSteps  steps an episode may take at most (a safety net; the program's ending comes first)
     */
    public record Settings(Duration timeLimit, Duration period, long maxSteps) {
        /** Ten steps a second, as {@code live}; room for the whole time limit. */
        public static Settings realtime(Duration timeLimit) {
            Duration period = Duration.ofMillis(100);
            return new Settings(timeLimit, period, timeLimit.toMillis() / period.toMillis() * 2 + 100);
        }
    }

    /** What one episode came to: the verdict and figures read from the screen, the steps, the corrections applied. */
    /** @param said the operator's words on each step a correction decided (what its time is counted by) */
    public record Played(long seed, Outcome outcome, String reason, long steps, int corrections, Map<String, Object> score, String episode,
                         List<Example> examples, List<String> said) {
        public boolean success() {
            return outcome == Outcome.SUCCESS;
        }

        /** Wall-clock seconds the episode took: what a person watching or playing it gave. */
        public double wallSeconds() {
            return score.get("wall_s") instanceof Number n ? n.doubleValue() : Double.NaN;
        }

        public double survivedSeconds() {
            return score.get("survived_s") instanceof Number n ? n.doubleValue() : Double.NaN;
        }
    }

    /**
     * Where an episode is recorded, in the same format as {@code live} (so {@code replay} and {@code train} read it).
     *
     * @param facts what ran, for meta.json (policy, round, arm...)
     */
    public record Recording(Path root, String prefix, Map<String, Object> facts) {
    }

    private final Profile profile;
    private final SkillLibrary library;
    private final Settings settings;
    /** One inbox for the arena's life, as in {@code live}: the operator's channel outlives episodes. */
    private final OperatorInbox inbox = new OperatorInbox();
    private Process operator;
    private TerminalChannel channel;
    private int played;

    public DesktopArena(Profile profile, SkillLibrary library, Settings settings) {
        this.profile = profile;
        this.library = library;
        this.settings = settings;
    }

    public SkillLibrary library() {
        return library;
    }

    public Profile profile() {
        return profile;
    }

    /** How long an operator program may take to say it watches (a JVM starting on a busy machine). */
    private static final Duration OPERATOR_START = Duration.ofSeconds(60);

    /**
     * Starts an operator program that watches the screen and prints corrections one a line; they are parsed and
     * applied from the next episode on. It runs until the arena closes. Returns once the program has written
     * {@code readyLine} on its stderr (so no episode starts before anyone watches it).
     *
     * @param readyLine what the program's stderr says once it watches (part of a line)
     * @param report    where each correction's understanding is told ("correction \"jump!\": command jump ...")
     * @throws IOException the program could not start, ended, or did not say it watches in time
     */
    public DesktopArena operator(List<String> command, String readyLine, PrintStream report) throws IOException, InterruptedException {
        if (operator != null) {
            throw new IllegalStateException("the arena already has an operator: " + brief(command));
        }
        operator = new ProcessBuilder(command).start();
        channel = new TerminalChannel(CorrectionParser.following(() -> library, profile.words()), inbox, operator.getInputStream(), report).start();
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        Process p = operator;
        Thread err = new Thread(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    log.debug("operator: {}", line);
                    if (said.size() < 20) {
                        said.add(line);
                    }
                    if (line.contains(readyLine)) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                log.debug("operator's stderr: {}", e.toString());
            }
        }, "operator-stderr");
        err.setDaemon(true);
        err.start();
        long until = System.nanoTime() + OPERATOR_START.toNanos();
        while (!ready.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (!p.isAlive() || System.nanoTime() > until) {
                String why = p.isAlive() ? "did not say '" + readyLine + "' within " + OPERATOR_START.toSeconds() + " s" : "ended with " + p.exitValue();
                close();
                throw new IOException("the operator program " + brief(command) + " " + why + (said.isEmpty() ? "" : ": " + String.join(" | ", said)));
            }
        }
        log.info("operator: {} (pid {}) watches", brief(command), p.pid());
        return this;
    }

    /** A command without its class path, for a log line. */
    private static String brief(List<String> command) {
        List<String> out = new ArrayList<>(command);
        int cp = out.indexOf("-cp");
        if (cp >= 0 && cp + 1 < out.size()) {
            out.set(cp + 1, "...");
        }
        return String.join(" ", out);
    }

    public Settings settings() {
        return settings;
    }

    /** Whether an operator program is watching. */
    public boolean corrected() {
        return operator != null && operator.isAlive();
    }

    /** One episode with nobody recording it and nothing collected. */
    public Played play(long seed, Goal goal, Policy policy) throws Exception {
        return play(seed, goal, policy, t -> null, null);
    }

    /**
     * One episode: a fresh program, the policy deciding, the operator (if any) correcting, until the screen says it
     * ended or a limit is reached.
     *
     * @param collectFor turns its steps into examples (demonstrations, corrections), or null
     * @param recording  where it is recorded, or null
     */
    public Played play(long seed, Goal goal, Policy policy, Function<Target, ExampleCollector> collectFor, Recording recording) throws Exception {
        try (Target target = profile.open(new EpisodeSpec(seed, 1, goal, settings.timeLimit(), true, null))) {
            return run(seed, goal, target, policy, true, collectFor, recording);
        }
    }

    /**
     * One demonstration, as {@code record} takes it: a fresh program that someone plays through its own input (the
     * operator program started with {@link #operator}, e.g. a scripted demonstrator playing along) while the
     * loop hears the X input, maps it to skill commands ({@code by: person}) and sends nothing itself.
     */
    public Played demonstration(long seed, Goal goal, Function<Target, ExampleCollector> collectFor, Recording recording) throws Exception {
        dev.embody.loop.InputLog heard = new dev.embody.loop.InputLog();
        dev.embody.profile.PlayedTarget played = profile.play(new EpisodeSpec(seed, 1, goal, settings.timeLimit(), true, null), heard);
        if (played == null) {
            throw new IllegalStateException("the " + profile.name() + " target has no input of its own to hear a demonstration from");
        }
        try (Target target = played.target()) {
            return run(seed, goal, target, new dev.embody.planning.PersonPolicy(library, Map.of(), heard, settings.period(), false), false,
                    collectFor, recording);
        } finally {
            played.input().close();
        }
    }

    private Played run(long seed, Goal goal, Target target, Policy policy, boolean acting, Function<Target, ExampleCollector> collectFor,
                       Recording recording) throws Exception {
        try (Modules modules = profile.modules(library).withPolicy(policy)) {
            ExampleCollector collect = collectFor.apply(target);
            String id = recording == null ? null : String.format(Locale.ROOT, "%s-%03d-s%d", recording.prefix(), played++, seed);
            try (EpisodeRecorder recorder = recording == null ? null : EpisodeRecorder.start(recording.root(), id, target, facts(recording, goal, modules))) {
                // what the operator said before this episode's game was up is about another game
                inbox.drain();
                if (recorder != null) {
                    recorder.put("time_limit_s", settings.timeLimit().toMillis() / 1000.0);
                    recorder.put("operator", corrected() ? brief(operator.info().arguments().map(a -> {
                        List<String> all = new ArrayList<>(List.of(operator.info().command().orElse("?")));
                        all.addAll(List.of(a));
                        return all;
                    }).orElse(List.of("an operator program"))) : "none");
                }
                List<String> said = new ArrayList<>();
                EpisodeRunner.Result r = EpisodeRunner.of(target, library, modules).acting(acting).goal(goal).inbox(inbox)
                        .period(settings.period()).maxSteps(settings.maxSteps()).listener(collect).recorder(recorder)
                        .listener((step, observation) -> {
                            if (step.correction() != null) {
                                said.add(step.correction());
                            }
                        }).run();
                double seconds = r.seconds();
                Map<String, Object> score = new java.util.LinkedHashMap<>(target.score());
                score.put("wall_s", seconds);
                String reason = r.reason().isEmpty() ? String.valueOf(score.getOrDefault("ending", "")) : r.reason();
                List<Example> examples = collect == null ? List.of() : collect.take();
                return new Played(seed, r.outcome(), reason, r.steps(), r.corrections(), score, recorder == null ? null : recorder.id(), examples, List.copyOf(said));
            }
        }
    }

    private Map<String, Object> facts(Recording r, Goal goal, Modules modules) {
        Map<String, Object> m = EpisodeRecorder.facts(profile.describe(), modules, library, goal, 1);
        m.putAll(r.facts());
        return m;
    }

    /** A policy over {@code episodes} episodes (seeds seed, seed+1, ...), each line told to {@code each}. */
    public Evaluation evaluate(Function<Long, Policy> policy, Goal goal, long seed, int episodes, Recording recording,
                               java.util.function.Consumer<Played> each) throws Exception {
        List<Played> runs = new ArrayList<>();
        for (int i = 0; i < episodes; i++) {
            Played p = play(seed + i, goal, policy.apply(seed + i), t -> null, recording);
            runs.add(p);
            each.accept(p);
        }
        return new Evaluation(runs);
    }

    /** Episodes played: success with its interval, seconds survived, corrections. */
    public record Evaluation(List<Played> runs) {
        public Rate success() {
            return new Rate(runs.stream().filter(Played::success).count(), runs.size());
        }

        public double meanSurvivedSeconds() {
            return runs.stream().mapToDouble(Played::survivedSeconds).filter(Double::isFinite).average().orElse(Double.NaN);
        }

        public int corrections() {
            return runs.stream().mapToInt(Played::corrections).sum();
        }

        /** The mean of the scores the calibration declares (seconds survived, a number read), NaN when none was read. */
        public double meanScore() {
            return runs.stream().mapToDouble(p -> p.score().get("score") instanceof Number n ? n.doubleValue() : Double.NaN)
                    .filter(Double::isFinite).average().orElse(Double.NaN);
        }

        /** "success=0.90 [0.60,0.98] (9/10) survived_s_mean=28.1 score_mean=28.1 corrections=12" ("-" where nothing was measured). */
        public String summary() {
            Rate s = success();
            return String.format(Locale.ROOT, "success=%.2f [%.2f,%.2f] (%d/%d) survived_s_mean=%s score_mean=%s corrections=%d", s.value(), s.low(), s.high(),
                    s.hits(), s.trials(), figure(meanSurvivedSeconds()), figure(meanScore()), corrections());
        }

        private static String figure(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-";
        }
    }

    @Override
    public void close() {
        dismissOperator();
    }

    /** Stops the operator program (if any), so another can start: the demonstrator plays, then corrects. */
    public void dismissOperator() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (operator != null) {
            operator.descendants().forEach(ProcessHandle::destroy);
            operator.destroy();
            try {
                if (!operator.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
                    operator.destroyForcibly();
                }
            } catch (InterruptedException e) {
                operator.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            operator = null;
        }
    }
}
