package dev.embody.learning;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Observation;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.planning.LearnedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fine-tuning inside {@code live}: collects the operator's corrections as the loop runs and, every N corrections or
 * every T minutes (when there is something new), fine-tunes a copy of the policy on a background thread, with the
 * earlier examples mixed back in; writes a checkpoint, gates it (a simulator's held-out seeds, or held-out recorded
 * episodes), and hot-swaps it into the running loop if it is not worse. The loop never waits for any of it. It is the
 * console's training panel's source: rounds, examples, gate verdicts, checkpoints, and rollback.
 */
public final class PeriodicTraining implements StepListener, AutoCloseable, TrainingStatus {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTraining.class);

    public record Schedule(int everyCorrections, Duration every) {
    }

    /** Earlier examples mixed into each fine-tune, per new one: enough that old tasks are not forgotten. */
    static final double REPLAY_RATIO = 3.0;

    private final Checkpoints checkpoints;
    private final FineTuneRound fineTune;
    private final Gate gate;
    /** Loads a checkpoint for this profile (a rollback). */
    private final Loader loader;
    private final List<double[]> curve = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Map<String, Object> lastRound = Map.of();

    /** How a checkpoint becomes a policy for the profile that runs (it refuses another profile's). */
    public interface Loader {
        LearnedPolicy load(dev.embody.learning.Checkpoint c) throws Exception;
    }
    private final Trainer.Options options;
    private final Schedule schedule;
    private final List<Example> replay;
    private final ExampleCollector collector;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "periodic-training");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private final List<Example> pending = new ArrayList<>();
    private final AtomicInteger rounds = new AtomicInteger();
    private volatile LearnedPolicy current;
    private volatile dev.embody.loop.Rate currentScore;
    private volatile HotSwap swap;
    private volatile Future<?> running;
    private long lastTraining = System.nanoTime();
    private int correctionsSince;

    /**
     * @param gate    the gate (held-out success for the sim game, agreement on held-out episodes elsewhere); null
     *                adopts every run (and says so)
     * @param replay  earlier examples (demonstrations, older corrections, from the episodes recorded before) mixed back in
     */
    public PeriodicTraining(LearnedPolicy start, Checkpoints checkpoints, String skillsVersion, Gate gate, Loader loader,
                            Trainer.Options options, Schedule schedule, List<Example> replay) {
        this.current = start;
        // the operator's corrections, and what a model decided where the policy asked it: both teach the policy
        this.collector = new ExampleCollector(start.spec(), java.util.Set.of("vlm"), "live");
        this.checkpoints = checkpoints;
        this.fineTune = new FineTuneRound(checkpoints, skillsVersion);
        this.gate = gate;
        this.loader = loader;
        if (gate == null) {
            log.warn("periodic fine-tuning has no gate: nothing held out to score a fine-tune on; every fine-tune is adopted");
        }
        this.options = options;
        this.schedule = schedule;
        this.replay = new ArrayList<>(replay);
    }

    /** The policy to start each episode with: the last one adopted. */
    public LearnedPolicy current() {
        return current;
    }

    /** Follows a new loop (each episode has its own); adopted policies are swapped into it. */
    public void attach(AgentLoop loop) {
        this.swap = HotSwap.attach(loop);
        loop.addListener(this);
    }

    public int rounds() {
        return rounds.get();
    }

    @Override
    public void onStep(Step step, Observation observation) {
        collector.onStep(step, observation);
        if (step.correction() == null) {
            maybeTrain();
            return;
        }
        correctionsSince++;
        maybeTrain();
    }

    private synchronized void maybeTrain() {
        if (running != null && !running.isDone()) {
            return;
        }
        boolean byCount = schedule.everyCorrections() > 0 && correctionsSince >= schedule.everyCorrections();
        boolean byTime = !schedule.every().isZero() && System.nanoTime() - lastTraining >= schedule.every().toNanos();
        if (!byCount && !byTime) {
            return;
        }
        pending.addAll(collector.take());
        lastTraining = System.nanoTime();
        if (pending.isEmpty()) {
            return;
        }
        List<Example> fresh = List.copyOf(pending);
        pending.clear();
        correctionsSince = 0;
        running = worker.submit(() -> trainOnce(fresh));
    }

    /** Runs one fine-tuning now on this thread (what the background job does); returns whether it was adopted. */
    public boolean trainOnce(List<Example> fresh) {
        int round = rounds.incrementAndGet();
        try {
            LearnedPolicy base = current;
            List<Example> mixed = Dataset.mix(fresh, replay, REPLAY_RATIO, round);
            log.info("periodic fine-tuning #{}: {} new example(s) + {} replayed of {} earlier, from {}", round, fresh.size(),
                    mixed.size() - fresh.size(), replay.size(), base.version());
            FineTuneRound.Trained t = FineTuneRound.train(base, mixed, null, options.withSeed(round), null, base.rules());
            Trainer.Result r = t.result();
            replay.addAll(fresh);
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("corrections", fresh.size());
            about.put("replayed", mixed.size() - fresh.size());
            FineTuneRound.Outcome done = fineTune.settle(t, gate, scorer -> currentScore != null ? currentScore : scorer.score(base),
                    base.version().startsWith("v") ? base.version() : null, about, FineTuneRound.NO_GATE);
            if (done.verdict() != null) {
                currentScore = done.verdict().incumbent();
                curve.add(new double[]{round, done.score().value()});
                if (done.adopted()) {
                    currentScore = done.score();
                }
            }
            Map<String, Object> seen = new LinkedHashMap<>(done.metrics());
            seen.put("round", round);
            seen.put("verdict", done.says());
            seen.put("mix", fresh.size() + " new + " + (mixed.size() - fresh.size()) + " replayed");
            lastRound = seen;
            dev.embody.learning.Checkpoint c = done.checkpoint();
            if (!done.adopted()) {
                log.info("periodic fine-tuning #{}: {} rejected by the gate; keeping {}", round, c.version(), base.version());
                return false;
            }
            LearnedPolicy adopted = done.policy();
            current = adopted;
            HotSwap s = swap;
            if (s != null) {
                s.swap(adopted);
            }
            log.info("periodic fine-tuning #{}: {} adopted and swapped in (loss {} -> {}, {} s on {})", round, c.version(),
                    String.format("%.3f", r.firstLoss()), String.format("%.3f", r.lastLoss()), String.format("%.1f", r.seconds()), r.device());
            return true;
        } catch (Exception e) {
            log.warn("periodic fine-tuning #{} failed: {}; the policy in use stays", round, e.toString());
            log.debug("fine-tuning failure", e);
            return false;
        }
    }

    @Override
    public Snapshot snapshot() {
        List<TrainingStatus.Checkpoint> kept = new ArrayList<>();
        try {
            String live = current.version();
            for (dev.embody.learning.Checkpoint c : checkpoints.list()) {
                double score = c.metrics().path("score_heldout").asDouble(c.metrics().path("success_heldout").asDouble(Double.NaN));
                kept.add(new TrainingStatus.Checkpoint(c.version(), c.meta().path("created").asText(""), score,
                        c.version().equals(live)));
            }
        } catch (java.io.IOException e) {
            log.debug("cannot list checkpoints", e);
        }
        synchronized (this) {
            return new Snapshot(current.name(), pending.size() + collector.pending(), lastRound, List.copyOf(curve), kept,
                    "periodic fine-tuning: " + rounds.get() + " round(s), every " + schedule.everyCorrections() + " corrections or "
                            + schedule.every().toMinutes() + " min; gate: " + (gate == null ? "none" : gate.scorer().what()));
        }
    }

    /** Puts an earlier checkpoint in use and swaps it into the running loop between steps. */
    @Override
    public synchronized String rollback(String version) {
        try {
            dev.embody.learning.Checkpoint c = checkpoints.find(version).orElse(null);
            if (c == null) {
                return "no checkpoint " + version + " under " + checkpoints.root();
            }
            LearnedPolicy back = loader.load(c);
            checkpoints.use(c.version());
            current = back;
            currentScore = null;
            HotSwap s = swap;
            if (s != null) {
                s.swap(back);
            }
            log.info("rolled back to {}", c.version());
            return "rolled back to " + c.version() + ": the loop plans with it from the next step";
        } catch (Exception e) {
            return "cannot roll back to " + version + ": " + e.getMessage();
        }
    }

    /** Waits a while for a fine-tuning in progress; one cut short leaves the checkpoints as they were. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
