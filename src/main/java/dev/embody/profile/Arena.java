package dev.embody.profile;

import dev.embody.episode.EpisodeRecorder;
import dev.embody.episode.EpisodeRunner;
import dev.embody.learning.Example;
import dev.embody.learning.ExampleCollector;
import dev.embody.learning.Gate;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Policy;
import dev.embody.loop.Rate;
import dev.embody.loop.StepListener;
import dev.embody.loop.Target;
import dev.embody.skill.SkillLibrary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Plays episodes of a profile's target through the one loop and the profile's modules (the agent sees only what the
 * target shows), for demonstrations, correction rounds, held-out evaluation and the gate: the embedded game headless in
 * simulated time, or a program on the desktop in real time. Who plays and who watches is the {@link Cast}'s: for the
 * simulator they may read the game's true state (the oracle, the simulated operator); for a real program, a scripted
 * demonstrator sees only the screen.
 */
public final class Arena {

    private final Profile profile;
    private final SkillLibrary library;
    private final int difficulty;
    private final long maxSteps;
    private final Duration timeLimit;
    private final boolean realtime;
    private final Duration period;

    /**
     * @param profile   builds the target and the modules each episode runs
     * @param maxSteps  steps an episode may take at most
     * @param timeLimit the target's own time limit (game seconds)
     * @param realtime  on the wall clock (a desktop program), or in the target's simulated time
     * @param period    the loop's step period (zero: as fast as the modules go)
     */
    public Arena(Profile profile, SkillLibrary library, int difficulty, long maxSteps, Duration timeLimit, boolean realtime, Duration period) {
        this.profile = profile;
        this.library = library;
        this.difficulty = difficulty;
        this.maxSteps = maxSteps;
        this.timeLimit = timeLimit;
        this.realtime = realtime;
        this.period = period;
    }

    public SkillLibrary library() {
        return library;
    }

    /** The profile whose target and modules each episode runs. */
    public Profile profile() {
        return profile;
    }

    /** Who acts in an episode, made for its target: the policy, and watchers that may talk to the loop's inbox. */
    public interface Cast {
        Policy policy(Target target);

        default List<StepListener> watchers(Target target, OperatorInbox inbox, Policy policy) {
            return List.of();
        }
    }

    /** What one episode came to, and the examples its listeners collected. */
    public record Played(long seed, Goal goal, Outcome outcome, long steps, int corrections, List<Example> examples, Map<String, Object> score) {
        public boolean success() {
            return outcome == Outcome.SUCCESS;
        }
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

    /** One episode with nobody collecting or recording. */
    public Played play(long seed, Goal goal, Cast cast) throws Exception {
        return play(seed, goal, cast, t -> null, null);
    }

    /**
     * One episode.
     *
     * @param collectFor turns its steps into examples (made for its target, e.g. to label with the oracle's task), or null
     * @param recording  where it is recorded, or null
     */
    public Played play(long seed, Goal goal, Cast cast, Function<Target, ExampleCollector> collectFor, Recording recording) throws Exception {
        OperatorInbox inbox = new OperatorInbox();
        try (Target target = profile.open(new EpisodeSpec(seed, difficulty, goal, timeLimit, realtime, null))) {
            ExampleCollector collect = collectFor.apply(target);
            Policy policy = cast.policy(target);
            try (Modules modules = profile.modules(library).withPolicy(policy);
                 EpisodeRecorder recorder = recording == null ? null : EpisodeRecorder.start(recording.root(),
                         recording.prefix() + "-s" + seed, target, facts(recording, goal, modules))) {
                if (recorder != null) {
                    recorder.put("time_limit_s", timeLimit.toMillis() / 1000.0);
                }
                EpisodeRunner run = EpisodeRunner.of(target, library, modules).goal(goal).inbox(inbox).maxSteps(maxSteps).period(period)
                        .listener(collect).recorder(recorder);
                for (StepListener w : cast.watchers(target, inbox, policy)) {
                    run.listener(w);
                }
                EpisodeRunner.Result r = run.run();
                return new Played(seed, goal, r.outcome(), r.steps(), r.corrections(), collect == null ? List.of() : collect.take(), target.score());
            }
        }
    }

    private Map<String, Object> facts(Recording r, Goal goal, Modules modules) {
        Map<String, Object> m = EpisodeRecorder.facts(profile.describe(), modules, library, goal, difficulty);
        m.putAll(r.facts());
        return m;
    }

    /** A policy played on the given seeds with nobody correcting it. */
    public Evaluation evaluate(Function<Target, Policy> policy, Goal goal, List<Long> seeds, Gate.Progress progress) throws Exception {
        List<Played> runs = new ArrayList<>();
        for (long s : seeds) {
            runs.add(play(s, goal, policy::apply));
            progress.onEpisode(runs.size(), seeds.size());
        }
        return new Evaluation(runs);
    }

    /** Episodes played with nobody correcting: success with its interval. */
    public record Evaluation(List<Played> runs) {
        public Rate success() {
            return new Rate(runs.stream().filter(Played::success).count(), runs.size());
        }
    }
}
