package dev.embody.loop;

import java.util.List;

/** Module 3: from the goal to the current subtask, re-planned on reflection; memory gives notes and similar past screens. */
public interface TaskInference {

    /** @param skills the skills as they stand now (they grow when the operator teaches one) */
    Task infer(Goal goal, Observation now, Scene scene, Reflection reflection, dev.embody.skill.SkillLibrary skills, Memory memory);

    /** Whether it has a plan for this goal at all; a goal no module understands is refused before an episode starts. */
    boolean understands(Goal goal);

    /** Goals it understands, as examples for a refusal ("collect all coins", "reach the flag"). */
    List<String> goals();
}
