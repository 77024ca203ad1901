package dev.embody.episode;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Memory;
import dev.embody.loop.Modules;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Goal;
import dev.embody.loop.Outcome;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.skill.SkillFolder;
import dev.embody.skill.SkillLibrary;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One episode on an open target: the loop built from the agent's parts, its recorder and operator (when there are),
 * its listeners, and the counts every caller wants (corrections, who decided, wall time). The one place that builds
 * an {@link AgentLoop} for an episode: {@code live}, {@code record}, {@code eval}, the arenas, the fleet's agents,
 * replay and the benchmarks all run theirs here, so an episode means the same thing everywhere.
 *
 * <pre>
 * EpisodeRunner.Result r = EpisodeRunner.of(target, library, modules).goal(goal).inbox(inbox).recorder(recorder).run();
 * </pre>
 */
public final class EpisodeRunner {

    /**
     * What an episode came to.
     *
     * @param loop        the loop's own result: outcome, steps, latencies, overruns, reason
     * @param corrections steps an operator's correction decided
     * @param by          steps by who decided them ({@code policy}, {@code operator}, {@code person}...)
     * @param seconds     wall time of the run
     */
    public record Result(AgentLoop.EpisodeResult loop, int corrections, Map<String, Integer> by, double seconds) {
        public Outcome outcome() {
            return loop.outcome();
        }

        public long steps() {
            return loop.steps();
        }

        public String reason() {
            return loop.reason();
        }
    }

    private final AgentLoop.Builder builder;
    private Consumer<AgentLoop> started = l -> { };

    private EpisodeRunner(Target target, SkillLibrary library, Modules modules) {
        // an episode that names no memory remembers only itself
        this.builder = AgentLoop.builder().target(target).library(library).modules(modules).memory(EpisodicMemory.inMemory());
    }

    public static EpisodeRunner of(Target target, SkillLibrary library, Modules modules) {
        return new EpisodeRunner(target, library, modules);
    }

    public EpisodeRunner memory(Memory m) { builder.memory(m); return this; }
    public EpisodeRunner goal(Goal g) { builder.goal(g); return this; }
    public EpisodeRunner inbox(OperatorInbox i) { builder.inbox(i); return this; }
    public EpisodeRunner period(Duration p) { builder.period(p); return this; }
    public EpisodeRunner maxSteps(long n) { builder.maxSteps(n); return this; }
    /** @param d the episode's longest wall time, or null for none */
    public EpisodeRunner maxTime(Duration d) { if (d != null) { builder.maxTime(d); } return this; }
    public EpisodeRunner acting(boolean a) { builder.acting(a); return this; }
    public EpisodeRunner skillFolder(SkillFolder f) { builder.skillFolder(f); return this; }
    public EpisodeRunner correctionHolds(int steps) { builder.correctionHolds(steps); return this; }
    public EpisodeRunner history(AgentLoop.History h) { builder.history(h); return this; }

    /** Where its steps are written; null when it is not recorded. */
    public EpisodeRunner recorder(EpisodeRecorder r) {
        return listener(r);
    }

    /** Told each step, in the order added; null adds nothing (an operator or collector the caller does not have). */
    public EpisodeRunner listener(StepListener l) {
        if (l != null) {
            builder.listener(l);
        }
        return this;
    }

    /** Told the loop before it runs: to attach training, hot-swap, Ctrl-C or a stop button to it. */
    public EpisodeRunner started(Consumer<AgentLoop> s) {
        this.started = this.started.andThen(s);
        return this;
    }

    public Result run() {
        Map<String, Integer> by = new LinkedHashMap<>();
        int[] corrections = {0};
        builder.listener(new StepListener() {
            @Override
            public void onStep(Step step, Observation observation) {
                if (step.decision() != null) {
                    by.merge(step.decision().by(), 1, Integer::sum);
                }
                if (step.correction() != null) {
                    corrections[0]++;
                }
            }
        });
        AgentLoop loop = builder.build();
        started.accept(loop);
        long began = System.nanoTime();
        AgentLoop.EpisodeResult r = loop.run();
        double seconds = (System.nanoTime() - began) / 1e9;
        return new Result(r, corrections[0], Map.copyOf(by), seconds);
    }
}
