package dev.embody.cli;

import dev.embody.learning.Checkpoints;
import dev.embody.bench.DesktopArena;
import dev.embody.loop.Goal;
import dev.embody.loop.Policy;
import dev.embody.planning.IdlePolicy;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.RandomPolicy;
import dev.embody.profile.DesktopProfile;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import dev.embody.profile.TargetOptions;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * A policy on a desktop program for N episodes through the one loop, in real time, each a fresh program: success with
 * its 95% interval and the seconds survived; optionally with an operator program (a scripted demonstrator) watching and
 * correcting in words. The baselines a learned policy must beat (nothing, random) come from here.
 */
@Command(name = "arena", mixinStandardHelpOptions = true,
        description = "Play a policy on a desktop program (a fresh one each episode) through the loop: success with its 95%% interval, seconds survived, corrections.")
final class BenchArenaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--calibration", required = true, description = "The program's calibration (calibration/desktop/NAME.yaml).")
    Path calibration;
    @Option(names = "--skills", description = "Skills folder (default: the calibration's).")
    Path skills;
    @Option(names = "--policy", defaultValue = "nothing", description = "nothing (waits every step), random (a curated command at random), baseline (the profile's), learned (the checkpoint in use) or a checkpoint such as v0003 (default: ${DEFAULT-VALUE}).")
    String policy;
    @Option(names = "--operator-command", description = "Who watches and corrects: a program (its words, quoted parts whole) that prints corrections one a line on stdout and says '"
            + DesktopArena.OPERATOR_READY + "' on stderr once it watches (default: nobody).")
    String operatorCommand;
    @Option(names = "--episodes", defaultValue = "10", description = "Episodes (default: ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first episode (the random policy's; default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--time-limit", defaultValue = "30", description = "Seconds survived that count as success (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--rate", defaultValue = "10", description = "Steps per second (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--goal", description = "The goal (default: the calibration's first).")
    String goal;
    @Option(names = "--episodes-dir", defaultValue = "episodes", description = "Where episodes are recorded (default: ${DEFAULT-VALUE}).")
    Path episodesDir;
    @Option(names = "--no-record", description = "Do not record the episodes.")
    boolean noRecord;
    @Option(names = "--checkpoints", defaultValue = "checkpoints", description = "Checkpoints folder for a learned policy (default: ${DEFAULT-VALUE}).")
    Path checkpointsDir;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.whole("--episodes", episodes, 1, 100_000);
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        o.above("--rate", rate, 0, 1000, "steps a second");
        List<String> operator = operatorCommand == null ? null : CalibrateScreenCommand.words(operatorCommand);
        o.needs(operator == null || !operator.isEmpty(), "--operator-command needs a program to run");
        o.text("--goal", goal);
        o.file("--calibration", calibration);
        if (System.getenv("DISPLAY") == null) {
            throw new IllegalStateException("no X display: set DISPLAY (e.g. Xvfb :41 & export DISPLAY=:41)");
        }
        try (Profile profile = Profiles.open(DesktopProfile.NAME, TargetOptions.defaults().withCalibration(calibration).withSkills(skills))) {
            SkillLibrary library = profile.skills();
            Goal g = Options.of(spec).goal(goal, profile, library);
            Function<Long, Policy> policies = policies(profile, library);
            Duration limit = Duration.ofMillis((long) (timeLimit * 1000));
            Duration period = Duration.ofNanos((long) (1e9 / rate));
            DesktopArena.Settings settings = new DesktopArena.Settings(limit, period, (long) (timeLimit * rate * 2) + 100);
            String name = policies.apply(seed).name();
            DesktopArena.Recording recording = noRecord ? null : new DesktopArena.Recording(episodesDir,
                    LiveCommand.episodeId("arena", seed).replaceAll("-s\\d+$", ""), Map.of("arena", Map.of("policy", name, "operator", operator == null ? "none" : operator.get(0))));
            try (DesktopArena arena = new DesktopArena(profile, library, settings)) {
                if (operator != null) {
                    arena.operator(operator, DesktopArena.OPERATOR_READY, System.err);
                }
                int[] done = {0};
                DesktopArena.Evaluation e = arena.evaluate(policies, g, seed, episodes, recording, p -> {
                    done[0]++;
                    System.out.printf(Locale.ROOT, "episode %d/%d seed=%d outcome=%s survived_s=%s score=%s steps=%d corrections=%d (%s)%s%n",
                            done[0], episodes, p.seed(), p.outcome().label(), p.score().getOrDefault("survived_s", "-"), p.score().getOrDefault("score", "-"), p.steps(),
                            p.corrections(), p.reason(), p.episode() == null ? "" : " id=" + p.episode());
                    System.out.flush();
                });
                System.out.printf(Locale.ROOT, "arena: policy=%s operator=%s episodes=%d %s time_limit_s=%s episodes_dir=%s%n", name, operator == null ? "none" : String.join(" ", operator),
                        episodes, e.summary(), timeLimit, noRecord ? "-" : episodesDir);
            }
        }
        return Main.OK;
    }

    /** The policy for each episode (by its seed), by --policy's name. */
    private Function<Long, Policy> policies(Profile profile, SkillLibrary library) throws Exception {
        switch (policy) {
            case "nothing" -> {
                try {
                    IdlePolicy idle = new IdlePolicy(library);
                    return s -> idle;
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--policy nothing: " + e.getMessage());
                }
            }
            case "random" -> {
                return RandomPolicy::new;
            }
            case "baseline" -> {
                Policy b = profile.baseline(library);
                return s -> b;
            }
            default -> {
                Checkpoints store = profile.checkpoints(checkpointsDir);
                if (!"learned".equals(policy)) {
                    try {
                        Checkpoints.normalise(policy);
                    } catch (IllegalArgumentException e) {
                        throw new ParameterException(spec.commandLine(), "--policy must be nothing, random, baseline, learned or a checkpoint version such as v0003, got '" + policy + "'");
                    }
                }
                LearnedPolicy grown = ChosenCheckpoint.load(spec, profile, store, policy, library, "./run train").policy();
                return s -> grown;
            }
        }
    }
}
