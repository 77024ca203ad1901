package dev.embody.curation;

import dev.embody.loop.Entity;
import dev.embody.loop.Memory;
import dev.embody.loop.Scene;
import dev.embody.loop.SkillCuration;
import dev.embody.loop.Task;
import dev.embody.skill.CommandWords;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Skill curation for a program embody knows nothing about: ranks the commands by how well their words and tags fit the
 * subtask, keeps those that fit (best first) and the ones for waiting, and drops what cannot run now: a command that
 * points at an entity the scene does not hold ("click the save button" with no save button on screen), and what a
 * standing note forbids.
 */
public final class FitCuration implements SkillCuration {

    /** Tags of the skills kept whatever the subtask: waiting, and what a skill says serves any task. */
    private static final Set<String> ALWAYS = Set.of("idle", "any");

    /** A skill that fits by its purpose but none of whose values the subtask names keeps this many of its commands. */
    private static final int UNNAMED_PER_SKILL = 3;

    @Override
    public List<SkillCall> curate(Task task, Scene scene, SkillLibrary library, Memory memory) {
        Set<String> want = new HashSet<>(CommandWords.stems(task.subtask() + " " + task.kind()));
        Set<String> present = new HashSet<>();
        for (Entity e : scene.entities()) {
            present.add(e.kind());
        }
        Map<SkillCall, Double> fit = new LinkedHashMap<>();
        Map<String, List<SkillCall>> fittingSkills = new LinkedHashMap<>();
        List<SkillCall> always = new ArrayList<>();
        for (SkillCall c : library.commands()) {
            if (!present.containsAll(library.entitiesNeeded(c))) {
                continue;
            }
            Skill s = library.skill(c.skill()).orElseThrow();
            double skillScore = 0, valueScore = 0;
            for (String w : CommandWords.of(library, c)) {
                skillScore += want.contains(w) ? 0.5 : 0;
            }
            for (String w : CommandWords.purpose(s)) {
                skillScore += want.contains(w) ? 0.5 : 0;
            }
            for (String w : CommandWords.values(library, c)) {
                valueScore += want.contains(w) ? 2 : 0;
            }
            double tag = s.tags().contains(task.kind()) ? 2 : 0;
            if (valueScore > 0 || s.parameters().isEmpty() && skillScore + tag > 0) {
                fit.put(c, valueScore + skillScore + tag);
            } else if (skillScore + tag > 0) {
                fittingSkills.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(c);
            } else if (s.tags().stream().anyMatch(ALWAYS::contains)) {
                always.add(c);
            }
        }
        List<SkillCall> ranked = new ArrayList<>(fit.keySet());
        ranked.sort(Comparator.comparingDouble((SkillCall c) -> -fit.get(c)));
        // a skill the subtask names without naming which of its commands: a few of them, after the named ones
        fittingSkills.forEach((skill, commands) -> {
            if (ranked.stream().noneMatch(c -> c.skill().equals(skill))) {
                ranked.addAll(commands.subList(0, Math.min(UNNAMED_PER_SKILL, commands.size())));
            }
        });
        ranked.addAll(always);
        return Prohibitions.apply(ranked, library, memory, "curation");
    }
}
