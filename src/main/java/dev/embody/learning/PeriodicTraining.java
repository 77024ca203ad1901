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
 * earlier examples mixed back in; writes a checkpoint, gates it, and hot-swaps it into the running loop if it is not
 * worse. The loop never waits for any of it.
 */
public final class PeriodicTraining implements StepListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTraining.class);

    public record Schedule(int everyCorrections, Duration every) {
    }

    private final Checkpoints checkpoints;
    private final String skillsVersion;
    private final Gate.Scorer scorer;
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
    private volatile double currentScore = Double.NaN;
    private volatile HotSwap swap;
    private volatile Future<?> running;
    private long lastTraining = System.nanoTime();
    private int correctionsSince;

    /**
     * @param scorer  the gate's scorer (held-out success for the sim game); null adopts every run
     * @param replay  earlier examples (demonstrations, older corrections) mixed back in
     */
    public PeriodicTraining(LearnedPolicy start, Checkpoints checkpoints, String skillsVersion, Gate.Scorer scorer,
                            Trainer.Options options, Schedule schedule, List<Example> replay) {
        this.current = start;
        this.collector = ExampleCollector.corrections(start.spec(), "live");
        this.checkpoints = checkpoints;
        this.skillsVersion = skillsVersion;
        this.scorer = scorer;
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
            log.info("periodic fine-tuning #{}: {} new example(s), {} replayed, from {}", round, fresh.size(), replay.size(), base.version());
            Trainer.Result r = new Trainer(options.withSeed(round), null).train(base, Dataset.mix(fresh, replay, 3.0, round));
            replay.addAll(fresh);
            LearnedPolicy candidate = new LearnedPolicy(r.net(), r.commands(), "candidate", base.rules());
            boolean adopt = true;
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("loss_first", r.firstLoss());
            metrics.put("loss_last", r.lastLoss());
            metrics.put("train_s", r.seconds());
            metrics.put("examples", r.examples());
            metrics.put("corrections", fresh.size());
            if (scorer != null) {
                if (Double.isNaN(currentScore)) {
                    currentScore = scorer.score(base);
                }
                Gate.Verdict v = new Gate(scorer, 0).judge(candidate, currentScore);
                metrics.put("success_heldout", v.candidate());
                adopt = v.adopt();
                if (adopt) {
                    currentScore = v.candidate();
                }
            }
            Checkpoint c = checkpoints.write(candidate, skillsVersion, base.version().startsWith("v") ? base.version() : null, metrics);
            if (!adopt) {
                candidate.close();
                log.info("periodic fine-tuning #{}: {} rejected by the gate; keeping {}", round, c.version(), base.version());
                return false;
            }
            checkpoints.use(c.version());
            LearnedPolicy adopted = candidate.as(c.version(), base.rules());
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
