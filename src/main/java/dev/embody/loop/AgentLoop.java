package dev.embody.loop;

import dev.embody.file.BadFileException;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillFolder;
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
    private static final SkillExecutor.Execution NOTHING_SENT = new SkillExecutor.Execution(List.of(), false);

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
    private final int correctionHolds;
    private final long maxSteps;
    private final Duration maxTime;
    private final boolean acting;
    private volatile Goal goal;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile boolean paused;

    /**
     * What the loop remembers as having happened after a step: the step itself, live; replay substitutes what was
     * recorded (the recorded command, what it sent), so each step is judged in the situation the recorded agent was in;
     * null: nothing to carry forward (a step that failed when it was recorded). A pure function of the step.
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
        this.correctionHolds = b.correctionHolds;
        this.maxSteps = b.maxSteps;
        this.maxTime = b.maxTime;
        this.acting = b.acting;
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
        // a correction that holds for more steps (YAY Robot's language commands): what it is and for how many more
        SkillCall held = null;
        String heldText = null;
        int heldLeft = 0;
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
                        case PAUSE -> {
                            paused = true;
                            heldLeft = 0;
                        }
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
                                held = override;
                                heldText = correction;
                                heldLeft = correctionHolds - 1;
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
                if (override == null && heldLeft > 0 && !paused) {
                    override = held;
                    correction = heldText;
                    heldLeft--;
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
                    if (step.failed()) {
                        // recorded as a step all the same (the recorder heard it), so no step number goes missing
                        failed++;
                        log.warn("step {} failed at {}: {}", index, step.failure().stage(), step.failure().error());
                        actuator.releaseAll();
                        if (failed >= MAX_FAILED_STEPS) {
                            outcome = Outcome.ERROR;
                            reason = failed + " steps in a row failed, the last with: " + step.failure().error();
                            index++;
                            break;
                        }
                    } else {
                        Step happened = history.happened(step);
                        if (happened != null) {
                            last = happened;
                            previous = happened.command();
                        }
                        latencies.add(step.latency());
                        if (step.overran()) {
                            overruns++;
                            log.debug("step {} overran the {} ms period: the loop took {} ms", index, period.toMillis(), step.latency().decideNanos() / 1_000_000);
                        }
                        failed = 0;
                    }
                } catch (InterruptedException e) {
                    throw e;
                } catch (java.io.EOFException e) {
                    outcome = Outcome.STOPPED;
                    reason = "the frame source ended";
                    break;
                } catch (Exception e) {
                    // not a module's failure (a listener, the memory store): nothing to record the step with
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

    /**
     * The one step function: observe, the five decision modules (an operator's command overrides the policy), act,
     * remember, tell the listeners. A part that throws ends the step there: it is returned as a failed step holding
     * what came before (told to listeners through {@link StepListener#onFailedStep}).
     *
     * @throws java.io.EOFException when the frame source has ended (no step)
     */
    private Step step(long index, FrameSource frames, Actuator actuator, Step last, SkillCall previous,
                      SkillCall override, String correction, List<Intervention> applied) throws Exception {
        long wall = System.currentTimeMillis();
        // t[i] is when part i began (PARTS order), t[7] when acting ended
        long[] t = new long[Latency.PARTS.length + 1];
        t[0] = System.nanoTime();
        int part = 0;
        Observation obs = null;
        ImageSignature look = null;
        Scene scene = null;
        Reflection r = null;
        Task task = null;
        List<SkillCall> candidates = null;
        Decision decision = null;
        SkillExecutor.Execution ex;
        try {
            obs = frames.next();
            look = ImageSignature.of(obs.frame());
            t[++part] = System.nanoTime();
            scene = gathering.gather(obs, memory);
            t[++part] = System.nanoTime();
            r = reflection.reflect(last, obs, scene, memory);
            t[++part] = System.nanoTime();
            SkillLibrary lib = library;
            task = tasks.infer(goal, obs, scene, r, lib, memory);
            t[++part] = System.nanoTime();
            candidates = curation.curate(task, scene, lib, memory);
            t[++part] = System.nanoTime();
            Policy p = policy;
            decision = p.plan(new PlanningContext(obs, scene, task, r, candidates, previous, memory));
            if (override != null) {
                decision = new Decision(override, decision.scores(), "operator", correction + " (policy wanted " + decision.call() + ")");
            }
            t[++part] = System.nanoTime();
            // a demonstration: the person acted on the target themselves; the command is what their input maps to
            ex = acting ? executor.run(decision.call(), scene, actuator, inbox::interrupted) : NOTHING_SENT;
            t[++part] = System.nanoTime();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (part == 0 && e instanceof java.io.EOFException) {
                throw e;
            }
            log.debug("step {} failed at {}", index, Latency.PARTS[part], e);
            long now = System.nanoTime();
            for (int i = part + 1; i < t.length; i++) {
                t[i] = now;
            }
            if (override != null && decision == null) {
                log.warn("the operator's '{}' was not applied: step {} failed before a decision", correction, index);
            }
            Step step = new Step(index, wall, obs == null ? -1 : obs.timeNanos(), obs == null ? -1 : obs.index(), scene, r, task,
                    candidates == null ? List.of() : candidates, decision, decision != null && override != null ? correction : null,
                    List.of(), false, target.outcome(), latency(t), false, look, memory.takeCitations(), applied,
                    new Step.Failure(Latency.PARTS[part], e.getMessage() != null ? e.getMessage() : e.toString()));
            for (StepListener l : listeners) {
                l.onFailedStep(step, obs);
            }
            return step;
        }
        Latency latency = latency(t);
        // in a demonstration, planning is the person's window (one period, waited out): only the modules can overrun it
        long own = acting ? latency.decideNanos() : latency.decideNanos() - latency.plan();
        boolean overran = !(period.isZero() || period.isNegative()) && own > period.toNanos();
        Step step = new Step(index, wall, obs.timeNanos(), obs.index(), scene, r, task, candidates, decision, correction,
                ex.sent(), ex.interrupted(), target.outcome(), latency, overran, look, memory.takeCitations(), applied);
        Step happened = history.happened(step);
        if (happened != null) {
            memory.remember(happened);
        }
        for (StepListener l : listeners) {
            l.onStep(step, obs);
        }
        if (!(period.isZero() || period.isNegative()) && !ex.interrupted()) {
            long spent = System.nanoTime() - t[0];
            if (spent < period.toNanos() && !target.outcome().finished()) {
                actuator.elapse(Duration.ofNanos(period.toNanos() - spent));
            }
        }
        return step;
    }

    private static Latency latency(long[] t) {
        return new Latency(t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3], t[5] - t[4], t[6] - t[5], t[7] - t[6]);
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
        private int correctionHolds = 1;
        private long maxSteps = Long.MAX_VALUE;
        private Duration maxTime;
        private Goal goal;
        private boolean startPaused;
        private boolean acting = true;

        public Builder target(Target t) { this.target = t; return this; }
        public Builder modules(Modules m) { this.modules = m; return this; }
        public Builder library(SkillLibrary l) { this.library = l; return this; }
        /** Where skills taught at run time are written; without it, teaching is refused. */
        public Builder skillFolder(SkillFolder f) { this.skillFolder = f; return this; }
        public Builder memory(Memory m) { this.memory = m; return this; }
        public Builder inbox(OperatorInbox i) { this.inbox = i; return this; }
        public Builder listener(StepListener l) { this.listeners.add(l); return this; }
        public Builder history(History h) { this.history = Objects.requireNonNull(h); return this; }
        /**
         * How many steps an operator's command holds (YAY Robot: a spoken correction replaces the high-level command for
         * a while); each of those steps is the operator's, a correction to learn from. A newer command, pause or stop ends it.
         */
        public Builder correctionHolds(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("a correction holds for at least 1 step, got " + steps);
            }
            this.correctionHolds = steps;
            return this;
        }

        /** The step period; zero runs each step as soon as the last one's skill ends. */
        public Builder period(Duration p) { this.period = p; return this; }
        public Builder maxSteps(long n) { this.maxSteps = n; return this; }
        public Builder maxTime(Duration d) { this.maxTime = d; return this; }
        public Builder goal(Goal g) { this.goal = g; return this; }
        public Builder startPaused(boolean p) { this.startPaused = p; return this; }
        /**
         * False for a demonstration in which the person acts on the target through its own input (keys, mouse): each
         * step records the command their input maps to and sends nothing. True (the default) carries the command out.
         */
        public Builder acting(boolean a) { this.acting = a; return this; }

        public AgentLoop build() {
            return new AgentLoop(this);
        }
    }
}
