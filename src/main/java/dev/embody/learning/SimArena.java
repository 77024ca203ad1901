package dev.embody.learning;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.profile.Profile;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Policy;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.memory.EpisodicMemory;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillLibrary;

import dev.embody.episode.EpisodeRecorder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Plays the embedded game headless through the full six-module loop (the agent sees only pixels), for demonstrations,
 * correction rounds and held-out evaluation. The oracle (sim.Oracle) and the simulated operator (sim.SimulatedOperator) get the game's true state.
 */
public final class SimArena {

    private final Profile profile;
    private final SkillLibrary library;
    private final int difficulty;
    private final long maxSteps;
    private final Duration timeLimit;

    /** @param profile builds the modules each episode runs (the sim game's) */
    public SimArena(Profile profile, SkillLibrary library, int difficulty, long maxSteps, Duration timeLimit) {
        this.profile = profile;
        this.library = library;
        this.difficulty = difficulty;
        this.maxSteps = maxSteps;
        this.timeLimit = timeLimit;
    }

    public SkillLibrary library() {
        return library;
    }

    /** The profile whose modules each episode runs. */
    public Profile profile() {
        return profile;
    }

    /** Who acts in an episode, made for its game: the policy, and watchers that may talk to the loop's inbox. */
    public interface Cast {
        Policy policy(SimGame game);

        default List<StepListener> watchers(SimGame game, OperatorInbox inbox, Policy policy) {
            return List.of();
        }
    }

    /** What one episode came to, and the examples its listeners collected. */
    public record Played(long seed, Goal goal, Outcome outcome, long steps, int corrections, List<Example> examples) {
        public boolean success() {
            return outcome == Outcome.SUCCESS;
        }
    }

    /**
     * One episode.
     *
     * @param collect turns its steps into examples (demonstration steps, corrections), or null
     */
    public Played play(long seed, Goal goal, Cast cast, ExampleCollector collect) throws Exception {
        return play(seed, goal, cast, g -> collect);
    }

    /** One episode; {@code collect} is made for its game (null: none), e.g. to label with the oracle's task. */
    public Played play(long seed, Goal goal, Cast cast, Function<SimGame, ExampleCollector> collectFor) throws Exception {
        return play(seed, goal, cast, collectFor, null);
    }

    /**
     * Where an episode is recorded, in the same format as {@code live} (so {@code replay} and {@code train} read it).
     *
     * @param root   the episodes folder
     * @param prefix the start of the episode's id (its seed is added)
     * @param facts  what ran, for meta.json (policy, round...)
     */
    public record Recording(Path root, String prefix, Map<String, Object> facts) {
    }

    /** One episode, recorded when {@code recording} is not null. */
    public Played play(long seed, Goal goal, Cast cast, Function<SimGame, ExampleCollector> collectFor, Recording recording) throws Exception {
        SimGame game = SimGame.of(seed, difficulty, goal, timeLimit);
        ExampleCollector collect = collectFor.apply(game);
        OperatorInbox inbox = new OperatorInbox();
        Policy policy = cast.policy(game);
        int[] corrections = {0};
        try (SimGameTarget target = new SimGameTarget(game); Modules modules = profile.modules(library).withPolicy(policy);
             EpisodeRecorder recorder = recording == null ? null : EpisodeRecorder.start(recording.root(),
                     recording.prefix() + "-s" + seed, target, facts(recording, goal, modules))) {
            AgentLoop.Builder b = AgentLoop.builder().target(target).library(library).modules(modules)
                    .memory(EpisodicMemory.inMemory()).goal(goal).inbox(inbox).maxSteps(maxSteps);
            b.listener(new StepListener() {
                @Override
                public void onStep(Step step, Observation observation) {
                    if (step.correction() != null) {
                        corrections[0]++;
                    }
                }
            });
            if (collect != null) {
                b.listener(collect);
            }
            if (recorder != null) {
                recorder.put("time_limit_s", timeLimit.toMillis() / 1000.0);
                b.listener(recorder);
            }
            for (StepListener w : cast.watchers(game, inbox, policy)) {
                b.listener(w);
            }
            AgentLoop.EpisodeResult r = b.build().run();
            return new Played(seed, goal, r.outcome(), r.steps(), corrections[0], collect == null ? List.of() : collect.take());
        }
    }

    private Map<String, Object> facts(Recording r, Goal goal, Modules modules) {
        Map<String, Object> m = EpisodeRecorder.facts(profile, modules, library, goal, difficulty);
        m.putAll(r.facts());
        return m;
    }

    /** Success rate of a policy with nobody correcting it, over the given seeds. */
    public Evaluation evaluate(Function<SimGame, Policy> policy, Goal goal, List<Long> seeds, Progress progress) throws Exception {
        List<Played> runs = new ArrayList<>();
        for (long s : seeds) {
            runs.add(play(s, goal, policy::apply, (ExampleCollector) null));
            progress.onEpisode(runs.size(), seeds.size());
        }
        return new Evaluation(runs);
    }

    public interface Progress {
        void onEpisode(int done, int total);

        static Progress none() {
            return (d, t) -> { };
        }
    }

    public record Evaluation(List<Played> runs) {
        public double successRate() {
            return runs.isEmpty() ? 0 : runs.stream().filter(Played::success).count() / (double) runs.size();
        }
    }
}
