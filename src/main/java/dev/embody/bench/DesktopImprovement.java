package dev.embody.bench;

import dev.embody.profile.Arena;
import dev.embody.learning.Checkpoint;
import dev.embody.learning.Checkpoints;
import dev.embody.learning.EpisodeExamples;
import dev.embody.learning.Example;
import dev.embody.learning.ExampleCollector;
import dev.embody.learning.FineTuneRound;
import dev.embody.learning.Fit;
import dev.embody.learning.Gate;
import dev.embody.learning.HeldOutEpisodes;
import dev.embody.learning.InputChoice;
import dev.embody.learning.RuleChoice;
import dev.embody.learning.Trainer;
import dev.embody.loop.Goal;
import dev.embody.loop.Policy;
import dev.embody.loop.Rate;
import dev.embody.planning.IdlePolicy;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.PersonPolicy;
import dev.embody.planning.RandomPolicy;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The learning benchmark on a program nobody wrote for embody, with a scripted person who sees only the screen: k
 * recorded demonstrations (the person plays, the loop hears the keys as {@code record} does), a first policy from them,
 * rounds of (the policy plays while the person watches and corrects in words, a fresh policy trained on everything
 * given so far, the gate over held-out corrected episodes); held-out success with nobody correcting against a random
 * and a do-nothing policy; and a control arm that spends the operator's correcting seconds ({@link OperatorEffort}: a
 * correction's reaction and words) on more demonstrations (their wall seconds, the last one cut to fit).
 *
 * <p>Every episode runs in real time on the program itself, so every figure here is what the program's own screen said.
 */
public final class DesktopImprovement {

    /**
     * @param demos            demonstration episodes for the first policy
     * @param rounds           correction rounds
     * @param episodesPerRound corrected episodes a round (the last is held out for the gate)
     * @param evalEpisodes     held-out episodes per policy scored, nobody correcting
     * @param training         each round trains a fresh network on everything given so far
     * @param balance          weigh each command's examples by how rare it is (a game's rare key is the one that matters)
     * @param control          also run the control arm
     */
    public record Settings(int demos, int rounds, int episodesPerRound, int evalEpisodes, Trainer.Options training, boolean balance,
                           boolean control, long seed) {
        public static Settings defaults() {
            // as measured in the README; a fixed step budget gives a larger dataset fewer epochs (--train-steps evens the arms)
            return new Settings(3, 3, 4, 20, new Trainer.Options(30, 32, 3e-3f, 300, 1), true, true, 1);
        }
    }

    /** The scripted person's two parts: playing games the arena starts, and correcting the agent in words. */
    public record Person(List<String> playAlong, List<String> correct, String readyLine) {
    }

    /** One row: a policy's held-out score (when scored) and what the operator gave to get it. */
    public record Row(String round, Rate success, double survivedMean, double correctionsPerEpisode, Rate keptAlive, int demoExamples,
                      int correctionExamples, double operatorSeconds, String gate, double trainSeconds, String device) {
    }

    /**
     * @param correctingSeconds the operator's corrections by {@link OperatorEffort} (reaction and words)
     * @param watchedSeconds    the corrected episodes' wall seconds, which the rule counts as free
     */
    public record Report(List<Row> rows, Row control, Row random, Row nothing, double demoSeconds, double correctingSeconds, double watchedSeconds,
                         double wallSeconds) {
        /** Whether the final policy's interval lies wholly above both baselines'. */
        public boolean beatsBaselines() {
            Row last = lastScored();
            return last != null && last.success().clearlyAbove(random.success()) && last.success().clearlyAbove(nothing.success());
        }

        public Row lastScored() {
            Row out = null;
            for (Row r : rows) {
                if (r.success() != null) {
                    out = r;
                }
            }
            return out;
        }
    }

    private final DesktopArena arena;
    private final Settings settings;
    private final Checkpoints checkpoints;
    private final Person person;
    private final Path episodes;
    private final PrintStream err;
    private long nextSeed;
    /** What the policy reads: the profile's, or (nothing declared) chosen from the demonstrations once they are recorded. */
    private dev.embody.planning.InputSpec spec;
    /** How it picks: the profile's, or chosen from what the person did. */
    private dev.embody.planning.PolicyRules rules;
    private final Set<String> demoIds = new java.util.HashSet<>();
    /** Demonstrations cost their wall seconds; the step period is the arena's, for the rule's record only. */
    private final OperatorEffort effort;

    public DesktopImprovement(DesktopArena arena, Settings settings, Checkpoints checkpoints, Person person, Path episodes, PrintStream err) {
        this.arena = arena;
        this.settings = settings;
        this.checkpoints = checkpoints;
        this.person = person;
        this.episodes = episodes;
        this.err = err;
        this.nextSeed = settings.seed();
        this.spec = arena.profile().inputSpec();
        this.rules = arena.profile().policyRules();
        this.effort = OperatorEffort.person(arena.settings().period().toNanos() / 1e9);
    }

    public Report run(PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        Goal goal = arena.profile().defaultGoal();
        String skills = arena.library().version();
        out.printf("%-9s %-26s %10s %13s %-24s %12s  %s%n", "round", "success [95% CI] (n)", "survived_s", "corr/episode",
                "kept alive corrected", "examples d+c", "gate");

        // demonstrations: the person plays, the loop hears the keys
        arena.operator(person.playAlong(), person.readyLine(), err);
        List<Example> demos = new ArrayList<>();
        double demoSeconds = 0;
        for (int i = 0; i < settings.demos(); i++) {
            DesktopArena.Played p = demonstrate("demo", "train");
            demos.addAll(p.examples());
            demoSeconds += effort.demonstrationSeconds(p.wallSeconds());
            demoIds.add(p.episode());
        }
        err.printf("demonstrations: %d episode(s), %.0f s of the person's play, %d examples (%s)%n", settings.demos(), demoSeconds, demos.size(), labels(demos));
        if (arena.profile().choosesInput() && episodes != null) {
            // nothing declared: the input is read off the demonstrations, as train chooses it, and they are read again at it
            Set<String> ids = demoIds;
            InputChoice chosen = InputChoice.fromEpisodes(episodes, arena.profile().name(), e -> ids.contains(e.id()), arena.profile().inputSpec().words());
            out.println(chosen.line());
            spec = chosen.spec();
            try (var m = arena.profile().modules(arena.library())) {
                demos = new ArrayList<>(EpisodeExamples.collect(episodes, arena.profile().name(), m.gathering(), spec, e -> ids.contains(e.id())).examples());
            }
            if (arena.profile().normalisesInput()) {
                spec = InputChoice.normalised(spec, demos); // as train reads it where the calibration declares it
            }
        }

        // the first policy
        Trainer.Result first = train(demos, 0).result();
        LearnedPolicy current = new LearnedPolicy(first.net(), first.commands(), "v?", arena.profile().policyRules());
        if (arena.profile().declaredRules() != null) {
            RuleChoice rc = RuleChoice.choose(arena.profile().policyRules(), arena.profile().declaredRules(), demos, Fit.of(current, demos));
            out.println(rc.line());
            rules = rc.rules();
            current = current.as("v?", rules);
        }
        Scored s0 = score(current, "round 0");
        FineTuneRound fineTune = new FineTuneRound(checkpoints, skills);
        Checkpoint cp = fineTune.keep(current, null, metrics(s0, first, demos.size(), 0), true);
        current = current.as(cp.version(), current.rules());
        List<Row> rows = new ArrayList<>();
        rows.add(print(out, new Row("0 (" + cp.version() + ")", s0.success(), s0.survived(), Double.NaN, null, demos.size(), 0, demoSeconds,
                "first policy", first.seconds(), first.device())));

        // correction rounds: the person watches and says "jump!"
        arena.dismissOperator();
        arena.operator(person.correct(), person.readyLine(), err);
        List<Example> corrections = new ArrayList<>();
        double correctingSeconds = 0, watchedSeconds = 0;
        for (int round = 1; round <= settings.rounds(); round++) {
            int said = 0;
            long alive = 0;
            for (int i = 0; i < settings.episodesPerRound(); i++) {
                boolean heldOut = i == settings.episodesPerRound() - 1 && settings.episodesPerRound() > 1;
                DesktopArena.Played p = corrected(current, round, heldOut ? "heldout" : "train");
                if (!heldOut) {
                    corrections.addAll(p.examples());
                }
                said += p.corrections();
                alive += p.success() ? 1 : 0;
                // by the rule: each correction's reaction and words; the watching is free
                correctingSeconds += effort.corrections(p.said());
                watchedSeconds += p.wallSeconds();
            }
            List<Example> all = new ArrayList<>(demos);
            all.addAll(corrections);
            FineTuneRound.Trained t = train(all, round);
            Trainer.Result r = t.result();
            String gateText;
            LearnedPolicy incumbent = current;
            boolean last = round == settings.rounds();
            FineTuneRound.Outcome done = fineTune.settle(t, gate().orElse(null), scorer -> scorer.score(incumbent), cp.version(),
                    metrics(null, r, demos.size(), corrections.size()), FineTuneRound.NO_GATE);
            Checkpoint c = done.checkpoint();
            Gate.Verdict v = done.verdict();
            if (done.adopted()) {
                current.close();
                current = done.policy();
                cp = c;
                gateText = "adopted " + c.version() + (v == null ? " (no held-out episode yet)" : ": " + v);
            } else {
                gateText = "rejected " + c.version() + ", kept " + cp.version() + ": " + v;
            }
            Scored sc = last ? score(current, "round " + round) : null;
            rows.add(print(out, new Row(String.valueOf(round), sc == null ? null : sc.success(), sc == null ? Double.NaN : sc.survived(),
                    said / (double) settings.episodesPerRound(), new Rate(alive, settings.episodesPerRound()), demos.size(), corrections.size(),
                    demoSeconds + correctingSeconds, gateText, r.seconds(), r.device())));
        }
        current.close();
        arena.dismissOperator();

        Row control = settings.control() ? control(out, demos, demoSeconds, correctingSeconds) : null;
        Scored random = score(new RandomPolicy(settings.seed()), "random");
        Row randomRow = print(out, new Row("random", random.success(), random.survived(), Double.NaN, null, 0, 0, 0, "a curated command at random", 0, "-"));
        Scored nothing = score(new IdlePolicy(arena.library()), "nothing");
        Row nothingRow = print(out, new Row("nothing", nothing.success(), nothing.survived(), Double.NaN, null, 0, 0, 0, "waits every step", 0, "-"));
        return new Report(rows, control, randomRow, nothingRow, demoSeconds, correctingSeconds, watchedSeconds, (System.nanoTime() - t0) / 1e9);
    }

    /** The control arm: the operator's correcting seconds spent on more demonstrations instead, the last cut to fit. */
    private Row control(PrintStream out, List<Example> demos, double demoSeconds, double correctingSeconds) throws Exception {
        arena.operator(person.playAlong(), person.readyLine(), err);
        List<Example> more = new ArrayList<>(demos);
        double controlSeconds = demoSeconds;
        int extra = 0;
        String cut = "";
        while (controlSeconds < demoSeconds + correctingSeconds) {
            DesktopArena.Played p = demonstrate("control", "train");
            double cost = effort.demonstrationSeconds(p.wallSeconds()), left = demoSeconds + correctingSeconds - controlSeconds;
            if (cost <= left) {
                more.addAll(p.examples());
                controlSeconds += cost;
                extra++;
            } else {
                // the steps of its first seconds that fit (a real-time episode cannot be stopped in advance at the budget)
                int keep = (int) Math.floor(p.examples().size() * left / cost);
                more.addAll(p.examples().subList(0, keep));
                controlSeconds += left;
                cut = " + " + keep + " steps of one more";
            }
        }
        arena.dismissOperator();
        Trainer.Result cr = train(more, 77).result();
        Row control;
        try (LearnedPolicy cpolicy = new LearnedPolicy(cr.net(), cr.commands(), "control", rules)) {
            Scored sc = score(cpolicy, "control");
            control = print(out, new Row("control", sc.success(), sc.survived(), Double.NaN, null, more.size(), 0, controlSeconds,
                    settings.demos() + "+" + extra + " demonstrations" + cut + ", no corrections", cr.seconds(), cr.device()));
        }
        return control;
    }

    private DesktopArena.Played demonstrate(String what, String split) throws Exception {
        long seed = nextSeed++;
        DesktopArena.Played p = arena.demonstration(seed, arena.profile().defaultGoal(),
                t -> new ExampleCollector(spec, Set.of(PersonPolicy.NAME), what + "-s" + seed),
                recording(what, split));
        err.printf(Locale.ROOT, "%s: seed=%d %s survived_s=%s steps=%d examples=%d (%s)%n", what, seed, p.outcome().label(),
                p.score().get("survived_s"), p.steps(), p.examples().size(), labels(p.examples()));
        return p;
    }

    private DesktopArena.Played corrected(LearnedPolicy policy, int round, String split) throws Exception {
        long seed = nextSeed++;
        DesktopArena.Played p = arena.play(seed, arena.profile().defaultGoal(), policy,
                t -> ExampleCollector.corrections(spec, "round" + round + "-s" + seed), recording("round" + round, split));
        err.printf(Locale.ROOT, "round %d: seed=%d %s survived_s=%s corrections=%d%s%n", round, seed, p.outcome().label(),
                p.score().get("survived_s"), p.corrections(), split.equals("heldout") ? " (held out for the gate)" : "");
        return p;
    }

    private DesktopArena.Recording recording(String what, String split) {
        return episodes == null ? null : new DesktopArena.Recording(episodes, "improve-" + what, Map.of("improve_round", what, "split", split));
    }

    /** The gate over the corrected episodes held out so far; empty when there are none yet. */
    private java.util.Optional<Gate> gate() throws Exception {
        if (episodes == null) {
            return java.util.Optional.empty();
        }
        return HeldOutEpisodes.of(episodes, arena.profile().name()).gate(() -> arena.profile().modules(arena.library()), arena.library(), Gate.Progress.none());
    }

    private record Scored(Rate success, double survived) {
    }

    /** Held-out episodes with nobody correcting. */
    private Scored score(Policy policy, String what) throws Exception {
        long seed = nextSeed;
        nextSeed += settings.evalEpisodes();
        dev.embody.loop.ProgressBar bar = dev.embody.loop.ProgressBar.of(err, "scoring " + what + ":", "episode", settings.evalEpisodes());
        DesktopArena.Evaluation e = arena.evaluate(s -> policy, arena.profile().defaultGoal(), seed, settings.evalEpisodes(), null,
                p -> bar.step(String.format(Locale.ROOT, "last: %s, %.1f s", p.outcome().label(), p.survivedSeconds())));
        bar.done();
        return new Scored(e.success(), e.meanSurvivedSeconds());
    }

    /** A fresh network on everything given so far (DAgger-style: a round's policy does not depend on earlier fine-tunes). */
    private FineTuneRound.Trained train(List<Example> examples, long seed) {
        try (LearnedPolicy init = arena.profile().untrained(arena.library(), settings.seed(), spec)) {
            return FineTuneRound.train(init, settings.balance() ? balanced(examples) : examples, null, settings.training().withSeed(seed), err, rules);
        }
    }

    /**
     * Each command's examples weighed by the square root of how much rarer it is than the mean (at most 20 times an
     * example): a rare key counts, but a policy that reads its frames no better than chance is not pushed into pressing
     * it everywhere (full inverse frequency made the first policy jump three steps in ten).
     */
    public static List<Example> balanced(List<Example> examples) {
        Map<String, Double> total = new HashMap<>();
        for (Example e : examples) {
            total.merge(e.label(), (double) e.weight(), Double::sum);
        }
        double mean = total.values().stream().mapToDouble(Double::doubleValue).sum() / Math.max(1, total.size());
        List<Example> out = new ArrayList<>(examples.size());
        for (Example e : examples) {
            float f = (float) Math.min(20, Math.sqrt(mean / total.get(e.label())));
            out.add(new Example(e.input(), e.label(), e.source(), e.weight() * f, e.origin()));
        }
        return out;
    }

    private static String labels(List<Example> examples) {
        Map<String, Integer> m = new java.util.TreeMap<>();
        examples.forEach(e -> m.merge(e.label(), 1, Integer::sum));
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(" x").append(v));
        return sb.toString();
    }

    private static Map<String, Object> metrics(Scored s, Trainer.Result r, int demos, int corrections) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (s != null) {
            m.put("success_heldout", s.success().value());
            m.put("success_heldout_95ci", List.of(s.success().low(), s.success().high()));
            m.put("heldout_episodes", s.success().trials());
        }
        m.put("loss_first", r.firstLoss());
        m.put("loss_last", r.lastLoss());
        m.put("train_s", r.seconds());
        m.put("demonstration_examples", demos);
        m.put("correction_examples", corrections);
        return m;
    }

    private static Row print(PrintStream out, Row r) {
        out.printf(Locale.ROOT, "%-9s %-26s %10s %13s %-24s %12s  %s operator_s=%.0f%n", r.round(), r.success() == null ? "-" : r.success().toString(),
                Double.isNaN(r.survivedMean()) ? "-" : String.format(Locale.ROOT, "%.1f", r.survivedMean()),
                Double.isNaN(r.correctionsPerEpisode()) ? "-" : String.format(Locale.ROOT, "%.1f", r.correctionsPerEpisode()),
                r.keptAlive() == null ? "-" : r.keptAlive().toString(), r.demoExamples() + "+" + r.correctionExamples(), r.gate(), r.operatorSeconds());
        out.flush();
        return r;
    }

    /** Held-out success with its 95% interval: the policy by round, the control arm and both baselines; corrections per episode. */
    public static void plot(Report report, Path png) throws IOException {
        int last = report.rows().size() - 1;
        YIntervalSeries learned = new YIntervalSeries("learned policy, held-out success (no corrections)");
        for (int i = 0; i < report.rows().size(); i++) {
            Rate s = report.rows().get(i).success();
            if (s != null) {
                learned.add(i, s.value(), s.low(), s.high());
            }
        }
        YIntervalSeries control = new YIntervalSeries("control: the correcting time as demonstrations");
        if (report.control() != null) {
            control.add(last + 0.1, report.control().success().value(), report.control().success().low(), report.control().success().high());
        }
        YIntervalSeries random = new YIntervalSeries("random policy");
        random.add(last + 0.2, report.random().success().value(), report.random().success().low(), report.random().success().high());
        YIntervalSeries nothing = new YIntervalSeries("do-nothing policy");
        nothing.add(last + 0.3, report.nothing().success().value(), report.nothing().success().low(), report.nothing().success().high());
        YIntervalSeriesCollection rates = new YIntervalSeriesCollection();
        rates.addSeries(learned);
        rates.addSeries(control);
        rates.addSeries(random);
        rates.addSeries(nothing);
        JFreeChart chart = ChartFactory.createXYLineChart("embody improve on a third-party program (95% intervals)", "correction round",
                "held-out success", rates, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYErrorRenderer bars = new XYErrorRenderer();
        bars.setSeriesLinesVisible(0, true);
        plot.setRenderer(0, bars);
        plot.getRangeAxis().setRange(-0.02, 1.02);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYSeries corr = new XYSeries("corrections per episode (right axis)");
        for (int i = 0; i < report.rows().size(); i++) {
            double c = report.rows().get(i).correctionsPerEpisode();
            if (!Double.isNaN(c)) {
                corr.add(i, c);
            }
        }
        NumberAxis right = new NumberAxis("corrections per episode");
        plot.setRangeAxis(1, right);
        plot.setDataset(1, new XYSeriesCollection(corr));
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setRenderer(1, new XYLineAndShapeRenderer(true, true));
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
    }
}
