package dev.embody.cli;

import dev.embody.learning.Checkpoints;
import dev.embody.learning.Gate;
import dev.embody.learning.PeriodicTraining;
import dev.embody.profile.Arena;
import dev.embody.learning.Trainer;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Modules;
import dev.embody.loop.Target;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code live --policy} chose: the profile's baseline, the oracle (sim-game demonstrations), or a learned
 * checkpoint with periodic fine-tuning. The modules are always the profile's; only the policy among them changes.
 */
final class LivePolicy implements AutoCloseable {

    private final String choice;
    private final String baselineName;
    private final PeriodicTraining training;
    /** In a fleet: publishes the examples, and (following) runs the fleet's policy instead of training here. */
    private final dev.embody.fleet.FleetAgent fleet;

    private LivePolicy(String choice, String baselineName, PeriodicTraining training) {
        this(choice, baselineName, training, null);
    }

    private LivePolicy(String choice, String baselineName, PeriodicTraining training, dev.embody.fleet.FleetAgent fleet) {
        this.choice = choice;
        this.baselineName = baselineName;
        this.training = training;
        this.fleet = fleet;
    }

    /**
     * {@code live --fleet}: with --policy learned (or fleet) the agent runs the fleet's announced policy, swapped in as
     * it changes (until one comes: the checkpoint in use here, else an untrained one); with baseline or oracle it only
     * publishes its examples. Either way every example goes to the fleet's trainers, none is trained on here.
     */
    static LivePolicy fleet(CommandSpec spec, String choice, Profile profile, SkillLibrary library, Path checkpointsDir,
                            dev.embody.fleet.FleetAgent.Settings settings, Duration wait) throws Exception {
        String baseline = profile.baseline(library).name();
        boolean follow = "learned".equals(choice) || "fleet".equals(choice);
        boolean base = "baseline".equals(choice) || choice.equals(baseline);
        if (!follow && !base && !"oracle".equals(choice)) {
            throw new ParameterException(spec.commandLine(), "--fleet runs --policy learned (the fleet's; also 'fleet'), baseline or oracle, got '"
                    + choice + "': a pinned checkpoint would not follow the fleet");
        }
        if ("oracle".equals(choice) && !profile.hasOracle()) {
            throw new ParameterException(spec.commandLine(), "--policy oracle needs the game's true state: only for --target sim-game");
        }
        dev.embody.fleet.FleetAgent.Settings s = new dev.embody.fleet.FleetAgent.Settings(settings.broker(), settings.fleet(), settings.agent(),
                settings.dir(), follow, settings.resendAfter(), settings.fetchTimeout());
        dev.embody.fleet.FleetAgent agent;
        try {
            agent = dev.embody.fleet.FleetAgent.join(s, profile, library);
        } catch (dev.embody.fleet.FleetAgent.IdInUse e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (follow && agent.awaitPolicy(wait) == null) {
            Checkpoints store = profile.checkpoints(checkpointsDir);
            java.util.Optional<Checkpoints.Loaded> local = profile.loadInUse(store);
            LearnedPolicy start = local.map(Checkpoints.Loaded::policy).orElseGet(() -> profile.untrained(library, 1));
            org.slf4j.LoggerFactory.getLogger(LivePolicy.class).warn("fleet {}: no policy announced within {} s; starting with {} until one is",
                    settings.fleet(), wait.toSeconds(), local.isPresent() ? start.version() + " from " + store.root() : "an untrained policy");
            agent.startWith(start);
        }
        return new LivePolicy(follow ? "fleet" : base ? "baseline" : choice, baseline, null, agent);
    }

    /** @param episodesDir the recorded episodes: earlier examples to replay, and the held-out ones the gate scores on */
    static LivePolicy choose(CommandSpec spec, String choice, Profile profile, SkillLibrary library, Path checkpointsDir,
                             int trainEvery, double trainMinutes, int gateEpisodes, Path episodesDir) throws Exception {
        String baseline = profile.baseline(library).name();
        if ("baseline".equals(choice) || choice.equals(baseline)) {
            return new LivePolicy("baseline", baseline, null);
        }
        if ("scene-planner".equals(choice)) {
            throw new ParameterException(spec.commandLine(), "--policy scene-planner: the " + profile.name() + " profile's baseline is '"
                    + baseline + "'; say --policy baseline");
        }
        if ("oracle".equals(choice)) {
            if (!profile.hasOracle()) {
                throw new ParameterException(spec.commandLine(), "--policy oracle needs the game's true state: only for --target sim-game");
            }
            return new LivePolicy(choice, baseline, null);
        }
        Checkpoints store = profile.checkpoints(checkpointsDir);
        if (!"learned".equals(choice)) {
            try {
                Checkpoints.normalise(choice);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--policy must be baseline, learned, oracle or a checkpoint version such as v0003, got '" + choice + "'");
            }
        }
        LearnedPolicy p = ChosenCheckpoint.load(spec, profile, store, choice, library, "./run train or ./run improve").policy();
        Gate gate = profile.gate(library, gateEpisodes, episodesDir, Gate.Progress.none()).orElse(null);
        // what was recorded before is replayed, so a fine-tune on new corrections does not forget it
        List<dev.embody.learning.Example> earlier;
        java.util.Set<String> held = dev.embody.learning.HeldOutEpisodes.heldOutIds(episodesDir, profile.name());
        try (Modules m = profile.modules(library)) {
            earlier = dev.embody.learning.EpisodeExamples.collect(episodesDir, profile.name(), m.gathering(), p.spec(),
                    e -> !profile.holdsOutEpisodes() || !held.contains(e.id())).examples();
        }
        PeriodicTraining t = new PeriodicTraining(p, store, library.version(), gate, c -> profile.load(store, c),
                new Trainer.Options(20, 64, 2e-3f, 200, 1),
                new PeriodicTraining.Schedule(trainEvery, Duration.ofMillis((long) (trainMinutes * 60_000))), earlier);
        return new LivePolicy(choice, baseline, t);
    }

    String name() {
        if (fleet != null && "fleet".equals(choice)) {
            return fleet.current() == null ? "fleet (none yet)" : fleet.current().name();
        }
        return training != null ? training.current().name() : "baseline".equals(choice) ? baselineName : choice;
    }

    /** The profile's modules for an episode, planning with the chosen policy. */
    Modules modules(Profile profile, SkillLibrary library, Target t) throws Exception {
        Modules m = profile.modules(library);
        if (fleet != null && "fleet".equals(choice)) {
            return m.withPolicy(fleet.current().adapt(library));
        }
        if (training != null) {
            dev.embody.loop.Policy learned = training.current().adapt(library);
            var model = dev.embody.profile.Profiles.modelSession(profile);
            if (model.isPresent() && dev.embody.profile.Profiles.moduleChoice(profile).byModel("plan")) {
                // distillation: the learned policy acts where it is sure, the model is asked where it is not
                var s = model.get();
                return m.withPolicy(new dev.embody.planning.WithModelNotes(new dev.embody.planning.AskWhenUnsure(learned,
                        new dev.embody.planning.VlmPolicy(learned, s, library), dev.embody.profile.Profiles.moduleChoice(profile).confidence()), s));
            }
            return m.withPolicy(learned);
        }
        if ("oracle".equals(choice)) {
            return profile.oracle(t, library).map(m::withPolicy).orElse(m);
        }
        return m;
    }

    /** The trainer, for the console's training panel; null when the policy is not learned. */
    dev.embody.learning.TrainingStatus training() {
        return fleet != null ? fleet : training;
    }

    /** @param episodeId the episode's id: a fleet example's id is agent/episode/step */
    void attach(AgentLoop loop, String episodeId) {
        if (training != null) {
            training.attach(loop);
        }
        if (fleet != null) {
            fleet.attach(loop, episodeId);
        }
    }

    @Override
    public void close() {
        if (training != null) {
            training.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }
}
