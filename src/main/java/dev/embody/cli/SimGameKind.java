package dev.embody.cli;

import dev.embody.loop.InformationGathering;
import dev.embody.loop.Policy;
import dev.embody.loop.SelfReflection;
import dev.embody.loop.SkillCuration;
import dev.embody.loop.Target;
import dev.embody.loop.TaskInference;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillLibrary;
import dev.embody.skill.TagCuration;
import dev.embody.task.GoalTaskInference;

/** The embedded game, headless in simulated time (or on the wall clock, in a window). */
final class SimGameKind implements TargetKind {

    @Override
    public String name() {
        return "sim-game";
    }

    @Override
    public Target open(EpisodeSpec spec) {
        return new SimGameTarget(SimGame.of(spec.seed(), spec.difficulty(), spec.goal(), spec.timeLimit()), spec.realtime(), spec.view());
    }

    @Override
    public InformationGathering gathering(EpisodeSpec spec) {
        return GameSceneParser.forSimGame();
    }

    @Override
    public SelfReflection reflection() {
        return new SceneChangeReflection();
    }

    @Override
    public TaskInference tasks() {
        return new GoalTaskInference();
    }

    @Override
    public SkillCuration curation() {
        return new TagCuration();
    }

    @Override
    public Policy baseline(SkillLibrary library) {
        return new ScenePlannerPolicy(library);
    }
}
