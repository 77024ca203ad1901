package dev.embody.cli;

import dev.embody.loop.Goal;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Policy;
import dev.embody.loop.SelfReflection;
import dev.embody.loop.SkillCuration;
import dev.embody.loop.Target;
import dev.embody.loop.TaskInference;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.skill.SkillLibrary;
import dev.embody.skill.TagCuration;
import dev.embody.task.GoalTaskInference;

import java.time.Duration;
import java.util.Map;

/**
 * How the commands build an agent for one kind of target (sim-game, desktop, sim-robot...): the target for an
 * episode and the local implementation of each module. Each kind is one class; {@link TargetKinds} lists them.
 */
interface TargetKind {

    /** The --target name. */
    String name();

    /** The target for one episode. */
    Target open(EpisodeSpec spec) throws Exception;

    /** A fresh information-gathering module (one per episode: implementations may keep native buffers). */
    InformationGathering gathering(EpisodeSpec spec) throws Exception;

    // the grid game's modules are the defaults: the embedded game, and desktop programs that show one; robots override

    default SelfReflection reflection() {
        return new SceneChangeReflection();
    }

    default TaskInference tasks() {
        return new GoalTaskInference();
    }

    default SkillCuration curation() {
        return new TagCuration();
    }

    /** The skills folder when --skills is not given; a kind may take it from its options (a calibration file). */
    default java.nio.file.Path skills(Map<String, String> options) throws Exception {
        return java.nio.file.Path.of("skills", skillsFolder());
    }

    /** What its actuator can carry out: its skills are checked against it (the grid game's keyboard by default). */
    default dev.embody.skill.TargetPrimitives primitives() {
        return new dev.embody.skill.TargetPrimitives(name(), dev.embody.actuation.KeyTrackingActuator.PRIMITIVES);
    }

    /** The local baseline policy. */
    default Policy baseline(SkillLibrary library) {
        return new ScenePlannerPolicy(library);
    }

    /** The folder under skills/ its skills live in (several kinds may share one). */
    default String skillsFolder() {
        return name();
    }

    /** The goal when --goal is not given. */
    default String defaultGoal() {
        return "collect all coins";
    }

    /** After the last episode: let go of what the kind kept across episodes (an embedded broker). */
    default void finish() {
    }

    /**
     * What one episode is asked to be.
     *
     * @param options target-specific settings from the command line (calibration file, broker URL...), by option name
     */
    record EpisodeSpec(long seed, int difficulty, Goal goal, Duration timeLimit, boolean realtime,
                       java.util.function.Consumer<dev.embody.loop.Frame> view, Map<String, String> options) {
    }
}
