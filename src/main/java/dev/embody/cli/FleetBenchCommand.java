package dev.embody.cli;

import dev.embody.bench.FleetBench;
import dev.embody.fleet.FleetBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "The fleet's figures on a broker started here: examples/s one trainer stores; seconds from a correction on one agent to a checkpoint "
                + "trained on it running on another; N sim agents with operators and a trainer on this machine (step p50/p99, CPU).")
final class FleetBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--only", description = "One of ingest, correction, agents (default: all three).")
    String only;
    @Option(names = "--broker", defaultValue = "auto", description = "auto (Mosquitto if installed, else embedded), mosquitto, embedded (default: ${DEFAULT-VALUE}).")
    String broker;
    @Option(names = "--ingest-trials", defaultValue = "5", description = "Ingest trials (default: ${DEFAULT-VALUE}).")
    int ingestTrials;
    @Option(names = "--ingest-examples", defaultValue = "2000", description = "Examples per ingest trial (default: ${DEFAULT-VALUE}).")
    int ingestExamples;
    @Option(names = "--correction-trials", defaultValue = "5", description = "Correction-to-running trials (default: ${DEFAULT-VALUE}).")
    int correctionTrials;
    @Option(names = "--agents", defaultValue = "8", description = "Sim agents for the one-machine figure (default: ${DEFAULT-VALUE}).")
    int agents;
    @Option(names = "--seconds", defaultValue = "60", description = "How long the agents play (default: ${DEFAULT-VALUE}).")
    int seconds;
    @Option(names = "--gate-episodes", defaultValue = "0", description = "Held-out episodes the trainer's gate plays; 0: no gate (default: ${DEFAULT-VALUE}).")
    int gateEpisodes;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        if (only != null) {
            o.oneOf("--only", only, List.of("ingest", "correction", "agents"));
        }
        o.oneOf("--broker", broker, FleetBroker.KINDS);
        o.whole("--ingest-trials", ingestTrials, 1, 30);
        o.whole("--ingest-examples", ingestExamples, 1, 1_000_000);
        o.whole("--correction-trials", correctionTrials, 1, 30);
        o.whole("--agents", agents, 1, 64);
        o.whole("--seconds", seconds, 1, 86_400);
        o.whole("--gate-episodes", gateEpisodes, 0, 10_000);
        FleetBench b = new FleetBench(new FleetBench.Settings(broker, ingestTrials, ingestExamples, correctionTrials, agents, Duration.ofSeconds(seconds), gateEpisodes));
        Path dir = Main.runDir();
        if (only == null || only.equals("ingest")) {
            b.ingest(dir.resolve("ingest"), System.out);
        }
        if (only == null || only.equals("correction")) {
            b.correctionToRunning(dir.resolve("correction"), System.out);
        }
        if (only == null || only.equals("agents")) {
            b.agentsOnOneMachine(dir.resolve("agents"), System.out);
        }
        return Main.OK;
    }
}
