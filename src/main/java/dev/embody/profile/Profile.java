package dev.embody.profile;

import dev.embody.correction.StickMapping;
import dev.embody.file.BadFileException;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Policy;
import dev.embody.loop.Target;
import dev.embody.skill.SkillLibrary;

import java.nio.file.Path;
import java.util.Map;

/**
 * What makes a target a target: one profile per kind (the sim game, a desktop program, the sim robot, a robot), built
 * from its typed configuration. It opens the target for an episode and builds the six modules, names the skills
 * folder, the goals its modules understand and what a gamepad's stick commands, and describes itself for an episode's
 * meta.json, so replay, training and evaluation rebuild the very agent that was recorded. Every command builds its
 * agent from a profile ({@link Profiles}); nothing else wires modules.
 */
public interface Profile extends AutoCloseable {

    /** The --target name: sim-game, desktop, sim-robot, robot. */
    String name();

    /** Where its skills live (and skills taught at run time are written). */
    Path skillsDir();

    /** Its skills, checked against what its actuator can carry out. */
    default SkillLibrary skills() throws BadFileException {
        return SkillLibrary.load(skillsDir(), primitives());
    }

    /** What its actuator can carry out: its skills are checked against it (the grid game's keyboard by default). */
    default dev.embody.skill.TargetPrimitives primitives() {
        return new dev.embody.skill.TargetPrimitives(name(), dev.embody.actuation.KeyTrackingActuator.PRIMITIVES);
    }

    /**
     * Fresh modules for one episode (they keep state across steps), planning with the profile's baseline policy.
     *
     * @throws BadFileException a calibration file the modules need is missing or wrong
     */
    Modules modules(SkillLibrary library) throws Exception;

    /** The local baseline policy alone (what {@code --policy baseline} names). */
    default Policy baseline(SkillLibrary library) throws Exception {
        try (Modules m = modules(library)) {
            return m.policy();
        }
    }

    /** The target for one episode: a game, a window on the desktop, a robot over MQTT. */
    Target open(EpisodeSpec spec) throws Exception;

    /**
     * The target as a person plays it through its own input, for a demonstration ({@code ./run record}), each event
     * written to {@code input}; null where a person acts only through embody (a robot: the console's command buttons,
     * or a gamepad).
     */
    default PlayedTarget play(EpisodeSpec spec, dev.embody.loop.InputLog input) throws Exception {
        return null;
    }

    Goal defaultGoal();

    /**
     * Refuses a goal none of its modules has a plan for, naming the goals they understand.
     *
     * @throws IllegalArgumentException naming the goal and the goals it knows
     */
    default void checkGoal(Goal goal, SkillLibrary library) throws Exception {
        try (Modules m = modules(library)) {
            if (!m.tasks().understands(goal)) {
                throw new IllegalArgumentException("the " + name() + " profile has no plan for the goal '" + goal + "'; its "
                        + m.tasks().getClass().getSimpleName() + " understands: '" + String.join("', '", m.tasks().goals()) + "'" + goalHint());
            }
        }
    }

    /** Where a person can declare more goals, for the refusal's message. */
    default String goalHint() {
        return "";
    }

    /** Where its long-term memory lives: memory/NAME (a desktop program has its own). */
    default String memoryName() {
        return name();
    }

    /** Its learned policy's checkpoints under {@code dir}: one folder per program, as its memory (a desktop program has its own). */
    default dev.embody.learning.Checkpoints checkpoints(java.nio.file.Path dir) {
        return dev.embody.learning.Checkpoints.forTarget(dir, memoryName());
    }

    /**
     * Words of its world (the things its scenes hold: "coin", "lava", "marker"): the correction parser takes them for
     * real words, never for typos of a command word.
     */
    default java.util.Set<String> words() {
        return java.util.Set.of();
    }

    /** What a gamepad's stick directions command on this target. */
    StickMapping stick(SkillLibrary library);

    /**
     * A window that shows the episode's frames as they are made ({@code live --window}; {@code record}, where the person
     * plays through embody's input), or null where the target is a window of its own on the screen.
     */
    default java.util.function.Consumer<dev.embody.loop.Frame> window(String title) {
        return null;
    }

    /** Whether its targets can answer with the true best command ({@link #oracle}): only a simulator knows it. */
    default boolean hasOracle() {
        return false;
    }

    /** A policy that reads the target's true state ({@code --policy oracle}); empty where the target has none. */
    default java.util.Optional<Policy> oracle(Target target, SkillLibrary library) {
        return java.util.Optional.empty();
    }

    /**
     * An operator simulated from the target's true state ({@code --sim-operator}), saying corrections into {@code inbox};
     * empty where the target has no true state to read.
     */
    default java.util.Optional<dev.embody.correction.SimulatedCorrector> simulatedOperator(Target target, SkillLibrary library,
            dev.embody.correction.CorrectionParser parser, dev.embody.loop.OperatorInbox inbox, long seed) {
        return java.util.Optional.empty();
    }

    /**
     * How a candidate policy is judged before it replaces the one in use. Where the profile has no simulator: agreement
     * on its held-out recorded episodes (never trained on) under {@code episodesDir}, rejected only when worse beyond the
     * interval; empty when there are none (or {@code episodes} is 0).
     *
     * @param episodes how many held-out situations a simulator plays (a real target uses what was recorded)
     */
    default java.util.Optional<dev.embody.learning.Gate> gate(SkillLibrary library, int episodes, java.nio.file.Path episodesDir,
                                                            dev.embody.learning.Gate.Progress progress) throws java.io.IOException {
        if (episodes <= 0) {
            return java.util.Optional.empty();
        }
        return dev.embody.learning.HeldOutEpisodes.of(episodesDir, name()).gate(() -> modules(library), library, progress);
    }

    /**
     * What its learned policy reads: the frames at this resolution, stacked, and the extras only this target can compute.
     * A checkpoint records it and loads only where it is the same.
     */
    default dev.embody.planning.InputSpec inputSpec() {
        return new dev.embody.planning.InputSpec(64, 36, 3, 32, java.util.List.of("target"));
    }

    /** How its learned policy picks from the network's distribution, and the hand-written vetoes it adds. */
    default dev.embody.planning.PolicyRules policyRules() {
        return dev.embody.planning.PolicyRules.defaults();
    }

    /**
     * Whether its learned policy's input is chosen by {@code train} from the demonstrations' frames (a desktop program
     * whose calibration declares none) rather than {@link #inputSpec()}; a checkpoint keeps what was chosen.
     */
    default boolean choosesInput() {
        return false;
    }

    /**
     * What its data declares of the learned policy's choice rules, the rest chosen by {@code train} from what the person
     * did and kept in the checkpoint; null where the profile's rules are its own ({@link #policyRules()}, not chosen).
     */
    default dev.embody.planning.DeclaredRules declaredRules() {
        return null;
    }

    /**
     * Whether {@code train} reads a new policy's input centred and scaled per channel by its training steps' statistics
     * (its data declares it: a calibration's policy.normalise); false: levels over 255, as every checkpoint before them.
     */
    default boolean normalisesInput() {
        return false;
    }

    /** The rules a checkpoint's policy plays by here: the profile's, or what the checkpoint recorded where the data declares none. */
    default dev.embody.planning.PolicyRules policyRules(dev.embody.learning.Checkpoint c) {
        dev.embody.planning.DeclaredRules d = declaredRules();
        if (d == null) {
            return policyRules();
        }
        dev.embody.planning.PolicyRules base = dev.embody.planning.PolicyRules.defaults();
        return d.apply(base, c.greedy() != null ? c.greedy() : base.sampleSeed() < 0, c.loopBreaking() != null ? c.loopBreaking() : base.breakLoops())
                .withStillScreen(c.stillScreen());
    }

    /**
     * Whether this profile can compute an input a checkpoint was trained for: its own spec, or another it knows how
     * to build (the sim game's with or without the waypoint).
     */
    default boolean reads(dev.embody.planning.InputSpec spec) {
        return inputSpec().equals(spec);
    }

    /** The learned policy a checkpoint holds, for this profile (refused, naming both, if it was trained for an input it cannot compute). */
    default dev.embody.planning.LearnedPolicy load(dev.embody.learning.Checkpoints store, dev.embody.learning.Checkpoint c)
            throws BadFileException {
        dev.embody.planning.InputSpec trained = c.spec();
        return store.load(c, trained != null && reads(trained) ? trained : inputSpec(), policyRules(c), name());
    }

    /** The checkpoint in use, read by this profile (the newest that loads where that one does not); empty when there is none. */
    default java.util.Optional<dev.embody.learning.Checkpoints.Loaded> loadInUse(dev.embody.learning.Checkpoints store)
            throws java.io.IOException, BadFileException {
        return store.loadInUse(c -> load(store, c));
    }

    /** A fresh, untrained learned policy over a library, for this profile. */
    default dev.embody.planning.LearnedPolicy untrained(SkillLibrary library, long seed) {
        return dev.embody.planning.LearnedPolicy.untrained(inputSpec(), library, policyRules(), seed);
    }

    /** As {@link #untrained(SkillLibrary, long)}, reading an input chosen for it ({@link #choosesInput()}). */
    default dev.embody.planning.LearnedPolicy untrained(SkillLibrary library, long seed, dev.embody.planning.InputSpec spec) {
        return dev.embody.planning.LearnedPolicy.untrained(spec, library, policyRules(), seed);
    }

    /**
     * Whether its recorded episodes are split for the gate: training leaves the held-out ones out. A profile whose
     * simulator scores candidates trains on every episode.
     */
    default boolean holdsOutEpisodes() {
        return true;
    }

    /**
     * Why its target stands still while a model thinks at a step, so the loop may wait for the model there
     * ({@code --vlm-wait}); empty where the target goes on meanwhile (a program on the wall clock, a robot), and the
     * model must answer beside the loop.
     */
    default java.util.Optional<String> stillWhileThinking() {
        return java.util.Optional.empty();
    }

    /** Its configuration for an episode's meta.json ("profile"): enough for {@link Profiles#fromEpisode} to rebuild it. */
    Map<String, Object> describe();

    /** After the last episode: lets go of what it kept across episodes (an embedded broker). */
    @Override
    default void close() {
    }
}
