package dev.embody.bench;

import dev.embody.fleet.FleetAgent;
import dev.embody.fleet.FleetBroker;
import dev.embody.fleet.FleetLedger;
import dev.embody.fleet.FleetTrainer;
import dev.embody.learning.Trainer;
import dev.embody.loop.Rate;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillLibrary;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A fleet on one machine: a broker (Mosquitto if installed, else HiveMQ CE in this process), M trainers and N sim-game
 * agents, each with a simulated operator correcting it, all in this process but talking only MQTT 5 and sharing only
 * the fleet folder's datasets and checkpoints (as trainers do). Prints each episode, the shared learning curve (the
 * gate's held-out success of each round's candidate), corrections per episode by the version agents ran, writes the
 * curve as a PNG, and ends with what the agents' spools and the trainers' datasets say: published, trained, lost,
 * doubled.
 */
public final class FleetDemo {

    private static final Logger log = LoggerFactory.getLogger(FleetDemo.class);

    /** @param rate each agent's steps a second, as live's --rate (0: as fast as it goes, when every episode may end before a round does) */
    public record Settings(int agents, int trainers, int episodes, int everyExamples, int gateEpisodes, String broker, long maxSteps,
                           long seed, Trainer.Options training, double rate) {
        public static Settings defaults() {
            return new Settings(3, 1, 4, 60, 8, "auto", 150, 1, new Trainer.Options(20, 64, 2e-3f, 200, 1), 20);
        }
    }

    public record Report(FleetLedger ledger, List<FleetTrainer.Round> rounds, List<SimFleetAgent.Played> played, Path png,
                         double wallSeconds, String broker) {
    }

    private final Settings settings;

    public FleetDemo(Settings settings) {
        this.settings = settings;
    }

    public Report run(Path dir, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        Path fleetDir = dir.resolve("fleet");
        String fleet = "demo";
        List<FleetTrainer> trainers = new ArrayList<>();
        List<FleetAgent> agents = new ArrayList<>();
        List<SimFleetAgent.Played> played = new ArrayList<>();
        List<FleetTrainer.Round> rounds;
        String brokerKind;
        try (FleetBroker broker = FleetBroker.start(settings.broker(), dir.resolve("broker"))) {
            brokerKind = broker.kind();
            out.printf(Locale.ROOT, "fleet demo: broker %s on %s, %d trainer(s), %d sim-game agent(s) with a simulated operator each, %d episode(s) each at %s%n",
                    broker.kind(), broker.url(), settings.trainers(), settings.agents(), settings.episodes(),
                    settings.rate() <= 0 ? "full speed" : settings.rate() + " steps/s");
            try {
                for (int i = 1; i <= settings.trainers(); i++) {
                    FleetTrainer.Settings ts = FleetTrainer.Settings.of(broker.url(), fleet, "t" + i, fleetDir)
                            .withSchedule(settings.everyExamples(), Duration.ZERO).withGate(settings.gateEpisodes()).withTraining(settings.training())
                            .withEpisodesDir(dir.resolve("episodes"));
                    trainers.add(new FleetTrainer(ts, profile, library, out).start());
                }
                for (int i = 1; i <= settings.agents(); i++) {
                    agents.add(FleetAgent.join(FleetAgent.Settings.of(broker.url(), fleet, "a" + i, fleetDir.resolve("agents").resolve("a" + i), true),
                            profile, library));
                }
                for (FleetAgent a : agents) {
                    if (a.awaitPolicy(Duration.ofSeconds(120)) == null) {
                        throw new IOException("agent " + a.agent() + " got no fleet policy in 120 s: " + a.refusals());
                    }
                }
                ExecutorService pool = Executors.newFixedThreadPool(agents.size());
                List<Future<List<SimFleetAgent.Played>>> runs = new ArrayList<>();
                int[] done = {0};
                int total = agents.size() * settings.episodes();
                for (int i = 0; i < agents.size(); i++) {
                    SimFleetAgent sim = new SimFleetAgent(agents.get(i), profile, library);
                    long first = settings.seed() + 1000L * (i + 1);
                    SimFleetAgent.Settings s = SimFleetAgent.Settings.of(settings.episodes(), first).withMaxSteps(settings.maxSteps())
                            .withPeriod(settings.rate() <= 0 ? Duration.ZERO : Duration.ofNanos((long) (1e9 / settings.rate())))
                            .recordingTo(dir.resolve("episodes"));
                    runs.add(pool.submit(() -> {
                        List<SimFleetAgent.Played> mine = new ArrayList<>();
                        for (int e = 0; e < s.episodes(); e++) {
                            SimFleetAgent.Played p = sim.episode(s, s.firstSeed() + e, null);
                            mine.add(p);
                            synchronized (out) {
                                done[0]++;
                                out.printf(Locale.ROOT, "episode %d/%d agent=%s seed=%d policy=%s outcome=%s steps=%d corrections=%d decided_by=%s%n",
                                        done[0], total, p.agent(), p.seed(), p.startedWith(), p.outcome().label(), p.steps(), p.corrections(), p.decidedBy());
                            }
                        }
                        return mine;
                    }));
                }
                pool.shutdown();
                for (Future<List<SimFleetAgent.Played>> f : runs) {
                    played.addAll(f.get());
                }
                for (FleetAgent a : agents) {
                    if (!a.drain(Duration.ofSeconds(60))) {
                        log.warn("agent {} still has {} example(s) unreceipted", a.agent(), a.spool().pending());
                    }
                }
                // the examples that came after the last round: one more, so every example is trained on
                for (FleetTrainer t : trainers) {
                    if (t.holdsLease()) {
                        Optional<FleetTrainer.Round> last = t.trainNow();
                        last.ifPresent(r -> log.info("final round {}", r.version()));
                    }
                }
                rounds = new ArrayList<>();
                trainers.forEach(t -> rounds.addAll(t.rounds()));
            } finally {
                for (FleetAgent a : agents) {
                    a.close();
                }
                for (FleetTrainer t : trainers) {
                    t.close();
                }
            }
        }
        rounds.sort(java.util.Comparator.comparingLong(FleetTrainer.Round::endedMs));
        printCurve(out, rounds, played);
        Path png = dir.resolve("fleet-curve.png");
        plot(rounds, played, png);
        out.println("learning curve: " + png);
        FleetLedger ledger = FleetLedger.count(fleetDir, profile.memoryName());
        double wall = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "records: %d example(s) in the agents' spools, %d in the trainers' datasets, %d refused, %d in no spool; %d checkpoint(s) written, %d adopted; %.0f s%n",
                ledger.published(), ledger.stored(), ledger.refused(), ledger.unknown(), ledger.checkpoints(), ledger.adopted(), wall);
        if (!ledger.lostIds().isEmpty()) {
            out.println("lost: " + ledger.lostIds().subList(0, Math.min(10, ledger.lostIds().size())));
        }
        if (!ledger.doubledIds().isEmpty()) {
            out.println("doubled: " + ledger.doubledIds().subList(0, Math.min(10, ledger.doubledIds().size())));
        }
        out.println(ledger.summary());
        return new Report(ledger, rounds, played, png, wall, brokerKind);
    }

    /** Each round's held-out success, and how the agents did with each version they started an episode with. */
    static void printCurve(PrintStream out, List<FleetTrainer.Round> rounds, List<SimFleetAgent.Played> played) {
        out.printf("%-6s %-8s %-6s %-7s %-9s %-26s %s%n", "round", "trainer", "from", "version", "new+old", "held-out success [95% CI]", "verdict");
        for (FleetTrainer.Round r : rounds) {
            out.printf(Locale.ROOT, "%-6d %-8s %-6s %-7s %-9s %-26s %s%n", r.round(), r.trainer(), r.base(), r.version(), r.fresh() + "+" + r.replayed(),
                    r.score() == null ? "not gated" : r.score().toString(), r.adopted() ? "adopted" : "rejected");
        }
        Map<String, long[]> byVersion = new TreeMap<>();
        for (SimFleetAgent.Played p : played) {
            long[] v = byVersion.computeIfAbsent(p.startedWith(), k -> new long[3]);
            v[0]++;
            v[1] += p.success() ? 1 : 0;
            v[2] += p.corrections();
        }
        out.printf("%-16s %-9s %-26s %s%n", "agents ran", "episodes", "success [95% CI]", "corrections_per_episode");
        byVersion.forEach((k, v) -> out.printf(Locale.ROOT, "%-16s %-9d %-26s %.1f%n", k, v[0], new Rate(v[1], v[0]), v[2] / (double) v[0]));
    }

    static void plot(List<FleetTrainer.Round> rounds, List<SimFleetAgent.Played> played, Path png) throws IOException {
        XYSeries success = new XYSeries("held-out success of each round's candidate");
        for (FleetTrainer.Round r : rounds) {
            if (r.score() != null) {
                success.add(r.round(), r.score().value());
            }
        }
        XYSeries corr = new XYSeries("corrections per episode / 100, by the version the agents ran");
        Map<Integer, long[]> byVersion = new TreeMap<>();
        for (SimFleetAgent.Played p : played) {
            String v = p.startedWith().replaceAll(".*v(\\d{4}).*", "$1");
            if (v.matches("\\d{4}")) {
                long[] a = byVersion.computeIfAbsent(Integer.parseInt(v), k -> new long[2]);
                a[0]++;
                a[1] += p.corrections();
            }
        }
        // version k runs after round k-1 (v0001 is the first, untrained policy)
        byVersion.forEach((v, a) -> corr.add(v - 1, a[1] / (double) a[0] / 100));
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(success);
        data.addSeries(corr);
        JFreeChart chart = ChartFactory.createXYLineChart("embody fleet: one policy learning from every operator", "round", "rate",
                data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
    }
}
