package dev.embody.cli;

import dev.embody.fleet.FleetTrainer;
import dev.embody.learning.Trainer;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "A fleet's trainer: takes every agent's examples through an MQTT 5 shared subscription, writes each to its dataset before acknowledging it, "
                + "and, while it holds the profile's lease, fine-tunes the shared policy every N examples or M minutes, gates it and announces it to every agent. Runs until Ctrl-C.")
final class TrainerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    TargetSelection targetSelection;
    @Mixin
    FleetConnection fleet;
    @Option(names = "--trainer-id", defaultValue = "trainer-1", description = "This trainer's id: its dataset is <fleet-dir>/datasets/<id> (default: ${DEFAULT-VALUE}).")
    String trainerId;
    @Option(names = "--train-every", defaultValue = "40", description = "Train after this many new examples (every trainer's); 0: never by count (default: ${DEFAULT-VALUE}).")
    int trainEvery;
    @Option(names = "--train-minutes", defaultValue = "10", description = "Train this often when there are new examples; 0: never by time (default: ${DEFAULT-VALUE}).")
    double trainMinutes;
    @Option(names = "--train-steps", defaultValue = "200", description = "Optimizer steps a round at most (default: ${DEFAULT-VALUE}).")
    int trainSteps;
    @Option(names = "--gate-episodes", defaultValue = "8", description = "Held-out episodes the gate plays (sim-game; other profiles replay their held-out recorded episodes); 0: no gate (default: ${DEFAULT-VALUE}).")
    int gateEpisodes;
    @Option(names = "--episodes-dir", defaultValue = "episodes", description = "Recorded episodes: the held-out ones gate a profile with no simulator (default: ${DEFAULT-VALUE}).")
    Path episodesDir;
    @Option(names = "--lease-seconds", defaultValue = "6", description = "How long the training lease holds without renewal (renewed every third of it) (default: ${DEFAULT-VALUE}).")
    double leaseSeconds;
    @Option(names = "--max-minutes", description = "Stop after this many minutes (default: until Ctrl-C).")
    Double maxMinutes;

    @Override
    public Integer call() throws Exception {
        fleet.check(spec, true);
        Options o = Options.of(spec);
        o.topicLevel("--trainer-id", trainerId);
        o.whole("--train-every", trainEvery, 0, Integer.MAX_VALUE);
        o.number("--train-minutes", trainMinutes, 0, 10_080, "minutes");
        o.whole("--train-steps", trainSteps, 1, 1_000_000);
        o.whole("--gate-episodes", gateEpisodes, 0, 10_000);
        o.above("--lease-seconds", leaseSeconds, 1, 3600, "seconds");
        o.above("--max-minutes", maxMinutes, 0, 10_080 * 52, "minutes");
        o.needs(trainEvery > 0 || trainMinutes > 0, "--train-every 0 and --train-minutes 0 would never train: give one of them");
        try (Profile profile = targetSelection.profile(spec)) {
            SkillLibrary library = profile.skills();
            FleetTrainer.Settings s = new FleetTrainer.Settings(fleet.options("trainer-" + trainerId), fleet.name, trainerId, fleet.folder(), trainEvery,
                    Duration.ofMillis((long) (trainMinutes * 60_000)), new Trainer.Options(20, 64, 2e-3f, trainSteps, 1), gateEpisodes, episodesDir,
                    Duration.ofMillis((long) (leaseSeconds * 1000)));
            FleetTrainer trainer;
            try {
                trainer = new FleetTrainer(s, profile, library, System.out).start();
            } catch (IOException e) {
                System.err.println("error: trainer " + trainerId + " cannot join fleet " + fleet.name + " on " + fleet.broker + ": " + e.getMessage());
                return Main.FAILED;
            }
            CountDownLatch stop = new CountDownLatch(1);
            CtrlC ctrlC = CtrlC.hook(30);
            ctrlC.onCtrlC(stop::countDown);
            try {
                if (maxMinutes != null) {
                    stop.await((long) (maxMinutes * 60_000), TimeUnit.MILLISECONDS);
                } else {
                    stop.await();
                }
            } finally {
                trainer.close(); // the lease is given up: a standby takes over at once
                ctrlC.finished();
            }
            return ctrlC.interrupted() ? Main.INTERRUPTED : Main.OK;
        }
    }
}
