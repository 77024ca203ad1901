package dev.embody.cli;

import dev.embody.episode.Replay;
import dev.embody.profile.Arena;
import dev.embody.learning.Checkpoints;
import dev.embody.learning.EpisodeExamples;
import dev.embody.loop.Goal;
import dev.embody.loop.Policy;
import dev.embody.loop.Rate;
import dev.embody.loop.Target;
import dev.embody.planning.IdlePolicy;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.RandomPolicy;
import dev.embody.profile.DesktopProfile;
import dev.embody.profile.Profile;
import dev.embody.profile.Tally;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * How good a policy is, measured: played on a target for N episodes with nobody correcting (success with its 95%
 * Wilson interval, steps, interventions), or replayed over recorded episodes (agreement with what the person, the
 * demonstrator and the operator chose, with intervals).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a policy: on a target for N episodes with nobody correcting (success with its 95%% Wilson interval), "
                + "or with --recorded on recorded episodes (agreement with the person's, demonstrator's and operator's commands, with intervals)."})
final class EvalCommand implements Callable<Integer> {

    /** Steps a second live plays at (its --rate's default): eval plays a program on the wall clock at the same pace. */
    static final int LIVE_RATE = 10;

    @Spec
    CommandSpec spec;
    @Mixin
    TargetSelection targetSelection;
    @Mixin
    RobotConnection robot;
    @Option(names = "--episodes", defaultValue = "20", description = "Episodes to play (default: ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--seed", defaultValue = "100000", description = "Seed of the first episode; episode i plays seed+i (default: ${DEFAULT-VALUE}, the held-out seeds training never plays).")
    long seed;
    @Option(names = "--difficulty", defaultValue = "1", description = "1..3 (default: ${DEFAULT-VALUE}).")
    int difficulty;
    @Option(names = "--goal", description = "The goal (default: the profile's).")
    String goal;
    @Option(names = "--policy", defaultValue = "learned",
            description = "baseline (the profile's own), learned (the checkpoint in use), a checkpoint such as v0003, random, or nothing (default: ${DEFAULT-VALUE}).")
    String policy;
    @Option(names = "--checkpoints", defaultValue = "checkpoints", description = "(default: ${DEFAULT-VALUE})")
    Path checkpointsDir;
    @Option(names = "--max-steps", defaultValue = "250", description = "Steps per episode at most (default: ${DEFAULT-VALUE}).")
    long maxSteps;
    @Option(names = "--time-limit", defaultValue = "90", description = "The target's own time limit per episode, seconds (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--rate", description = "Steps a second at most; 0: as fast as the modules go (default: " + LIVE_RATE
            + " on the wall clock, as live plays: a desktop program or --realtime; else 0).")
    Double rate;
    @Option(names = "--no-record", description = "Do not keep the episodes (by default they go to --episodes-dir, as live's do).")
    boolean noRecord;
    @Option(names = "--realtime", description = "Play on the wall clock, not simulated time.")
    boolean realtime;
    @Option(names = "--recorded", description = "Evaluate on these recorded episodes (folders, or folders of episodes) instead of playing.")
    List<String> recorded;
    @Option(names = "--episodes-dir", defaultValue = "episodes", description = "Where the episodes played are kept, and where ids under --recorded are looked up (default: ${DEFAULT-VALUE}).")
    Path episodesDir;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.whole("--episodes", episodes, 1, 100_000);
        o.difficulty("--difficulty", difficulty);
        o.text("--goal", goal);
        o.whole("--max-steps", maxSteps, 1, Long.MAX_VALUE);
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        if (rate != null) {
            o.number("--rate", rate, 0, 1000, "steps a second");
        }
        if (!List.of("baseline", "learned", "random", "nothing").contains(policy)) {
            try {
                Checkpoints.normalise(policy);
            } catch (IllegalArgumentException e) {
                throw o.refused("--policy must be baseline, learned, random, nothing or a checkpoint version such as v0003, got '" + policy + "'");
            }
        }
        if (recorded != null) {
            return onRecorded();
        }
        try (Profile profile = targetSelection.profile(spec, robot.addTo(spec, targetSelection.options()))) {
            SkillLibrary library = profile.skills();
            Goal g = Options.of(spec).goal(goal, profile, library);
            // a program on the wall clock is played at the pace live plays it, not as fast as the modules go
            boolean wallClock = realtime || profile.name().equals(DesktopProfile.NAME);
            double r = rate != null ? rate : wallClock ? LIVE_RATE : 0;
            Duration period = r > 0 ? Duration.ofNanos((long) (1e9 / r)) : Duration.ZERO;
            Arena arena = new Arena(profile, library, difficulty, maxSteps, Duration.ofMillis((long) (timeLimit * 1000)), realtime, period);
            Function<Target, Policy> choice = policyFor(profile, library);
            Arena.Recording recording = noRecord ? null : new Arena.Recording(episodesDir,
                    LiveCommand.episodeId("eval", seed).replaceAll("-s\\d+$", ""), java.util.Map.of("eval", java.util.Map.of("policy", policy)));
            long steps = 0, interventions = 0, successes = 0;
            Tally tally = new Tally();
            for (int i = 0; i < episodes; i++) {
                Arena.Played p = arena.play(seed + i, g, choice::apply, t -> null, recording);
                steps += p.steps();
                interventions += p.corrections();
                successes += p.success() ? 1 : 0;
                // the outcome and figures as the target's ending says them (a program's declared ending: why, seconds, score)
                Object why = p.score().getOrDefault("ending", "");
                System.out.printf(Locale.ROOT, "episode %d/%d seed=%d outcome=%s %s%s%n", i + 1, episodes, seed + i, p.outcome().label(),
                        tally.add(p.outcome(), p.steps(), p.score()), why.toString().isEmpty() ? "" : " (" + why + ")");
            }
            Rate success = new Rate(successes, episodes);
            System.out.printf(Locale.ROOT, "summary: target=%s policy=%s episodes=%d success=%s steps_mean=%.1f%s interventions=%d rate=%s episodes_dir=%s%n",
                    profile.name(), policy, episodes, success, steps / (double) episodes,
                    tally.scoreMean(), interventions,
                    r > 0 ? String.format(Locale.ROOT, "%.1f", r) : "unpaced", noRecord ? "-" : episodesDir);
            return Main.OK;
        }
    }

    /** The policy for each episode: a fresh random or idle one, the profile's baseline, or one checkpoint shared by all. */
    private Function<Target, Policy> policyFor(Profile profile, SkillLibrary library) throws Exception {
        switch (policy) {
            case "random":
                java.util.function.Supplier<Policy> fresh = RandomPolicy.perEpisode(seed);
                return t -> fresh.get();
            case "nothing":
                IdlePolicy idle = new IdlePolicy(library);
                return t -> idle;
            case "baseline":
                return t -> {
                    try {
                        return profile.baseline(library);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
            default:
                // --policy was checked to be learned or a version (call)
                LearnedPolicy grown = ChosenCheckpoint.load(spec, profile, profile.checkpoints(checkpointsDir), policy, library,
                        "./run train or ./run improve").policy();
                return t -> grown;
        }
    }

    /** Agreement over recorded episodes, with intervals: what a person or demonstrator chose, and what the operator said. */
    private int onRecorded() throws Exception {
        if (List.of("random", "nothing").contains(policy)) {
            throw new ParameterException(spec.commandLine(), "--recorded scores baseline, learned or a checkpoint, not '" + policy + "'");
        }
        List<Path> dirs = ReplayCommand.resolve(spec, recorded, episodesDir);
        ReplayCommand.Batch b = ReplayCommand.replay(spec, dirs, policy, false, targetSelection.skills, checkpointsDir, true);
        long shown = 0, shownAgree = 0, corrected = 0, correctedAgree = 0, all = 0, allAgree = 0;
        for (Replay.Result r : b.results()) {
            for (Replay.StepReplay s : r.steps()) {
                if (s.recorded().corrected()) {
                    corrected++;
                    correctedAgree += Boolean.TRUE.equals(s.correctionAgrees()) ? 1 : 0;
                } else if (s.agrees() != null) {
                    all++;
                    allAgree += s.agrees() ? 1 : 0;
                    if (EpisodeExamples.DEMONSTRATORS.contains(s.recorded().by())) {
                        shown++;
                        shownAgree += s.agrees() ? 1 : 0;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "summary: episodes=%d policy=%s agreement_demonstrated=%s agreement_corrections=%s agreement_all=%s%n",
                b.results().size(), policy, new Rate(shownAgree, shown), new Rate(correctedAgree, corrected), new Rate(allAgree, all));
        return b.exitCode();
    }
}
