package dev.embody.cli;

import dev.embody.learning.Checkpoint;
import dev.embody.learning.Checkpoints;
import dev.embody.learning.Gate;
import dev.embody.learning.Improvement;
import dev.embody.learning.PeriodicTraining;
import dev.embody.learning.SimArena;
import dev.embody.learning.Trainer;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Policy;
import dev.embody.loop.Target;
import dev.embody.planning.LearnedPolicy;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

/** What {@code live --policy} chose: the scene planner, the oracle (demonstrations), or a learned checkpoint with periodic fine-tuning. */
final class LivePolicy implements AutoCloseable {

    private final String choice;
    private final SkillLibrary library;
    private final PeriodicTraining training;

    private LivePolicy(String choice, SkillLibrary library, PeriodicTraining training) {
        this.choice = choice;
        this.library = library;
        this.training = training;
    }

    static LivePolicy choose(CommandSpec spec, String choice, String target, SkillLibrary library, Path checkpointsDir,
                             int trainEvery, double trainMinutes, int gateEpisodes) throws Exception {
        if ("scene-planner".equals(choice)) {
            return new LivePolicy(choice, library, null);
        }
        if ("oracle".equals(choice)) {
            if (!"sim-game".equals(target)) {
                throw new ParameterException(spec.commandLine(), "--policy oracle needs the game's true state: only for --target sim-game");
            }
            return new LivePolicy(choice, library, null);
        }
        Checkpoints store = Checkpoints.forTarget(checkpointsDir, target);
        LearnedPolicy p;
        if ("learned".equals(choice)) {
            // the checkpoint in use, or the newest that loads; none that loads is a bad file (exit 3)
            p = store.loadInUse().orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--policy learned: no checkpoint under " + store.root() + " (train one with ./run train or ./run improve)")).policy();
        } else {
            String v;
            try {
                v = Checkpoints.normalise(choice);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--policy must be scene-planner, learned, oracle or a checkpoint version such as v0003, got '" + choice + "'");
            }
            Checkpoint c = store.find(v).orElseThrow(() -> new ParameterException(spec.commandLine(), "--policy " + choice + ": no checkpoint " + v + " under " + store.root()));
            p = store.load(c);
        }
        if (!p.commands().equals(LearnedPolicy.names(library))) {
            p = p.grownTo(library);
        }
        Gate.Scorer scorer = null;
        if (gateEpisodes > 0 && "sim-game".equals(target)) {
            SimArena arena = SimArena.defaults(library);
            List<Long> seeds = LongStream.range(Improvement.EVAL_SEEDS, Improvement.EVAL_SEEDS + gateEpisodes).boxed().toList();
            scorer = q -> arena.evaluate(g -> q, Goal.COLLECT_COINS, seeds, SimArena.Progress.none()).successRate();
        }
        PeriodicTraining t = new PeriodicTraining(p, store, library.version(), scorer, new Trainer.Options(20, 64, 2e-3f, 200, 1),
                new PeriodicTraining.Schedule(trainEvery, Duration.ofMillis((long) (trainMinutes * 60_000))), List.of());
        return new LivePolicy(choice, library, t);
    }

    String name() {
        return training != null ? training.current().name() : choice;
    }

    Policy policyFor(Target t, Policy baseline) {
        if (training != null) {
            return training.current();
        }
        if ("oracle".equals(choice) && t instanceof SimGameTarget s) {
            return new dev.embody.sim.Oracle(library).asPolicy(s.game());
        }
        return baseline;
    }

    void attach(AgentLoop loop) {
        if (training != null) {
            training.attach(loop);
        }
    }

    @Override
    public void close() {
        if (training != null) {
            training.close();
        }
    }
}
