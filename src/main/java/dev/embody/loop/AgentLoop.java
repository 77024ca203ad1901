package dev.embody.loop;

import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillFolder;
import dev.embody.skill.SkillExecutor;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The step loop: observe, the six modules, act, remember, record; until the target's scorer ends the episode, a limit
 * is reached, or the operator stops it. Every exit path releases whatever the actuator holds. Live control and replay
 * both run it: replay is this loop fed by a recording, acting on nothing, remembering what was recorded.
 *
 * <pre>{@code
 * EpisodeResult r = AgentLoop.builder().target(target).library(library).modules(profile.modules(...)).memory(memory)
 *         .goal(goal).build().run();
 * }</pre>
 */
public final class AgentLoop {

    private static final Logger log = LoggerFactory.getLogger(AgentLoop.class);
    /** A module that keeps failing ends the episode rather than looping forever. */
    private static final int MAX_FAILED_STEPS = 3;

    private final Target target;
    private final InformationGathering gathering;
    private final SelfReflection reflection;
    private final TaskInference tasks;
    private final SkillCuration curation;
    private volatile Policy policy;
    private volatile SkillLibrary library;
    private volatile SkillExecutor executor;
    private final SkillFolder skillFolder;
    private final Memory memory;
    private final OperatorInbox inbox;
    private final List<StepListener> listeners;
    private final History history;
    private final Duration period;
    private final long maxSteps;
    private final Duration maxTime;
    private volatile Goal goal;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile boolean paused;

    /**
     * What the loop remembers as having happened after a step: the step itself, live; replay substitutes what was
     * recorded (the recorded command, what it sent), so each step is judged in the situation the recorded agent was in.
     */
    public interface History {
        Step happened(Step decided);

        History AS_DECIDED = s -> s;
    }

    private AgentLoop(Builder b) {
        this.target = Objects.requireNonNull(b.target, "target");
        Modules m = Objects.requireNonNull(b.modules, "modules");
        this.gathering = m.gathering();
        this.reflection = m.reflection();
        this.tasks = m.tasks();
        this.curation = m.curation();
        this.policy = m.policy();
        this.library = Objects.requireNonNull(b.library, "library");
        this.executor = new SkillExecutor(library);
        this.skillFolder = b.skillFolder;
        this.memory = Objects.requireNonNull(b.memory, "memory");
        this.inbox = b.inbox == null ? new OperatorInbox() : b.inbox;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.history = b.history;
        this.period = b.period;
        this.maxSteps = b.maxSteps;
        this.maxTime = b.maxTime;
        this.goal = Objects.requireNonNull(b.goal, "goal");
        this.paused = b.startPaused;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What an episode came to. */
    public record EpisodeResult(Outcome outcome, long steps, List<Latency> latencies, long overruns, String reason) {
    }

    public EpisodeResult run() {
        Actuator actuator = target.actuator();
        FrameSource frames = target.frames();
        List<Latency> latencies = new ArrayList<>();
        Outcome outcome = Outcome.RUNNING;
        String reason = "";
        long overruns = 0;
        Step last = null;
        SkillCall previous = null;
        int failed = 0;
        boolean stepOnce = false;
        List<Intervention> applied = new ArrayList<>();
        long startWall = System.nanoTime();
        long index = 0;
        try {
            while (true) {
                String correction = null;
                SkillCall override = null;
                for (Intervention i : inbox.drain()) {
                    if (i.kind() == Intervention.Kind.GOAL || i.kind() == Intervention.Kind.NOTE || i.kind() == Intervention.Kind.TEACH) {
                        applied.add(i);
                    }
                    switch (i.kind()) {
                        case STOP -> stopRequested.set(true);
                        case PAUSE -> paused = true;
                        case RESUME -> paused = false;
                        case STEP -> stepOnce = true;
                        case GOAL -> {
                            goal = new Goal(i.argument());
                            log.info("goal changed by the operator: {}", goal);
                        }
                        case NOTE -> memory.note(i.argument());
                        case TEACH -> teach(i);
                        case COMMAND -> {
                            try {
                                override = library.normalize(i.command());
                                correction = i.text();
                            } catch (IllegalArgumentException e) {
                                notice("refused the operator's command " + i.command() + " (" + i.channel() + "): " + e.getMessage());
                            }
                        }
                    }
                }
                if (stopRequested.get() || inbox.stopRequested()) {
                    outcome = Outcome.STOPPED;
                    reason = "stopped by the operator";
                    break;
                }
                if (target.outcome().finished()) {
                    outcome = target.outcome();
                    break;
                }
                if (index >= maxSteps) {
                    outcome = Outcome.MAX_STEPS;
                    reason = "reached " + maxSteps + " steps";
                    break;
                }
                if (maxTime != null && System.nanoTime() - startWall > maxTime.toNanos()) {
                    outcome = Outcome.TIMEOUT;
                    reason = "ran " + maxTime.toSeconds() + " s";
                    break;
                }
                if (paused && !stepOnce && override == null) {
                    actuator.releaseAll();
                    Thread.sleep(20);
                    continue;
                }
                stepOnce = false;
                try {
                    Step step = step(index, frames, actuator, last, previous, override, correction, List.copyOf(applied));
                    applied.clear();
                    last = step;
                    previous = step.command();
                    latencies.add(step.latency());
                    if (step.overran()) {
                        overruns++;
                        log.debug("step {} overran the {} ms period: the loop took {} ms", index, period.toMillis(), step.latency().decideNanos() / 1_000_000);
                    }
                    failed = 0;
                } catch (InterruptedException e) {
                    throw e;
                } catch (java.io.EOFException e) {
                    outcome = Outcome.STOPPED;
                    reason = "the frame source ended";
                    break;
                } catch (Exception e) {
                    failed++;
                    log.warn("step {} failed: {}", index, e.toString());
                    log.debug("step failure", e);
                    actuator.releaseAll();
                    if (failed >= MAX_FAILED_STEPS) {
                        outcome = Outcome.ERROR;
                        reason = failed + " steps in a row failed, the last with: " + e.getMessage();
                        break;
                    }
                }
                index++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.STOPPED;
            reason = "interrupted";
        } catch (RuntimeException | Error e) {
            outcome = Outcome.ERROR;
            reason = e.toString();
            log.error("the loop failed", e);
        } finally {
            actuator.releaseAll();
            Outcome end = outcome == Outcome.RUNNING ? Outcome.ERROR : outcome;
            for (StepListener l : listeners) {
                try {
                    l.onEnd(end);
                } catch (RuntimeException e) {
                    log.error("{} failed at the end of the episode", l.getClass().getSimpleName(), e);
                }
            }
        }
        return new EpisodeResult(outcome, index, latencies, overruns, reason);
    }

    /** The one step function: observe, the five decision modules (an operator's command overrides the policy), act, remember. */
    private Step step(long index, FrameSource frames, Actuator actuator, Step last, SkillCall previous,
                      SkillCall override, String correction, List<Intervention> applied) throws Exception {
        long wall = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Observation obs = frames.next();
        ImageSignature look = ImageSignature.of(obs.frame());
        long t1 = System.nanoTime();
        Scene scene = gathering.gather(obs, memory);
        long t2 = System.nanoTime();
        Reflection r = reflection.reflect(last, obs, scene, memory);
        long t3 = System.nanoTime();
        SkillLibrary lib = library;
        Task task = tasks.infer(goal, obs, scene, r, lib, memory);
        long t4 = System.nanoTime();
        List<SkillCall> candidates = curation.curate(task, scene, lib, memory);
        long t5 = System.nanoTime();
        Policy p = policy;
        Decision decision = p.plan(new PlanningContext(obs, scene, task, r, candidates, previous, memory));
        if (override != null) {
            decision = new Decision(override, decision.scores(), "operator", correction + " (policy wanted " + decision.call() + ")");
        }
        List<Memory.Citation> citations = memory.takeCitations();
        long t6 = System.nanoTime();
        SkillExecutor.Execution ex = executor.run(decision.call(), scene, actuator, inbox::interrupted);
        long t7 = System.nanoTime();
        Latency latency = new Latency(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6);
        boolean overran = !(period.isZero() || period.isNegative()) && latency.decideNanos() > period.toNanos();
        Step step = new Step(index, wall, obs.timeNanos(), obs.index(), scene, r, task, candidates, decision, correction,
                ex.sent(), ex.interrupted(), target.outcome(), latency, overran, look, citations, applied);
        Step happened = history.happened(step);
        memory.remember(happened);
        for (StepListener l : listeners) {
            l.onStep(step, obs);
        }
        if (!(period.isZero() || period.isNegative()) && !ex.interrupted()) {
            long spent = System.nanoTime() - t0;
            if (spent < period.toNanos() && !target.outcome().finished()) {
                actuator.elapse(Duration.ofNanos(period.toNanos() - spent));
            }
        }
        return happened;
    }

    /** A skill taught by the operator: checked, written to the profile's folder, and in use from the next step. */
    private void teach(Intervention i) {
        if (skillFolder == null) {
            notice("cannot teach a skill here: this session has no skills folder to write it to");
            return;
        }
        try {
            SkillFolder.Taught t = skillFolder.teach(i.argument(), library);
            swapLibrary(t.library());
            notice("taught '" + t.skill().name() + "': " + t.skill().description() + " (" + t.file() + ")");
        } catch (BadFileException e) {
            notice("skill not taught: " + e.getMessage());
        } catch (java.io.IOException e) {
            notice("skill not taught: cannot write it: " + e.getMessage());
        }
    }

    private void notice(String text) {
        log.warn("{}", text);
        for (StepListener l : listeners) {
            try {
                l.onNotice(text);
            } catch (RuntimeException e) {
                log.debug("notice listener failed", e);
            }
        }
    }

    /** Ends the loop at the next chance (Ctrl-C, e-stop); a running hold is cut short. */
    public void requestStop() {
        stopRequested.set(true);
        inbox.submit(Intervention.of(Intervention.Kind.STOP, null, "stop", "system"));
    }

    public OperatorInbox inbox() {
        return inbox;
    }

    public Goal goal() {
        return goal;
    }

    public boolean paused() {
        return paused;
    }

    public Policy policy() {
        return policy;
    }

    /** Hot swap: the next step plans with the new policy; the running step finishes with the old. */
    public void swapPolicy(Policy next) {
        log.info("policy swapped: {} -> {}", policy.name(), next.name());
        this.policy = next;
    }

    public SkillLibrary library() {
        return library;
    }

    /** New skills at run time: the next step curates, plans and executes over the larger library. */
    public void swapLibrary(SkillLibrary next) {
        this.library = next;
        this.executor = new SkillExecutor(next);
        Policy adapted = policy.adapt(next);
        if (adapted != policy) {
            swapPolicy(adapted);
        }
    }

    public void addListener(StepListener l) {
        listeners.add(l);
    }

    public static final class Builder {
        private Target target;
        private Modules modules;
        private SkillLibrary library;
        private SkillFolder skillFolder;
        private Memory memory;
        private OperatorInbox inbox;
        private final List<StepListener> listeners = new ArrayList<>();
        private History history = History.AS_DECIDED;
        private Duration period = Duration.ZERO;
        private long maxSteps = Long.MAX_VALUE;
        private Duration maxTime;
        private Goal goal;
        private boolean startPaused;

        public Builder target(Target t) { this.target = t; return this; }
        public Builder modules(Modules m) { this.modules = m; return this; }
        public Builder library(SkillLibrary l) { this.library = l; return this; }
        /** Where skills taught at run time are written; without it, teaching is refused. */
        public Builder skillFolder(SkillFolder f) { this.skillFolder = f; return this; }
        public Builder memory(Memory m) { this.memory = m; return this; }
        public Builder inbox(OperatorInbox i) { this.inbox = i; return this; }
        public Builder listener(StepListener l) { this.listeners.add(l); return this; }
        public Builder history(History h) { this.history = Objects.requireNonNull(h); return this; }
        /** The step period; zero runs each step as soon as the last one's skill ends. */
        public Builder period(Duration p) { this.period = p; return this; }
        public Builder maxSteps(long n) { this.maxSteps = n; return this; }
        public Builder maxTime(Duration d) { this.maxTime = d; return this; }
        public Builder goal(Goal g) { this.goal = g; return this; }
        public Builder startPaused(boolean p) { this.startPaused = p; return this; }

        public AgentLoop build() {
            return new AgentLoop(this);
        }
    }
}
