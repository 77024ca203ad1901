package dev.embody.bench;

import dev.embody.actuation.MqttOptions;
import dev.embody.episode.LatencyStats;
import dev.embody.fleet.ExampleMessage;
import dev.embody.fleet.FleetAgent;
import dev.embody.fleet.FleetBroker;
import dev.embody.fleet.FleetLedger;
import dev.embody.fleet.FleetLink;
import dev.embody.fleet.FleetTopics;
import dev.embody.fleet.FleetTrainer;
import dev.embody.learning.Example;
import dev.embody.learning.Trainer;
import dev.embody.loop.Intervention;
import dev.embody.loop.Latency;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fleet's figures, on a broker started here (Mosquitto if installed, else HiveMQ CE in-process): how many examples
 * a second one trainer stores (on disk, synced, receipted); how long from an operator's correction on one agent until
 * a checkpoint trained on it runs on another; and N sim agents with their operators plus a trainer on this machine's
 * cores: step latency, missed periods, CPU. Each figure over several trials, with n and a 95% interval.
 */
public final class FleetBench {

    public record Settings(String broker, int ingestTrials, int ingestExamples, int latencyTrials, int agents, Duration agentsFor, int gateEpisodes) {
    }

    private final Settings settings;
    private final SimGameProfile profile;
    private final SkillLibrary library;

    public FleetBench(Settings settings) throws dev.embody.file.BadFileException {
        this.settings = settings;
        this.profile = SimGameProfile.standard();
        this.library = profile.skills();
    }

    /** Mean and 95% interval (Student t) of trials. */
    public record Spread(int n, double mean, double low, double high, double min, double max) {
        static Spread of(double[] v) {
            int n = v.length;
            double mean = Arrays.stream(v).average().orElse(Double.NaN);
            double var = n < 2 ? 0 : Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (n - 1);
            double half = n < 2 ? Double.NaN : T95[Math.min(n - 1, T95.length - 1)] * Math.sqrt(var / n);
            return new Spread(n, mean, mean - half, mean + half, Arrays.stream(v).min().orElse(Double.NaN), Arrays.stream(v).max().orElse(Double.NaN));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f [%.2f, %.2f] (n=%d, min %.2f, max %.2f)", mean, low, high, n, min, max);
        }
    }

    /** t(0.975, df) for df = index (1..30; beyond, 30's). */
    private static final double[] T95 = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
            2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    public void ingest(Path dir, PrintStream out) throws Exception {
        try (FleetBroker broker = FleetBroker.start(settings.broker(), dir.resolve("broker"))) {
            Path fleetDir = dir.resolve("fleet");
            FleetTopics topics = new FleetTopics("bench");
            FleetTrainer.Settings ts = FleetTrainer.Settings.of(broker.url(), "bench", "t1", fleetDir).withSchedule(0, Duration.ofDays(1)).withGate(0);
            try (FleetTrainer trainer = new FleetTrainer(ts, profile, library, null).start();
                 FleetAgent agent = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "bench", "seed", fleetDir.resolve("agents/seed"), true), profile, library);
                 FleetLink link = FleetLink.open(MqttOptions.of(broker.url(), "embody-bench-publisher").withVersion("5"))) {
                if (agent.awaitPolicy(Duration.ofSeconds(60)) == null) {
                    throw new IllegalStateException("no fleet policy in 60 s");
                }
                // real examples to send: one oracle-demonstrated episode's
                SimFleetAgent sim = new SimFleetAgent(agent, profile, library);
                sim.episode(SimFleetAgent.Settings.of(1, 1).withPolicy("oracle").withMaxSteps(60).withoutOperator(), 1, null);
                agent.drain(Duration.ofSeconds(30));
                List<Example> real = trainer.dataset().records().get("t1").stream().map(r -> r.message().example()).toList();
                byte[] sample = new ExampleMessage("bench", "e", 0, profile.memoryName(), profile.inputSpec(), real.get(0), 0).toBytes();
                double[] rates = new double[settings.ingestTrials()];
                for (int t = 0; t < settings.ingestTrials(); t++) {
                    List<byte[]> payloads = new ArrayList<>(settings.ingestExamples());
                    for (int i = 0; i < settings.ingestExamples(); i++) {
                        payloads.add(new ExampleMessage("bench", "trial" + t, i, profile.memoryName(), profile.inputSpec(), real.get(i % real.size()),
                                System.currentTimeMillis()).toBytes());
                    }
                    long before = trainer.stored();
                    String topic = topics.examples(profile.memoryName(), "bench");
                    long t0 = System.nanoTime();
                    for (byte[] p : payloads) {
                        // as fast as the client's in-flight window lets it (a full window: wait a moment, send again)
                        for (int tries = 0; ; tries++) {
                            try {
                                link.publish(topic, p, 1, false);
                                break;
                            } catch (java.io.IOException e) {
                                if (tries > 10_000) {
                                    throw e;
                                }
                                Thread.sleep(1);
                            }
                        }
                    }
                    long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (trainer.stored() - before < settings.ingestExamples() && System.nanoTime() < end) {
                        Thread.sleep(2);
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    long got = trainer.stored() - before;
                    rates[t] = got / s;
                    out.printf(Locale.ROOT, "ingest trial %d: %d of %d example(s) on the trainer's disk (synced) in %.2f s: %.0f examples/s%n", t + 1, got,
                            settings.ingestExamples(), s, rates[t]);
                }
                out.printf(Locale.ROOT, "ingest: one trainer on %s stores (written to its dataset and synced, then acknowledged and receipted) %s examples/s; %d bytes an example (%s)%n",
                        broker.kind(), Spread.of(rates), sample.length, profile.inputSpec());
            }
        }
    }

    public void correctionToRunning(Path dir, PrintStream out) throws Exception {
        int corrections = 4;
        try (FleetBroker broker = FleetBroker.start(settings.broker(), dir.resolve("broker"))) {
            Path fleetDir = dir.resolve("fleet");
            FleetTrainer.Settings ts = FleetTrainer.Settings.of(broker.url(), "bench", "t1", fleetDir).withSchedule(corrections, Duration.ZERO)
                    .withGate(settings.gateEpisodes()).withEpisodesDir(dir.resolve("episodes"));
            try (FleetTrainer trainer = new FleetTrainer(ts, profile, library, null).start();
                 FleetAgent a = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "bench", "a", fleetDir.resolve("agents/a"), true), profile, library);
                 FleetAgent b = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "bench", "b", fleetDir.resolve("agents/b"), true), profile, library)) {
                a.awaitPolicy(Duration.ofSeconds(60));
                b.awaitPolicy(Duration.ofSeconds(60));
                SimFleetAgent simA = new SimFleetAgent(a, profile, library);
                double[] seconds = new double[settings.latencyTrials()];
                double[] train = new double[settings.latencyTrials()];
                for (int t = 0; t < settings.latencyTrials(); t++) {
                    String was = b.current().version();
                    int rounds = trainer.rounds().size();
                    AtomicReference<String> said = new AtomicReference<>();
                    AtomicInteger given = new AtomicInteger();
                    long[] lastSaid = {0};
                    simA.episode(SimFleetAgent.Settings.of(1, 10 + t).withoutOperator().withMaxSteps(3 + corrections + 1), 10 + t, (step, inbox) -> {
                        if (step.index() == 3) {
                            said.set(step.decision().scores().entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey());
                        }
                        if (step.index() >= 3 && given.get() < corrections) {
                            given.incrementAndGet();
                            inbox.submit(Intervention.command(SkillCall.parse(said.get()), said.get(), "bench"));
                            lastSaid[0] = System.nanoTime();
                        }
                    });
                    long end = System.nanoTime() + Duration.ofSeconds(300).toNanos();
                    // until b runs a new version, or the gate turned the round's candidate down
                    while (System.nanoTime() < end && b.current().version().equals(was)
                            && !(trainer.rounds().size() > rounds && !trainer.rounds().get(trainer.rounds().size() - 1).adopted())) {
                        Thread.sleep(5);
                    }
                    seconds[t] = (System.nanoTime() - lastSaid[0]) / 1e9;
                    List<FleetTrainer.Round> r = trainer.rounds();
                    train[t] = r.isEmpty() ? Double.NaN : r.get(r.size() - 1).trainSeconds();
                    out.printf(Locale.ROOT, "correction trial %d: %d correction(s) on a ('%s'); b runs %s %.2f s after the last (training %.2f s, %s)%n",
                            t + 1, corrections, said.get(), b.current().version(), seconds[t], train[t], r.isEmpty() ? "-" : r.get(r.size() - 1).verdict());
                }
                out.printf(Locale.ROOT, "correction to running: seconds from an operator's correction on agent a to a checkpoint trained on it swapped into agent b: %s; "
                        + "of which training %s (gate: %s, broker %s)%n", Spread.of(seconds), Spread.of(train),
                        settings.gateEpisodes() == 0 ? "none" : settings.gateEpisodes() + " held-out sim episodes", broker.kind());
            }
        }
    }

    public void agentsOnOneMachine(Path dir, PrintStream out) throws Exception {
        try (FleetBroker broker = FleetBroker.start(settings.broker(), dir.resolve("broker"))) {
            Path fleetDir = dir.resolve("fleet");
            FleetTrainer.Settings ts = FleetTrainer.Settings.of(broker.url(), "bench", "t1", fleetDir).withSchedule(60, Duration.ZERO)
                    .withGate(settings.gateEpisodes()).withEpisodesDir(dir.resolve("episodes")).withTraining(new Trainer.Options(20, 64, 2e-3f, 200, 1));
            List<FleetAgent> agents = new ArrayList<>();
            List<SimFleetAgent> sims = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(settings.agents());
            try (FleetTrainer trainer = new FleetTrainer(ts, profile, library, null).start()) {
                for (int i = 1; i <= settings.agents(); i++) {
                    FleetAgent a = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "bench", "a" + i, fleetDir.resolve("agents/a" + i), true), profile, library);
                    agents.add(a);
                    a.awaitPolicy(Duration.ofSeconds(60));
                    sims.add(new SimFleetAgent(a, profile, library));
                }
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
                List<Future<List<SimFleetAgent.Played>>> runs = new ArrayList<>();
                for (int i = 0; i < sims.size(); i++) {
                    SimFleetAgent sim = sims.get(i);
                    SimFleetAgent.Settings s = SimFleetAgent.Settings.of(10_000, 1000L * (i + 1)).withMaxSteps(300).withPeriod(Duration.ofMillis(50));
                    runs.add(pool.submit(() -> sim.run(s)));
                }
                Thread.sleep(settings.agentsFor().toMillis());
                sims.forEach(SimFleetAgent::stop);
                List<Latency> all = new ArrayList<>();
                long steps = 0, overruns = 0;
                int episodes = 0;
                for (Future<List<SimFleetAgent.Played>> f : runs) {
                    for (SimFleetAgent.Played p : f.get()) {
                        all.addAll(p.latencies());
                        steps += p.steps();
                        overruns += p.overruns();
                        episodes++;
                    }
                }
                double wall = (System.nanoTime() - wall0) / 1e9, cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                for (FleetAgent a : agents) {
                    a.drain(Duration.ofSeconds(30));
                }
                LatencyStats stats = new LatencyStats(all);
                out.printf(Locale.ROOT, "%d sim agents at 20 steps/s each with a simulated operator + 1 trainer (every 60 examples, gate %s) on %d cores, broker %s, %.0f s:%n",
                        settings.agents(), settings.gateEpisodes() == 0 ? "none" : settings.gateEpisodes() + " episodes", Runtime.getRuntime().availableProcessors(),
                        broker.kind(), wall);
                out.print(stats.table());
                out.printf(Locale.ROOT, "agents: %d episode(s), %d step(s) = %.1f steps/s in all (%.1f per agent, target 20), %d step(s) over the 50 ms period (%s); "
                                + "process CPU %.2f of %d cores (%.0f%%), load average %.2f; trainer rounds %d%n",
                        episodes, steps, steps / wall, steps / wall / settings.agents(), overruns, new dev.embody.loop.Rate(overruns, Math.max(1, steps)),
                        cpu / wall, Runtime.getRuntime().availableProcessors(), 100 * cpu / wall / Runtime.getRuntime().availableProcessors(),
                        os.getSystemLoadAverage(), trainer.rounds().size());
                out.printf(Locale.ROOT, "step_ms_p50=%.3f step_ms_p99=%.3f%n", stats.percentile("step", 50), stats.percentile("step", 99));
            } finally {
                pool.shutdownNow();
                agents.forEach(FleetAgent::close);
            }
            FleetLedger l = FleetLedger.count(fleetDir, profile.memoryName());
            out.println(l.summary());
        }
    }
}
