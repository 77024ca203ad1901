package dev.embody.cli;

import dev.embody.learning.Checkpoints;
import dev.embody.learning.Improvement;
import dev.embody.learning.Arena;
import dev.embody.learning.Trainer;
import dev.embody.profile.SimGameProfile;
import dev.embody.profile.TargetOptions;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "improve", mixinStandardHelpOptions = true,
        description = "Benchmark: a first learned policy from a few oracle demonstrations, then rounds of (play with the simulated operator correcting, fine-tune, score on held-out seeds), a control arm, and a forgetting check.")
final class ImproveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--demos", defaultValue = "1", description = "Oracle demonstration episodes for the first policy (default: ${DEFAULT-VALUE}).")
    int demos;
    @Option(names = "--rounds", defaultValue = "5", description = "Correction rounds (default: ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--episodes", defaultValue = "6", description = "Episodes played with the operator correcting, per round (default: ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--eval", defaultValue = "32", description = "Held-out evaluation episodes (default: ${DEFAULT-VALUE}).")
    int eval;
    @Option(names = "--budget", defaultValue = "60", description = "Corrections the operator may say per episode (default: ${DEFAULT-VALUE}).")
    int budget;
    @Option(names = "--flag-rounds", defaultValue = "1", description = "Correction rounds on 'reach the flag' for the forgetting check (default: ${DEFAULT-VALUE}).")
    int flagRounds;
    @Option(names = "--difficulty", defaultValue = "1", description = "1..3 (default: ${DEFAULT-VALUE}).")
    int difficulty;
    @Option(names = "--max-steps", defaultValue = "150", description = "Steps per episode at most (default: ${DEFAULT-VALUE}).")
    int maxSteps;
    @Option(names = "--approval-margin", defaultValue = "-1", description = "Also learn from the operator's silence: keep the policy's steps the operator would have taken too, except this many before each correction; -1: from corrections only (default: ${DEFAULT-VALUE}).")
    int approvalMargin;
    @Option(names = "--waypoint", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Tell the learned policy where the path to its target first turns (the grid game's A* waypoint; default: on); --no-waypoint tells it the target itself.")
    boolean waypoint;
    @Option(names = "--mirror", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Also train on each example's left-right and up-down mirror images (the game is seen from above; default: off, as the first policy then needs no corrections).")
    boolean mirror;
    @Option(names = "--train-steps", description = "Optimizer steps per round at most (default: " + 500 + ").")
    Integer trainSteps;
    @Option(names = "--no-control", description = "Leave out the control arm.")
    boolean noControl;
    @Option(names = "--episodes-dir", description = "Record every corrected episode here, for replay (default: the run's folder, episodes/).")
    Path episodesDir;
    @Option(names = "--seed", defaultValue = "1", description = "First training seed; held-out seeds start at " + Improvement.EVAL_SEEDS + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.whole("--demos", demos, 1, Integer.MAX_VALUE);
        o.whole("--rounds", rounds, 1, Integer.MAX_VALUE);
        o.whole("--episodes", episodes, 1, Integer.MAX_VALUE);
        o.whole("--eval", eval, 1, Integer.MAX_VALUE);
        o.whole("--budget", budget, 0, Integer.MAX_VALUE);
        o.whole("--flag-rounds", flagRounds, 0, Integer.MAX_VALUE);
        o.difficulty("--difficulty", difficulty);
        o.whole("--max-steps", maxSteps, 1, Integer.MAX_VALUE);
        o.whole("--approval-margin", approvalMargin, -1, Integer.MAX_VALUE);
        if (trainSteps != null) {
            o.whole("--train-steps", trainSteps, 1, Integer.MAX_VALUE);
        }
        SimGameProfile.Config config = SimGameProfile.Config.of(TargetOptions.defaults());
        SimGameProfile profile = new SimGameProfile(waypoint ? config : config.withoutWaypoint());
        SkillLibrary library = profile.skills();
        Improvement.Settings d = Improvement.Settings.defaults();
        Trainer.Options fine = trainSteps == null ? d.fineTuning()
                : new Trainer.Options(d.fineTuning().epochs(), d.fineTuning().batchSize(), d.fineTuning().learningRate(), trainSteps, d.fineTuning().seed());
        Improvement.Settings s = new Improvement.Settings(demos, rounds, episodes, eval, budget, flagRounds, approvalMargin, mirror,
                d.firstTraining(), fine, seed);
        Path run = Main.runDir();
        Checkpoints checkpoints = profile.checkpoints(run.resolve("checkpoints"));
        Arena arena = profile.arena(library, difficulty, maxSteps, Duration.ofSeconds(90));
        System.out.printf(Locale.ROOT, "improve: %d demonstration episode(s), %d round(s) x %d corrected episode(s), %d held-out episodes (seeds %d..), difficulty %d, input %s, %d cores%n",
                demos, rounds, episodes, eval, Improvement.EVAL_SEEDS, difficulty, profile.inputSpec(), Runtime.getRuntime().availableProcessors());
        Path episodes = episodesDir != null ? episodesDir : run.resolve("episodes");
        Improvement improvement = new Improvement(arena, s, checkpoints, System.err).recordingTo(episodes);
        if (noControl) {
            improvement.withoutControl();
        }
        Improvement.Report r = improvement.run(System.out);
        Path png = run.resolve("improve.png");
        Improvement.plot(r, png);
        System.out.printf(Locale.ROOT, "wall_s=%.0f learning_curve=%s checkpoints=%s episodes=%s%n", r.wallSeconds(), png, checkpoints.root(), episodes);
        return Main.OK;
    }
}
