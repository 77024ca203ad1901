package dev.embody.cli;

import dev.embody.learning.Checkpoints;
import dev.embody.bench.DesktopArena;
import dev.embody.bench.DesktopImprovement;
import dev.embody.profile.DesktopProfile;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import picocli.CommandLine.ParameterException;
import dev.embody.bench.Improvement;
import dev.embody.bench.OperatorEffort;
import dev.embody.profile.Arena;
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
import java.util.List;
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
    @Option(names = "--paced-operator", description = "Sim game: the simulated operator starts no new correction while it still says the last (a correction's reaction and words, at the game's step period), as a person cannot (default: off, it may speak after every step).")
    boolean pacedOperator;
    @Option(names = "--no-control", description = "Leave out the control arm.")
    boolean noControl;
    @Option(names = "--episodes-dir", description = "Record every corrected episode here, for replay (default: the run's folder, episodes/).")
    Path episodesDir;
    @Option(names = "--target", defaultValue = "sim-game", description = "sim-game (the embedded game, the simulated operator) or desktop (a program on the X display, a scripted person given by --play-along-command and --correct-command) (default: ${DEFAULT-VALUE}).")
    String target;
    @Option(names = "--calibration", description = "With --target desktop: the program's calibration (calibration/desktop/NAME.yaml).")
    Path calibration;
    @Option(names = "--play-along-command", description = "With --target desktop: the scripted person who plays the demonstrations (a program, its words; it says '"
            + DesktopArena.OPERATOR_READY + "' on stderr once it watches).")
    String playAlongCommand;
    @Option(names = "--correct-command", description = "With --target desktop: the scripted person who watches the agent and prints corrections one a line.")
    String correctCommand;
    @Option(names = "--time-limit", defaultValue = "20", description = "With --target desktop: seconds survived that count as success (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--rate", defaultValue = "10", description = "With --target desktop: steps a second (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--seed", defaultValue = "1", description = "First training seed; held-out seeds start at " + Improvement.EVAL_SEEDS + " (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--seeds", description = "Sim game: repeat the whole pipeline this many times (seeds --seed, --seed+" + SEED_STRIDE
            + ", ...; the same held-out seeds), train the control arm after every round, and print per round and arm the mean success, "
            + "min..max and the pooled episodes' 95% interval (default: once, the control at the last round only).")
    Integer seeds;

    /** Pipelines' seeds lie this far apart, so no two share a training or control game. */
    static final int SEED_STRIDE = 1000;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.oneOf("--target", target, TARGETS);
        if (target.equals(DesktopProfile.NAME)) {
            return desktop(o);
        }
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
        if (seeds != null) {
            o.whole("--seeds", seeds, 1, 40);
        }
        Path run = Main.runDir();
        Arena arena = profile.arena(library, difficulty, maxSteps, Duration.ofSeconds(90));
        System.out.printf(Locale.ROOT, "improve: %d demonstration episode(s), %d round(s) x %d corrected episode(s), %d held-out episodes (seeds %d..), difficulty %d, input %s, %d cores%n",
                demos, rounds, episodes, eval, Improvement.EVAL_SEEDS, difficulty, profile.inputSpec(), Runtime.getRuntime().availableProcessors());
        OperatorEffort effort = OperatorEffort.person(OperatorEffort.SIM_GAME_STEP_S);
        System.out.printf(Locale.ROOT, "operator seconds: a demonstration costs its steps x %.2f s; a correction %.1f s of reaction + %.1f s a word; watching without speaking is free (as YAY Robot counts only interventions); the control arm spends the same seconds on whole oracle demonstrations; the simulated operator %s%n",
                effort.stepSeconds(), effort.reactionSeconds(), effort.wordSeconds(),
                pacedOperator ? "paced (no new correction while it still says the last)" : "unpaced (it may speak after every step)");
        long t0 = System.nanoTime();
        int n = seeds == null ? 1 : seeds;
        List<Improvement.Report> reports = new java.util.ArrayList<>();
        String checkpointRoots = null, episodeRoots = null;
        for (int k = 0; k < n; k++) {
            long pipelineSeed = seed + (long) SEED_STRIDE * k;
            // one pipeline's checkpoints and episodes per seed, so versions and episode ids never mix
            Path home = seeds == null ? run : run.resolve("seed-" + pipelineSeed);
            Checkpoints checkpoints = profile.checkpoints(home.resolve("checkpoints"));
            Path eps = episodesDir == null ? home.resolve("episodes") : seeds == null ? episodesDir : episodesDir.resolve("seed-" + pipelineSeed);
            if (seeds != null) {
                System.out.printf(Locale.ROOT, "seed %d (%d of %d):%n", pipelineSeed, k + 1, n);
            }
            Improvement.Settings sk = new Improvement.Settings(s.demos(), s.rounds(), s.episodesPerRound(), s.evalEpisodes(), s.budget(), s.flagRounds(),
                    s.approvalMargin(), s.mirror(), s.firstTraining(), s.fineTuning(), pipelineSeed);
            Improvement improvement = new Improvement(arena, sk, checkpoints, System.err).recordingTo(eps);
            if (pacedOperator) {
                improvement.withPacedOperator();
            }
            if (noControl) {
                improvement.withoutControl();
            } else if (seeds != null) {
                improvement.withControlEachRound();
            }
            reports.add(improvement.run(System.out));
            checkpointRoots = checkpointRoots == null ? checkpoints.root().toString() : checkpointRoots + "," + checkpoints.root();
            episodeRoots = episodeRoots == null ? eps.toString() : episodeRoots + "," + eps;
        }
        if (seeds != null) {
            Improvement.summary(reports, System.out);
        }
        Path png = run.resolve("improve.png");
        Improvement.plot(reports, png);
        System.out.printf(Locale.ROOT, "wall_s=%.0f learning_curve=%s checkpoints=%s episodes=%s%n", (System.nanoTime() - t0) / 1e9, png, checkpointRoots, episodeRoots);
        return Main.OK;
    }

    static final java.util.List<String> TARGETS = java.util.List.of(SimGameProfile.NAME, DesktopProfile.NAME);

    /** Whether an option was given on the command line (a desktop run has defaults of its own). */
    private boolean given(String name) {
        return spec.commandLine().getParseResult().hasMatchedOption(name);
    }

    /** The benchmark on a program on the X display, with the scripted demonstrator as the person. */
    private int desktop(Options o) throws Exception {
        DesktopImprovement.Settings d = DesktopImprovement.Settings.defaults();
        int k = given("--demos") ? demos : d.demos();
        int r = given("--rounds") ? rounds : d.rounds();
        int per = given("--episodes") ? episodes : d.episodesPerRound();
        int n = given("--eval") ? eval : d.evalEpisodes();
        o.whole("--demos", k, 1, 1000);
        o.whole("--rounds", r, 1, 1000);
        o.whole("--episodes", per, 1, 1000);
        o.whole("--eval", n, 1, 100_000);
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        o.above("--rate", rate, 0, 1000, "steps a second");
        if (trainSteps != null) {
            o.whole("--train-steps", trainSteps, 1, Integer.MAX_VALUE);
        }
        o.needs(seeds == null, "--seeds repeats the sim game's pipeline; --target desktop runs once (its episodes are real time)");
        o.needs(calibration != null, "--target desktop needs --calibration (the program's calibration file)");
        o.needs(playAlongCommand != null && correctCommand != null, "--target desktop needs --play-along-command and --correct-command (the scripted person)");
        o.file("--calibration", calibration);
        List<String> plays = CalibrateScreenCommand.words(playAlongCommand), corrects = CalibrateScreenCommand.words(correctCommand);
        o.needs(!plays.isEmpty() && !corrects.isEmpty(), "--play-along-command and --correct-command need a program to run");
        if (System.getenv("DISPLAY") == null) {
            throw new IllegalStateException("no X display: set DISPLAY (e.g. Xvfb :41 -screen 0 1280x800x24 & export DISPLAY=:41)");
        }
        Trainer.Options training = trainSteps == null ? d.training()
                : new Trainer.Options(d.training().epochs(), d.training().batchSize(), d.training().learningRate(), trainSteps, d.training().seed());
        DesktopImprovement.Settings s = new DesktopImprovement.Settings(k, r, per, n, training, d.balance(), !noControl, seed);
        try (Profile profile = Profiles.open(DesktopProfile.NAME, TargetOptions.defaults().withCalibration(calibration))) {
            Path run = Main.runDir();
            Checkpoints checkpoints = profile.checkpoints(run.resolve("checkpoints"));
            Path episodes = episodesDir != null ? episodesDir : run.resolve("episodes");
            Duration limit = Duration.ofMillis((long) (timeLimit * 1000));
            Duration period = Duration.ofNanos((long) (1e9 / rate));
            System.out.printf(Locale.ROOT, "improve: %s, %d demonstration(s), %d round(s) x %d corrected episode(s) (the last held out for the gate), %d held-out episodes a policy, %.0f s to survive, %.0f steps/s, input %s, %d cores%n",
                    calibration, k, r, per, n, timeLimit, rate, profile.choosesInput() ? "chosen from the demonstrations (below)" : profile.inputSpec(),
                    Runtime.getRuntime().availableProcessors());
            DesktopImprovement.Person person = new DesktopImprovement.Person(plays, corrects, DesktopArena.OPERATOR_READY);
            DesktopImprovement.Report report;
            try (DesktopArena arena = new DesktopArena(profile, profile.skills(), new DesktopArena.Settings(limit, period, (long) (timeLimit * rate * 2) + 100))) {
                report = new DesktopImprovement(arena, s, checkpoints, person, episodes, System.err).run(System.out);
            }
            Path png = run.resolve("improve.png");
            DesktopImprovement.plot(report, png);
            DesktopImprovement.Row last = report.lastScored();
            System.out.printf(Locale.ROOT, "summary: learned=%s random=%s nothing=%s beats_both=%s control=%s demonstration_s=%.0f correcting_s=%.0f watched_s=%.0f wall_s=%.0f learning_curve=%s checkpoints=%s episodes=%s%n",
                    last.success().brief(), report.random().success().brief(), report.nothing().success().brief(), report.beatsBaselines(),
                    report.control() == null ? "-" : report.control().success().brief(), report.demoSeconds(), report.correctingSeconds(), report.watchedSeconds(),
                    report.wallSeconds(), png, checkpoints.root(), episodes);
        }
        return Main.OK;
    }
}
