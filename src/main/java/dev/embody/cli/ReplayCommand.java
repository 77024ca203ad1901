package dev.embody.cli;

import dev.embody.episode.Episode;
import dev.embody.episode.LatencyStats;
import dev.embody.episode.Reactuation;
import dev.embody.episode.RecordedEpisode;
import dev.embody.episode.RecordedPolicy;
import dev.embody.episode.Replay;
import dev.embody.episode.ReplayReport;
import dev.embody.file.BadFileException;
import dev.embody.learning.Checkpoints;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Policy;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-run the modules and a policy over recorded episodes, headless (no screen, keys, robot or network), "
                + "and compare its decisions with the recorded ones and the operator's corrections; writes a report.",
                "With --actuate TARGET, send the recorded commands again to a live target instead (open loop)."})
final class ReplayCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ReplayCommand.class);

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "EPISODE|DIR", description = "Episode folders or ids (under --episodes-dir), or folders of episodes.")
    List<String> inputs;
    @Option(names = "--policy", defaultValue = "baseline",
            description = "baseline (the profile's own: the scene planner in the grid game), recorded (plays back the recorded decisions: a check of the replay itself), learned (the checkpoint in use) or a checkpoint VERSION such as v0003 (default: ${DEFAULT-VALUE}).")
    String policy;
    @Option(names = "--checkpoints", defaultValue = "checkpoints", description = "Checkpoints folder for a learned policy (default: ${DEFAULT-VALUE}).")
    Path checkpointsDir;
    @Option(names = "--out", description = "Where the report goes (default: reports/<timestamp>/).")
    Path out;
    @Option(names = "--realtime", description = "Pace the frames by the recorded target clock instead of as fast as the modules take them; with --actuate, act on the wall clock.")
    boolean realtime;
    @Option(names = "--skills", description = "Skills folder (default: the one the episode was recorded with).")
    Path skillsDir;
    @Option(names = "--episodes-dir", defaultValue = "episodes", description = "Where episode ids are looked up (default: ${DEFAULT-VALUE}).")
    Path episodesDir;
    @Option(names = "--actuate", paramLabel = "TARGET", description = "Open loop: send the recorded commands to a live target of this kind (${COMPLETION-CANDIDATES}) with the recorded timing.",
            completionCandidates = TargetSelection.Names.class)
    String actuate;
    @Option(names = "--time-limit", description = "With --actuate: the game's time limit in seconds (default: the episode's, else 90).")
    Double timeLimit;
    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;
    @picocli.CommandLine.Mixin
    ModelSelection models;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.oneOf("--actuate", actuate, Profiles.names());
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        if (!BUILT_IN.contains(policy) && !"learned".equals(policy)) {
            try {
                Checkpoints.normalise(policy);
            } catch (IllegalArgumentException e) {
                throw o.refused("--policy must be baseline, scene-planner, recorded, learned or a checkpoint version such as v0003, got '" + policy + "'");
            }
        }
        dev.embody.profile.ModuleChoice choice = models.choice(spec);
        o.needs(actuate == null || !choice.anyModel(), "--actuate re-sends the recorded commands: it asks no model (leave out --modules)");
        List<Path> dirs = resolve(spec, inputs, episodesDir);
        if (actuate != null) {
            return actuate(dirs);
        }
        Path report = out != null ? out : Path.of("reports", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Batch b = replay(spec, dirs, policy, realtime, skillsDir, checkpointsDir, !noProgress, choice);
        Map<String, String> header = new LinkedHashMap<>();
        header.put("policy", policy);
        header.put("command", "replay " + String.join(" ", inputs));
        Path html = ReplayReport.write(report, b.results(), b.failures(), header);
        printTotals(System.out, b, html);
        return b.exitCode();
    }

    /** What a batch of replays came to. */
    record Batch(List<Replay.Result> results, List<ReplayReport.Failure> failures, boolean badFiles) {
        int exitCode() {
            return failures.isEmpty() ? Main.OK : badFiles ? Main.BAD_FILE : Main.FAILED;
        }
    }

    /** Episode folders from the arguments: an episode folder, an id under episodesDir, or a folder of episodes. */
    static List<Path> resolve(CommandSpec spec, List<String> inputs, Path episodesDir) throws Exception {
        List<Path> dirs = new ArrayList<>();
        for (String in : inputs) {
            Path p = Path.of(in);
            if (!Files.exists(p)) {
                try {
                    p = Episode.inFolder(episodesDir, in);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "no episode or folder of episodes '" + in + "': " + e.getMessage());
                }
            }
            if (!Files.isDirectory(p)) {
                throw new ParameterException(spec.commandLine(), "no episode or folder of episodes '" + in + "' (nor " + episodesDir.resolve(in) + ")");
            }
            if (looksLikeEpisode(p)) {
                dirs.add(p);
                continue;
            }
            try (Stream<Path> s = Files.list(p)) {
                List<Path> eps = s.filter(Files::isDirectory).filter(ReplayCommand::looksLikeEpisode).sorted().toList();
                if (eps.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "'" + in + "' is neither an episode (meta.json, steps.jsonl, frames.mp4) nor a folder of episodes");
                }
                dirs.addAll(eps);
            }
        }
        return dirs;
    }

    private static boolean looksLikeEpisode(Path p) {
        return Files.exists(p.resolve(Episode.META)) || Files.exists(p.resolve(Episode.STEPS)) || Files.exists(p.resolve(Episode.VIDEO));
    }

    /**
     * Reads every episode (a bad one is reported and skipped), then replays the good ones in turn, each with the agent
     * its meta.json recorded: the same profile, calibration, skills and modules, planning with {@code policy}.
     */
    static Batch replay(CommandSpec spec, List<Path> dirs, String policy, boolean realtime, Path skillsDir, Path checkpointsDir,
                        boolean progressBar) throws Exception {
        return replay(spec, dirs, policy, realtime, skillsDir, checkpointsDir, progressBar, dev.embody.profile.ModuleChoice.local());
    }

    /** As above, with the modules a model backs ({@code --modules}): the model is asked again on the recorded frames. */
    static Batch replay(CommandSpec spec, List<Path> dirs, String policy, boolean realtime, Path skillsDir, Path checkpointsDir,
                        boolean progressBar, dev.embody.profile.ModuleChoice choice) throws Exception {
        List<ReplayReport.Failure> failures = new ArrayList<>();
        boolean badFiles = false;
        List<RecordedEpisode> episodes = new ArrayList<>();
        Map<String, Profile> profiles = new LinkedHashMap<>();
        Map<RecordedEpisode, Profile> profileOf = new HashMap<>();
        for (Path d : dirs) {
            try {
                RecordedEpisode e = RecordedEpisode.read(d);
                if (e.markedBad()) {
                    System.err.println("skipped " + e.id() + ": marked bad (./run episodes edit " + e.id() + " --mark good to replay it)");
                    continue;
                }
                String key = e.meta().path("target").asText() + " " + e.meta().path("profile");
                Profile p = profiles.get(key);
                if (p == null) {
                    p = Profiles.chooseForReplay(Profiles.fromEpisode(d.resolve(Episode.META), e.meta(), skillsDir), choice);
                    profiles.put(key, p);
                }
                profileOf.put(e, p);
                if (e.cut() != null) {
                    log.warn("{}: {}", e.id(), e.cut());
                }
                episodes.add(e);
            } catch (BadFileException ex) {
                System.err.println("error: " + ex.getMessage());
                failures.add(new ReplayReport.Failure(d.toString(), ex.getMessage()));
                badFiles = true;
            }
        }
        long total = episodes.stream().mapToLong(e -> e.trim() == null ? e.steps().size() : e.trim().to() - e.trim().from() + 1).sum();
        dev.embody.loop.ProgressBar bar = progressBar ? dev.embody.loop.ProgressBar.of(System.err, "replay", "step", total) : dev.embody.loop.ProgressBar.off();
        Map<Profile, SkillLibrary> libraries = new HashMap<>();
        List<Replay.Result> results = new ArrayList<>();
        int n = 0;
        try (Learned learned = new Learned(spec, policy, checkpointsDir)) {
            for (RecordedEpisode e : episodes) {
                n++;
                Profile profile = profileOf.get(e);
                try {
                    SkillLibrary library = libraries.get(profile);
                    if (library == null) {
                        library = profile.skills();
                        libraries.put(profile, library);
                    }
                    library = e.libraryAsRecorded(library);
                    String recordedSkills = e.meta().path("skills_version").asText(null);
                    if (recordedSkills != null && !recordedSkills.equals(library.version())) {
                        log.warn("{}: recorded with skills {}, replayed with {}: decisions may differ for that reason alone", e.id(), recordedSkills, library.version());
                    }
                    try (Modules modules = profile.modules(library)) {
                        Modules agent = modules.withPolicy(policyFor(spec, policy, e, profile, modules, library, learned));
                        final int index = n;
                        Replay.Result r = Replay.run(e, new Replay.Agent(agent, library), memoryAsRecorded(e), realtime,
                                (ep, done) -> bar.step("episode " + index + "/" + episodes.size()));
                        results.add(r);
                        bar.clear();
                        printEpisode(System.out, r, n, episodes.size());
                        if (r.warning() != null && !Objects.equals(r.warning(), e.cut())) {
                            log.warn("{}: {}", e.id(), r.warning());
                        }
                    }
                } catch (BadFileException ex) {
                    bar.clear();
                    System.err.println("error: " + ex.getMessage());
                    failures.add(new ReplayReport.Failure(e.dir().toString(), ex.getMessage()));
                    badFiles = true;
                } catch (InterruptedException | ParameterException ex) {
                    throw ex;
                } catch (Exception ex) {
                    bar.clear();
                    System.err.println("error: " + e.dir() + ": " + ex.getMessage());
                    log.debug("replay failed", ex);
                    failures.add(new ReplayReport.Failure(e.dir().toString(), ex.getMessage()));
                }
            }
        } finally {
            profiles.values().forEach(Profile::close);
        }
        bar.clear();
        return new Batch(results, failures, badFiles);
    }

    /** The long-term memory the episode's modules could recall from when it began, if it recorded where that was. */
    static EpisodicMemory memoryAsRecorded(RecordedEpisode e) throws java.io.IOException {
        String dir = e.meta().path("memory").asText(null);
        long started;
        try {
            started = java.time.Instant.parse(e.meta().path("started").asText()).toEpochMilli();
        } catch (RuntimeException ex) {
            started = Long.MIN_VALUE;
        }
        return dir == null ? EpisodicMemory.inMemory() : EpisodicMemory.asOf(Path.of(dir), started);
    }

    /** scene-planner names the grid game's baseline, as before profiles; it is refused for an episode whose baseline differs. */
    static final List<String> BUILT_IN = List.of("baseline", "recorded", "scene-planner");

    /** The policy named by --policy for one episode: the profile's baseline fresh with the modules (it may keep state). */
    static Policy policyFor(CommandSpec spec, String policy, RecordedEpisode e, Profile profile, Modules modules, SkillLibrary library,
                            Learned learned) throws Exception {
        return switch (policy) {
            case "baseline" -> modules.policy();
            case "recorded" -> new RecordedPolicy(e);
            default -> {
                if (policy.equals(modules.policy().name())) {
                    yield modules.policy();
                }
                if ("scene-planner".equals(policy)) {
                    throw new ParameterException(spec.commandLine(), "--policy scene-planner: " + e.id() + " was recorded on the " + profile.name()
                            + " profile, whose baseline is '" + modules.policy().name() + "'; say --policy baseline");
                }
                yield learned.forTarget(profile, library);
            }
        };
    }

    /**
     * Learned policies from checkpoints, loaded once per target and shared by its episodes (a learned policy keeps no
     * state between steps); closed at the end of the batch.
     */
    static final class Learned implements AutoCloseable {
        private final CommandSpec spec;
        private final String choice;
        private final Path dir;
        private final Map<String, LearnedPolicy> loaded = new HashMap<>();

        Learned(CommandSpec spec, String choice, Path dir) {
            this.spec = spec;
            this.choice = choice;
            this.dir = dir != null ? dir : Path.of("checkpoints");
        }

        LearnedPolicy forTarget(Profile profile, SkillLibrary library) throws Exception {
            String target = profile.memoryName();
            LearnedPolicy p = loaded.get(target);
            if (p != null) {
                return p;
            }
            ChosenCheckpoint chosen = ChosenCheckpoint.load(spec, profile, profile.checkpoints(dir), choice, library, "./run train or ./run improve");
            p = chosen.policy();
            log.info("replaying {} with {} from {}", target, p.name(), chosen.checkpoint().dir());
            loaded.put(target, p);
            return p;
        }

        @Override
        public void close() {
            loaded.values().forEach(LearnedPolicy::close);
        }
    }

    /** An episode's target settings, from its meta.json. */
    static EpisodeSpec spec(RecordedEpisode e, Double timeLimit, boolean realtime) {
        var m = e.meta();
        double limit = timeLimit != null ? timeLimit : m.path("time_limit_s").asDouble(90);
        return new EpisodeSpec(m.path("seed").asLong(0), m.path("difficulty").asInt(1), new Goal(m.path("goal").asText("")),
                Duration.ofMillis((long) (limit * 1000)), realtime, null);
    }

    static void printEpisode(PrintStream out, Replay.Result r, int n, int of) {
        StringBuilder mods = new StringBuilder();
        for (String m : Replay.MODULES) {
            mods.append(mods.length() == 0 ? "" : ",").append(m).append(':').append(ReplayReport.ratio(r.moduleAgreement(m)));
        }
        double target = ReplayReport.replayedTargetSeconds(r);
        out.printf(Locale.ROOT, "episode %d/%d %s steps=%d/%d agreement=%s (%d/%d) correction_agreement=%s (%d/%d) modules=%s steps_per_s=%.1f speed=%.1fx%s%n",
                n, of, r.episode().id(), r.steps().size(), r.episode().steps().size(), ReplayReport.ratio(r.agreement()), r.agreeing(),
                r.decided(), ReplayReport.ratio(r.correctionAgreement()), r.correctionsAgreeing(), r.corrections(), mods,
                r.stepsPerSecond(), r.wallSeconds() > 0 ? target / r.wallSeconds() : Double.NaN, failedNote(r.failed().size(), r.failedCompared())
                        + (r.episode().trim() != null ? " trim=" + r.episode().trim() : "") + (r.warning() != null ? " (cut off)" : ""));
        out.println("  latency_ms p50/p99 " + latencyLine(new LatencyStats(r.latencies())));
    }

    /** " failed=3 (1 compared)": steps that failed when recorded; compared where a command had been decided. */
    static String failedNote(int failed, int compared) {
        return failed == 0 ? "" : " failed=" + failed + " (" + compared + " compared)";
    }

    static String latencyLine(LatencyStats s) {
        StringBuilder b = new StringBuilder();
        for (String part : ReplayReport.parts()) {
            b.append(String.format(Locale.ROOT, "%s%s=%.2f/%.2f", b.length() == 0 ? "" : " ", part, s.percentile(part, 50), s.percentile(part, 99)));
        }
        return b.toString();
    }

    static void printTotals(PrintStream out, Batch b, Path html) {
        ReplayReport.Totals t = ReplayReport.Totals.of(b.results());
        out.printf(Locale.ROOT, "total: episodes=%d steps=%d agreement=%s (%d/%d) correction_agreement=%s (%d/%d) steps_per_s=%.1f target_s=%.2f replay_s=%.2f speed_ratio=%.1fx%s%n",
                t.episodes(), t.steps(), ReplayReport.ratio(t.agreement()), t.agreeing(), t.decided(), ReplayReport.ratio(t.correctionAgreement()),
                t.correctionsAgreeing(), t.corrections(), t.stepsPerSecond(), t.targetSeconds(), t.wallSeconds(), t.speedRatio(),
                failedNote(t.failed(), t.failedCompared()) + (b.failures().isEmpty() ? "" : " not_replayed=" + b.failures().size()));
        out.println("  latency_ms p50/p99 " + latencyLine(t.latency()));
        out.printf(Locale.ROOT, "summary: episodes=%d steps=%d agreement=%s correction_agreement=%s steps_per_s=%.1f report=%s%n",
                t.episodes(), t.steps(), ReplayReport.ratio(t.agreement()), ReplayReport.ratio(t.correctionAgreement()), t.stepsPerSecond(), html);
    }

    // ---- open-loop re-actuation

    private int actuate(List<Path> dirs) throws Exception {
        if (!Profiles.names().contains(actuate)) {
            throw new ParameterException(spec.commandLine(), "unknown target '" + actuate + "' (expected one of " + String.join(", ", Profiles.names()) + ")");
        }
        int exit = Main.OK;
        for (Path d : dirs) {
            RecordedEpisode e;
            try {
                e = RecordedEpisode.read(d);
            } catch (BadFileException ex) {
                System.err.println("error: " + ex.getMessage());
                exit = Main.BAD_FILE;
                continue;
            }
            if (e.markedBad()) {
                System.err.println("skipped " + e.id() + ": marked bad (./run episodes edit " + e.id() + " --mark good to re-actuate it)");
                continue;
            }
            String recordedOn = e.meta().path("target").asText();
            if (!recordedOn.equals(actuate)) {
                throw new ParameterException(spec.commandLine(), e.id() + " was recorded on '" + recordedOn + "': it cannot be re-actuated on '" + actuate + "'");
            }
            if (e.cut() != null) {
                log.warn("{}: {}; re-actuating the steps recorded before it", e.id(), e.cut());
            }
            Profile profile = Profiles.fromEpisode(d.resolve(Episode.META), e.meta(), skillsDir);
            SkillLibrary library = profile.skills();
            Reactuation reactuation = new Reactuation();
            java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
            boolean[] interrupted = {false};
            // Ctrl-C: stop sending, and hold the JVM until everything held is let go
            Thread hook = new Thread(() -> {
                interrupted[0] = true;
                reactuation.requestStop();
                try {
                    released.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "ctrl-c");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                Reactuation.Result r;
                try (profile; Target t = profile.open(spec(e, timeLimit, realtime || e.meta().path("realtime").asBoolean(false)))) {
                    r = reactuation.run(e, t, library);
                }
                System.out.println(reactuationLine(e, r));
            } finally {
                released.countDown();
                if (!interrupted[0]) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
            if (interrupted[0]) {
                return Main.INTERRUPTED;
            }
        }
        return exit;
    }

    /** One line: what re-actuation came to beside what was recorded, and whether it reproduced it. */
    static String reactuationLine(RecordedEpisode e, Reactuation.Result r) {
        var recordedScore = e.meta().path("score");
        boolean sameOutcome = !r.outcome().finished() || r.outcome().label().equals(e.meta().path("outcome").asText());
        boolean sameScore = true;
        StringBuilder score = new StringBuilder();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (var entry : r.score().entrySet()) {
            // compare as JSON, so lists (keys_held) compare like numbers and text do
            var nowNode = json.valueToTree(entry.getValue());
            var thenNode = recordedScore.get(entry.getKey());
            String now = nowNode.isValueNode() ? nowNode.asText() : nowNode.toString();
            String then = thenNode == null ? null : thenNode.isValueNode() ? thenNode.asText() : thenNode.toString();
            if (then != null && !then.equals(now)) {
                sameScore = false;
            }
            score.append(' ').append(entry.getKey()).append('=').append(now.contains(" ") ? "'" + now + "'" : now)
                    .append(then != null && !then.equals(now) ? " (recorded " + then + ")" : "");
        }
        return String.format(Locale.ROOT, "actuated %s steps=%d/%d outcome=%s recorded_outcome=%s%s reproduced=%s (%s)",
                e.id(), r.steps(), e.steps().size(), r.outcome().label(), e.meta().path("outcome").asText("?"), score,
                sameOutcome && sameScore ? "yes" : "no", r.reason());
    }
}
