package dev.embody.curation;

import dev.embody.loop.Memory;
import dev.embody.loop.Scene;
import dev.embody.loop.SkillCuration;
import dev.embody.loop.Task;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.List;

/**
 * Skill curation by tags: the commands of skills tagged with the task's kind ("navigate", "explore"...), plus skills
 * tagged "any", less what the operator's standing notes forbid. A task no skill is tagged for gets every command, so
 * the planner is never left with nothing.
 */
public final class TagCuration implements SkillCuration {

    @Override
    public List<SkillCall> curate(Task task, Scene scene, SkillLibrary library, Memory memory) {
        List<SkillCall> fit = library.commands().stream()
                .filter(c -> {
                    var tags = library.skill(c.skill()).orElseThrow().tags();
                    return tags.contains(task.kind()) || tags.contains("any");
                })
                .toList();
        return Prohibitions.apply(fit.isEmpty() ? library.commands() : fit, library, memory, "curation");
    }
}
