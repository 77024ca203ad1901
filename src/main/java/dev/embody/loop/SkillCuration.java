package dev.embody.loop;

import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.List;

/** Module 4: the commands of the library that fit the task now, best first; memory's standing notes may rule some out. */
public interface SkillCuration {

    List<SkillCall> curate(Task task, Scene scene, SkillLibrary library, Memory memory);
}
