package dev.embody.loop;

import dev.embody.skill.SkillCall;

import java.util.List;

/**
 * Everything a policy may look at: the pixels (a learned policy reads those), the parsed scene, the task, the
 * reflection, the curated candidates, the previous command (null on the first step) and memory (notes, recollections).
 */
public record PlanningContext(Observation observation, Scene scene, Task task, Reflection reflection,
                              List<SkillCall> candidates, SkillCall previous, Memory memory) {

    public List<String> notes() {
        return memory == null ? List.of() : memory.notes();
    }
}
