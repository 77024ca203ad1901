package dev.embody.cli;

import dev.embody.fleet.FleetBroker;
import dev.embody.bench.FleetDemo;
import dev.embody.fleet.FleetStatus;
import dev.embody.learning.Trainer;
import dev.embody.profile.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "fleet", mixinStandardHelpOptions = true, description = "Many agents and trainers over an MQTT 5 broker: a demo on one machine, or a fleet's state.",
        subcommands = {FleetCommand.Demo.class, FleetCommand.Status.class})
final class FleetCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "A broker (Mosquitto if installed, else HiveMQ CE in-process), trainers and N sim-game agents with simulated operators on this machine: "
                    + "every episode, the shared learning curve (and a PNG), and a summary counted from the agents' spools and the trainers' datasets.")
    static final class Demo implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--agents", defaultValue = "3", description = "Sim-game agents, each with a simulated operator (default: ${DEFAULT-VALUE}).")
        int agents;
        @Option(names = "--trainers", defaultValue = "1", description = "Trainers; one holds the lease and trains (default: ${DEFAULT-VALUE}).")
        int trainers;
        @Option(names = "--episodes", defaultValue = "4", description = "Episodes each agent plays (default: ${DEFAULT-VALUE}).")
        int episodes;
        @Option(names = "--train-every", defaultValue = "60", description = "Train after this many new examples (default: ${DEFAULT-VALUE}).")
        int trainEvery;
        @Option(names = "--train-steps", defaultValue = "200", description = "Optimizer steps a round at most (default: ${DEFAULT-VALUE}).")
        int trainSteps;
        @Option(names = "--gate-episodes", defaultValue = "8", description = "Held-out seeds the gate plays; 0: no gate (default: ${DEFAULT-VALUE}).")
        int gateEpisodes;
        @Option(names = "--max-steps", defaultValue = "150", description = "Steps per episode at most (default: ${DEFAULT-VALUE}).")
        int maxSteps;
        @Option(names = "--broker", defaultValue = "auto", description = "auto (Mosquitto if installed, else embedded), mosquitto, embedded (default: ${DEFAULT-VALUE}).")
        String broker;
        @Option(names = "--rate", defaultValue = "20", description = "Each agent's steps a second; 0: as fast as it goes (default: ${DEFAULT-VALUE}).")
        double rate;
        @Option(names = "--seed", defaultValue = "1", description = "Agent i plays seeds seed+1000*i.. (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            Options o = Options.of(spec);
            o.whole("--agents", agents, 1, 64);
            o.whole("--trainers", trainers, 1, 8);
            o.whole("--episodes", episodes, 1, 10_000);
            o.whole("--train-every", trainEvery, 1, Integer.MAX_VALUE);
            o.whole("--train-steps", trainSteps, 1, 1_000_000);
            o.whole("--gate-episodes", gateEpisodes, 0, 10_000);
            o.whole("--max-steps", maxSteps, 1, 100_000);
            o.oneOf("--broker", broker, FleetBroker.KINDS);
            o.number("--rate", rate, 0, 1000, "steps a second");
            FleetDemo.Settings s = new FleetDemo.Settings(agents, trainers, episodes, trainEvery, gateEpisodes, broker, maxSteps, seed,
                    new Trainer.Options(20, 64, 2e-3f, trainSteps, 1), rate);
            FleetDemo.Report r = new FleetDemo(s).run(Main.runDir(), System.out);
            return r.ledger().lost() == 0 && r.ledger().doubled() == 0 ? Main.OK : Main.FAILED;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "What the broker says of a fleet now: the lease, the announced policy, the versions kept, each agent.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        TargetSelection targetSelection;
        @Mixin
        FleetConnection fleet;

        @Override
        public Integer call() throws Exception {
            fleet.check(spec, true);
            String profile;
            try (Profile p = targetSelection.profile(spec)) {
                profile = p.memoryName();
            }
            FleetStatus s = FleetStatus.read(fleet.options("status"), fleet.name, profile, 1500);
            System.out.println("fleet " + fleet.name + " on " + fleet.broker + ", " + profile + ":");
            System.out.println("  lease: " + (s.lease().isEmpty() ? "free" : s.lease()));
            System.out.println("  policy: " + (s.policy() == null ? "none announced" : s.policy().toString()));
            System.out.println("  versions on the broker: " + (s.versions().isEmpty() ? "none" : String.join(", ", s.versions())));
            s.agents().forEach((a, n) -> System.out.printf(Locale.ROOT, "  agent %s: runs %s, %d example(s) made, %d pending%s%n", a, n.path("policy").asText("?"),
                    n.path("examples_made").asLong(), n.path("examples_pending").asLong(),
                    n.has("refused") ? ", refused " + n.path("refused").path("version").asText() + ": " + n.path("refused").path("reason").asText() : ""));
            return Main.OK;
        }
    }
}
