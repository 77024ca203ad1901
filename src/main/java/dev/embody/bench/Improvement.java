package dev.embody.bench;

import dev.embody.profile.Arena;
import dev.embody.learning.Checkpoint;
import dev.embody.learning.Checkpoints;
import dev.embody.learning.Example;
import dev.embody.learning.ExampleCollector;
import dev.embody.learning.FineTuneRound;
import dev.embody.learning.Gate;
import dev.embody.learning.Mirror;
import dev.embody.learning.Trainer;
import dev.embody.loop.Goal;
import dev.embody.loop.Policy;
import dev.embody.loop.Rate;
import dev.embody.loop.Target;
import dev.embody.loop.StepListener;
import dev.embody.planning.LearnedPolicy;
import dev.embody.correction.CorrectionParser;
import dev.embody.sim.Oracle;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimulatedOperator;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * The benchmark that shows the mission works: a first policy from a few oracle demonstrations, then rounds of (play with
 * the simulated operator correcting, fine-tune on the corrections with replay, score on held-out seeds with nobody
 * correcting, adopt through the gate); a control arm that spends the same operator seconds ({@link OperatorEffort}) on
 * whole oracle demonstrations instead of corrections; and a forgetting check after corrections on a second task.
 */
public final class Improvement {

    private static final Logger log = LoggerFactory.getLogger(Improvement.class);

    /** Training seeds count up from 1; held-out seeds start here, so the two never meet. */
    public static final long EVAL_SEEDS = 100_000;
    public static final long FLAG_EVAL_SEEDS = 200_000;

    /**
     * @param approvalMargin the simulated operator always watches, so the policy's steps it let pass are kept as weak
     *                       approval, except this many before each correction; negative: corrections only
     * @param mirror         train on each example's mirror images too ({@link Mirror}: the game is seen from above)
     */
    public record Settings(int demos, int rounds, int episodesPerRound, int evalEpisodes, int budget, int flagRounds,
                           int approvalMargin, boolean mirror, Trainer.Options firstTraining, Trainer.Options fineTuning, long seed) {
        public static Settings defaults() {
            return new Settings(1, 5, 6, 32, 60, 1, -1, false, new Trainer.Options(40, 32, 3e-3f, 120, 1),
                    new Trainer.Options(40, 64, 3e-3f, 500, 2), 1);
        }
    }

    /** Control arms' demonstrations start at this seed (plus the run's seed), once the corrected episodes' seeds are used. */
    static final long CONTROL_SEEDS = 50_000;

    /**
     * One row of the table.
     *
     * @param operatorSeconds what the operator gave for it so far, by {@link OperatorEffort}: the demonstrations and every
     *                        correction (corrections arm), or the demonstrations (control arm)
     */
    public record Row(String round, Rate success, double correctionsPerEpisode, int examples, double trainSeconds,
                      String device, String gate, double operatorSeconds) {
    }

    /**
     * @param rows     the corrections arm, round 0 (the first policy) to the last
     * @param controls the control arm by round (1..), where it was trained: every round, or the last only
     */
    public record Report(List<Row> rows, Map<Integer, Row> controls, Rate coinBefore, Rate coinAfter, Rate flagBefore, Rate flagAfter,
                         double wallSeconds, long seed) {
        /** The control arm at the last round, or null when it was left out. */
        public Row control() {
            return controls.get(rows.size() - 1);
        }
    }

    private final Arena arena;
    private final Settings settings;
    private final Checkpoints checkpoints;
    private final PrintStream err;
    private final Oracle oracle;
    private final CorrectionParser parser;
    private long nextTrainingSeed;
    private Path episodes;
    private boolean control = true;
    private boolean controlEachRound;
    private boolean paced;
    private final OperatorEffort effort = OperatorEffort.person(OperatorEffort.SIM_GAME_STEP_S);
    /** Oracle demonstrations the control arms drew, by seed: each round's control draws from the same games. */
    private final Map<Long, Arena.Played> controlDemos = new java.util.HashMap<>();

    public Improvement(Arena arena, Settings settings, Checkpoints checkpoints, PrintStream err) {
        this.arena = arena;
        this.settings = settings;
        this.checkpoints = checkpoints;
        this.err = err;
        this.nextTrainingSeed = settings.seed();
        this.oracle = new Oracle(arena.library());
        this.parser = new CorrectionParser(arena.library());
    }

    /** Records every corrected episode under {@code dir} (as {@code live} does), for replay and {@code train}. */
    public Improvement recordingTo(Path dir) {
        this.episodes = dir;
        return this;
    }

    /** Leaves out the control arm (a shorter run, e.g. in tests). */
    public Improvement withoutControl() {
        this.control = false;
        return this;
    }

    /**
     * Paces the simulated operator as a person: no new correction while it still says the last (its reaction and words by
     * {@link OperatorEffort}, in the game's steps).
     */
    public Improvement withPacedOperator() {
        this.paced = true;
        return this;
    }

    /** Trains and scores the control arm after every round, not only the last (a learning curve for both arms). */
    public Improvement withControlEachRound() {
        this.controlEachRound = true;
        return this;
    }

    public Report run(PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        String skills = arena.library().version();
        out.printf("%-8s %-24s %23s %8s %7s %6s  %s%n", "round", "success [95% CI] (n)", "corrections_per_episode", "examples", "train_s", "device", "gate");

        // the first policy: a few oracle demonstrations
        List<Example> demos = new ArrayList<>();
        long demoSteps = 0;
        for (int i = 0; i < settings.demos(); i++) {
            Arena.Played d = demonstration(SimGame.COLLECT_COINS, nextTrainingSeed++);
            demos.addAll(d.examples());
            demoSteps += d.steps();
        }
        double demoSeconds = effort.demonstration(demoSteps);
        err.printf(Locale.ROOT, "operator seconds: a demonstration step %.2f s, a correction %.1f s + %.1f s a word, watching free; %d demonstration(s), %d steps, %.0f s%n",
                effort.stepSeconds(), effort.reactionSeconds(), effort.wordSeconds(), settings.demos(), demoSteps, demoSeconds);
        LearnedPolicy untrained = arena.profile().untrained(arena.library(), settings.seed());
        Trainer.Result first = new Trainer(settings.firstTraining(), err).train(untrained, augmented(demos));
        untrained.close();
        LearnedPolicy current = new LearnedPolicy(first.net(), first.commands(), "v?", arena.profile().policyRules());
        Rate currentScore = evaluate(current, SimGame.COLLECT_COINS, EVAL_SEEDS);
        FineTuneRound fineTune = new FineTuneRound(checkpoints, skills).scoringSuccess();
        Checkpoint cp = fineTune.keep(current, null, metrics(currentScore, first, 0, demos.size()), true);
        current = relabel(current, cp.version());
        List<Row> rows = new ArrayList<>();
        rows.add(print(out, new Row("0 (" + cp.version() + ")", currentScore, Double.NaN, demos.size(), first.seconds(), first.device(), "first policy", demoSeconds)));
        List<Example> replay = new ArrayList<>(demos);
        double correctionSeconds = 0, watchedSeconds = 0;
        Map<Integer, Row> controls = new LinkedHashMap<>();
        List<Long> roundSeeds = new ArrayList<>();
        LearnedPolicy firstPolicy = copy(current, "first");

        for (int round = 1; round <= settings.rounds(); round++) {
            List<Example> fresh = new ArrayList<>();
            int corrections = 0;
            dev.embody.loop.ProgressBar bar = dev.embody.loop.ProgressBar.of(err, "round " + round + ":", "episode", settings.episodesPerRound());
            for (int i = 0; i < settings.episodesPerRound(); i++) {
                long seed = nextTrainingSeed++;
                roundSeeds.add(seed);
                Corrected c = playCorrected(current, SimGame.COLLECT_COINS, seed, "round" + round);
                Arena.Played p = c.played();
                fresh.addAll(p.examples());
                corrections += p.corrections();
                // every utterance costs the operator its time, understood or not
                correctionSeconds += effort.corrections(c.said());
                watchedSeconds += effort.demonstration(p.steps());
                bar.step(p.outcome().label() + " corrections=" + p.corrections());
            }
            bar.done();
            replay.addAll(fresh);
            FineTuneRound.Trained t = aggregate(replay, round);
            Trainer.Result r = t.result();
            Gate gate = Gate.notBelow(p -> evaluate(p, SimGame.COLLECT_COINS, EVAL_SEEDS));
            Rate incumbent = currentScore;
            FineTuneRound.Outcome done = fineTune.settle(t, gate, scorer -> incumbent, cp.version(),
                    Map.of("examples", replay.size(), "corrections", corrections), FineTuneRound.NO_GATE);
            Checkpoint c = done.checkpoint();
            String gateText;
            if (done.adopted()) {
                current.close();
                current = done.policy();
                currentScore = done.score();
                cp = c;
                gateText = "adopted " + c.version();
            } else {
                gateText = "rejected " + c.version() + ", kept " + cp.version();
            }
            rows.add(print(out, new Row(String.valueOf(round), done.score(), corrections / (double) settings.episodesPerRound(),
                    replay.size(), r.seconds(), r.device(), gateText, demoSeconds + correctionSeconds)));
            err.printf(Locale.ROOT, "round %d: operator_s=%.0f (demonstrations %.0f + corrections %.0f), watched_s=%.0f (free by the rule)%n",
                    round, demoSeconds + correctionSeconds, demoSeconds, correctionSeconds, watchedSeconds);
            // control: the operator's correcting seconds so far, spent on whole oracle demonstrations instead
            if (this.control && (controlEachRound || round == settings.rounds())) {
                controls.put(round, control(out, round, demos, demoSeconds, correctionSeconds, roundSeeds));
            }
        }
        firstPolicy.close();

        Rate coinBefore = currentScore, coinAfter = null, flagBefore = null, flagAfter = null;
        if (settings.flagRounds() > 0) {
            Forgetting f = forgetting(out, current, cp, replay, fineTune);
            coinBefore = f.coinBefore();
            flagBefore = f.flagBefore();
            flagAfter = f.flagAfter();
            coinAfter = f.coinAfter();
        }
        current.close();
        double wall = (System.nanoTime() - t0) / 1e9;
        return new Report(rows, controls, coinBefore, coinAfter, flagBefore, flagAfter, wall, settings.seed());
    }

    /** Held-out success on the first task and the second, before and after the second task's correction rounds. */
    private record Forgetting(Rate coinBefore, Rate flagBefore, Rate flagAfter, Rate coinAfter) {
    }

    /** Forgetting: correction rounds on a second task ("reach the flag"), then the first task again. */
    private Forgetting forgetting(PrintStream out, LearnedPolicy current, Checkpoint cp, List<Example> replay, FineTuneRound fineTune) throws Exception {
        // fresh copies: a sampling policy's draws then depend only on the seeds, so before and after compare like for like
        Rate coinBefore, flagBefore;
        try (LearnedPolicy before = copy(current, current.version())) {
            coinBefore = evaluate(before, SimGame.COLLECT_COINS, EVAL_SEEDS);
        }
        try (LearnedPolicy before = copy(current, current.version())) {
            flagBefore = evaluate(before, SimGame.REACH_FLAG, FLAG_EVAL_SEEDS);
        }
        LearnedPolicy flagPolicy = copy(current, current.version());
        for (int round = 1; round <= settings.flagRounds(); round++) {
            List<Example> fresh = new ArrayList<>();
            int corrections = 0;
            dev.embody.loop.ProgressBar bar = dev.embody.loop.ProgressBar.of(err, "flag round " + round + ":", "episode", settings.episodesPerRound());
            for (int i = 0; i < settings.episodesPerRound(); i++) {
                Arena.Played p = playCorrected(flagPolicy, SimGame.REACH_FLAG, nextTrainingSeed++, "flag" + round).played();
                fresh.addAll(p.examples());
                corrections += p.corrections();
                bar.step(p.outcome().label() + " corrections=" + p.corrections());
            }
            bar.done();
            replay.addAll(fresh);
            Trainer.Result r = aggregate(replay, 100 + round).result();
            flagPolicy.close();
            flagPolicy = new LearnedPolicy(r.net(), r.commands(), "flag" + round, arena.profile().policyRules());
            out.printf(Locale.ROOT, "flag round %d: corrections_per_episode=%.1f examples=%d train_s=%.1f%n", round,
                    corrections / (double) settings.episodesPerRound(), replay.size(), r.seconds());
        }
        Rate flagAfter = evaluate(flagPolicy, SimGame.REACH_FLAG, FLAG_EVAL_SEEDS);
        Rate coinAfter = evaluate(flagPolicy, SimGame.COLLECT_COINS, EVAL_SEEDS);
        Checkpoint fc = fineTune.keep(flagPolicy, cp.version(), Map.of("success_coins", coinAfter.value(), "success_flag", flagAfter.value()), false);
        out.printf(Locale.ROOT, "forgetting: collect-coins success %s -> %s (%+.0f points) after fine-tuning on 'reach the flag' corrections; reach-the-flag %s -> %s (%s)%n",
                coinBefore, coinAfter, 100 * (coinAfter.value() - coinBefore.value()), flagBefore, flagAfter, fc.version());
        flagPolicy.close();
        return new Forgetting(coinBefore, flagBefore, flagAfter, coinAfter);
    }

    /**
     * The control arm at a round: the first policy's demonstrations plus whole oracle demonstrations until the operator's
     * correcting seconds so far are spent (the last one cut to fit), on the corrected episodes' seeds first.
     */
    private Row control(PrintStream out, int round, List<Example> demos, double demoSeconds, double budget, List<Long> seeds) throws Exception {
        java.util.function.IntFunction<Arena.Played> demo = i -> controlDemo(i < seeds.size() ? seeds.get(i) : CONTROL_SEEDS + settings.seed() + i);
        OperatorEffort.Spent spent = effort.spend(budget, i -> demo.apply(i).steps());
        List<Example> more = new ArrayList<>();
        for (int i = 0; i < spent.whole(); i++) {
            more.addAll(demo.apply(i).examples());
        }
        if (spent.cut() > 0) {
            List<Example> last = demo.apply(spent.whole()).examples();
            more.addAll(last.subList(0, (int) Math.min(spent.cut(), last.size())));
        }
        int whole = spent.whole();
        long cut = spent.cut();
        List<Example> all = new ArrayList<>(demos);
        all.addAll(more);
        Trainer.Result r = aggregate(all, 77).result();
        LearnedPolicy control = new LearnedPolicy(r.net(), r.commands(), "control", arena.profile().policyRules());
        Rate s = evaluate(control, SimGame.COLLECT_COINS, EVAL_SEEDS);
        control.close();
        return print(out, new Row("control " + round, s, Double.NaN, demos.size() + more.size(), r.seconds(), r.device(),
                "first policy + " + whole + " oracle demonstration(s)" + (cut > 0 ? " + " + cut + " steps of one more" : "")
                        + " (" + more.size() + " steps), no corrections", demoSeconds + spent.seconds()));
    }

    /** An oracle demonstration on a seed, played once and kept: every round's control draws from the same games. */
    private Arena.Played controlDemo(long seed) {
        return controlDemos.computeIfAbsent(seed, s -> {
            try {
                return arena.play(s, SimGame.COLLECT_COINS, t -> oracle.asPolicy(game(t)),
                        t -> new ExampleCollector(arena.profile().inputSpec(), Set.of("oracle"), "demo-seed" + s).withTeacherTask(() -> oracle.task(game(t), SimGame.COLLECT_COINS)),
                        null);
            } catch (Exception e) {
                throw new IllegalStateException("the control arm's demonstration on seed " + s + " failed: " + e.getMessage(), e);
            }
        });
    }

    /**
     * DAgger-style: every round trains a fresh network (same initialisation) to convergence on everything gathered so
     * far, so a round's candidate does not depend on the path of earlier fine-tunes (they were unstable).
     */
    private FineTuneRound.Trained aggregate(List<Example> all, long seed) {
        try (LearnedPolicy init = arena.profile().untrained(arena.library(), settings.seed())) {
            return FineTuneRound.train(init, augmented(all), null, settings.fineTuning().withSeed(seed), err, arena.profile().policyRules());
        }
    }

    private List<Example> augmented(List<Example> examples) {
        return settings.mirror() ? Mirror.withMirrors(examples) : examples;
    }

    /** A corrected episode and every correction the operator said in it (understood or not). */
    private record Corrected(Arena.Played played, List<String> said) {
    }

    private Corrected playCorrected(LearnedPolicy agent, Goal goal, long seed, String round) throws Exception {
        Arena.Recording recording = episodes == null ? null
                : new Arena.Recording(episodes, String.format(Locale.ROOT, "improve-%s-%s", round, agent.version()),
                Map.of("improve_round", round, "operator", SimulatedOperator.CHANNEL));
        SimulatedOperator[] operator = new SimulatedOperator[1];
        Arena.Played played = arena.play(seed, goal, new Arena.Cast() {
            @Override
            public Policy policy(Target target) {
                return agent;
            }

            @Override
            public List<StepListener> watchers(Target target, dev.embody.loop.OperatorInbox inbox, Policy policy) {
                SimulatedOperator.Settings d = SimulatedOperator.Settings.defaults();
                operator[0] = new SimulatedOperator(game(target), oracle, parser, inbox,
                        new SimulatedOperator.Settings(d.reactionMin(), d.reactionMax(), settings.budget(), d.silence(), d.typos()), seed);
                if (paced) {
                    operator[0].speaking(text -> (long) Math.ceil(effort.correction(text) / effort.stepSeconds()));
                }
                return List.of(operator[0]);
            }
        }, t -> {
            ExampleCollector c = ExampleCollector.corrections(arena.profile().inputSpec(), "seed" + seed).withTeacherTask(() -> oracle.task(game(t), goal));
            // the operator's silence approves only what it would have done itself (asked after it heard the step)
            return settings.approvalMargin() < 0 ? c
                    : c.withApproval(Math.max(1, settings.approvalMargin()), Example.APPROVAL_WEIGHT, s -> operator[0].wouldHaveDone(s));
        }, recording);
        return new Corrected(played, operator[0] == null ? List.of() : operator[0].said().stream().map(SimulatedOperator.Utterance::text).toList());
    }

    private Arena.Played demonstration(Goal goal, long seed) throws Exception {
        return arena.play(seed, goal, t -> oracle.asPolicy(game(t)),
                t -> new ExampleCollector(arena.profile().inputSpec(), Set.of("oracle"), "demo-seed" + seed).withTeacherTask(() -> oracle.task(game(t), goal)),
                null);
    }

    /** The embedded game an episode of the sim-game profile plays: what the oracle and the simulated operator watch. */
    private static SimGame game(Target t) {
        return ((dev.embody.sim.SimGameTarget) t).game();
    }

    private Rate evaluate(Policy p, Goal goal, long firstSeed) throws Exception {
        List<Long> seeds = LongStream.range(firstSeed, firstSeed + settings.evalEpisodes()).boxed().toList();
        dev.embody.loop.ProgressBar bar = dev.embody.loop.ProgressBar.of(err, "evaluating " + p.name() + " on '" + goal + "'", "episode", seeds.size());
        Arena.Evaluation e = arena.evaluate(g -> p, goal, seeds, (d, t) -> bar.update(d, t, ""));
        Map<String, Long> outcomes = new java.util.TreeMap<>();
        e.runs().forEach(r -> outcomes.merge(r.outcome().label(), 1L, Long::sum));
        bar.update(seeds.size(), outcomes.toString());
        bar.done();
        log.info("{} on '{}': {}", p.name(), goal, outcomes);
        return e.success();
    }

    private static Row print(PrintStream out, Row r) {
        out.printf(Locale.ROOT, "%-8s %-24s %23s %8d %7.1f %6s  %s operator_s=%.0f%n", r.round(), r.success(),
                Double.isNaN(r.correctionsPerEpisode()) ? "-" : String.format(Locale.ROOT, "%.1f", r.correctionsPerEpisode()),
                r.examples(), r.trainSeconds(), r.device(), r.gate(), r.operatorSeconds());
        out.flush();
        return r;
    }

    private static Map<String, Object> metrics(Rate success, Trainer.Result r, int corrections, int examples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success_heldout", success.value());
        m.put("success_heldout_95ci", List.of(success.low(), success.high()));
        m.put("heldout_episodes", success.trials());
        m.put("loss_first", r.firstLoss());
        m.put("loss_last", r.lastLoss());
        m.put("train_s", r.seconds());
        m.put("train_steps", r.steps());
        m.put("examples", examples);
        m.put("corrections", corrections);
        return m;
    }

    private static LearnedPolicy relabel(LearnedPolicy p, String version) {
        return p.as(version, p.rules());
    }

    private static LearnedPolicy copy(LearnedPolicy p, String version) {
        return new LearnedPolicy(p.net().copy(), p.commands(), version, p.rules());
    }

    /**
     * One arm at one round over the seeds: the mean of the seeds' success, its spread, and the seeds' held-out episodes
     * pooled into one rate (its 95% Wilson interval).
     */
    public record Pooled(int round, String arm, List<Rate> perSeed, double correctionsPerEpisode, double operatorSeconds) {
        public double mean() {
            return perSeed.stream().mapToDouble(Rate::value).average().orElse(Double.NaN);
        }

        public double min() {
            return perSeed.stream().mapToDouble(Rate::value).min().orElse(Double.NaN);
        }

        public double max() {
            return perSeed.stream().mapToDouble(Rate::value).max().orElse(Double.NaN);
        }

        public Rate pooled() {
            return new Rate(perSeed.stream().mapToLong(Rate::hits).sum(), perSeed.stream().mapToLong(Rate::trials).sum());
        }
    }

    /** Both arms by round over every seed's report (a round an arm was not trained at is left out). */
    public static List<Pooled> pooled(List<Report> reports) {
        List<Pooled> out = new ArrayList<>();
        int rounds = reports.stream().mapToInt(r -> r.rows().size()).min().orElse(0);
        for (int round = 0; round < rounds; round++) {
            int k = round;
            List<Row> rows = reports.stream().map(r -> r.rows().get(k)).toList();
            out.add(pool(round, "corrections", rows));
            List<Row> controls = reports.stream().map(r -> r.controls().get(k)).filter(java.util.Objects::nonNull).toList();
            if (controls.size() == reports.size() && !controls.isEmpty()) {
                out.add(pool(round, "control", controls));
            }
        }
        return out;
    }

    private static Pooled pool(int round, String arm, List<Row> rows) {
        double corr = rows.stream().mapToDouble(Row::correctionsPerEpisode).average().orElse(Double.NaN);
        double seconds = rows.stream().mapToDouble(Row::operatorSeconds).average().orElse(Double.NaN);
        return new Pooled(round, arm, rows.stream().map(Row::success).toList(), corr, seconds);
    }

    /** The table over seeds: per round and arm, mean success, min..max, the pooled episodes' rate with its interval. */
    public static void summary(List<Report> reports, PrintStream out) {
        out.printf(Locale.ROOT, "over %d seed(s) (%s): per round and arm, mean held-out success, min..max over the seeds, and the pooled episodes with their 95%% Wilson interval%n",
                reports.size(), String.join(", ", reports.stream().map(r -> String.valueOf(r.seed())).toList()));
        out.printf("%-5s %-11s %6s %11s  %-28s %14s %10s%n", "round", "arm", "mean", "min..max", "pooled [95% CI] (n)", "corr/episode", "operator_s");
        for (Pooled p : pooled(reports)) {
            out.printf(Locale.ROOT, "%-5d %-11s %6.2f %5.2f..%4.2f  %-28s %14s operator_s=%.0f%n", p.round(), p.arm(), p.mean(), p.min(), p.max(),
                    p.pooled(), Double.isNaN(p.correctionsPerEpisode()) ? "-" : String.format(Locale.ROOT, "%.1f", p.correctionsPerEpisode()),
                    p.operatorSeconds());
        }
        out.flush();
    }

    /**
     * The learning curve: held-out success by round for both arms (the mean over the seeds, the pooled episodes' 95%
     * interval drawn as a bar) and the corrections per episode on the right axis.
     */
    public static void plot(List<Report> reports, Path png) throws IOException {
        String over = reports.size() == 1 ? "" : ", mean of " + reports.size() + " seeds";
        YIntervalSeries success = new YIntervalSeries("corrections arm: held-out success (no corrections)" + over);
        YIntervalSeries control = new YIntervalSeries("control arm: the same operator seconds as demonstrations" + over);
        XYSeries corr = new XYSeries("corrections per episode (right axis)");
        for (Pooled p : pooled(reports)) {
            Rate pooled = p.pooled();
            if (p.arm().equals("control")) {
                control.add(p.round() + 0.1, p.mean(), pooled.low(), pooled.high());
            } else {
                success.add(p.round(), p.mean(), pooled.low(), pooled.high());
                if (!Double.isNaN(p.correctionsPerEpisode())) {
                    corr.add(p.round(), p.correctionsPerEpisode());
                }
            }
        }
        YIntervalSeriesCollection rates = new YIntervalSeriesCollection();
        rates.addSeries(success);
        rates.addSeries(control);
        JFreeChart chart = ChartFactory.createXYLineChart("embody improve: learning from corrections (95% Wilson intervals of the pooled episodes)",
                "round", "held-out success", rates, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYErrorRenderer bars = new XYErrorRenderer();
        bars.setSeriesLinesVisible(0, true);
        bars.setSeriesLinesVisible(1, true);
        plot.setRenderer(0, bars);
        plot.getRangeAxis().setRange(-0.02, 1.02);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
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
