package dev.embody.skill;

import dev.embody.loop.Entity;
import dev.embody.loop.Memory;
import dev.embody.loop.Scene;
import dev.embody.loop.SkillCuration;
import dev.embody.loop.Task;

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

    @Override
    public List<SkillCall> curate(Task task, Scene scene, SkillLibrary library, Memory memory) {
        Set<String> want = new HashSet<>(CommandWords.stems(task.subtask() + " " + task.kind()));
        Set<String> present = new HashSet<>();
        for (Entity e : scene.entities()) {
            present.add(e.kind());
        }
        Map<SkillCall, Double> fit = new LinkedHashMap<>();
        List<SkillCall> always = new ArrayList<>();
        for (SkillCall c : library.commands()) {
            if (!present.containsAll(library.entitiesNeeded(c))) {
                continue;
            }
            Skill s = library.skill(c.skill()).orElseThrow();
            double score = 0;
            for (String w : CommandWords.of(library, c)) {
                score += want.contains(w) ? 1 : 0;
            }
            for (String w : CommandWords.purpose(s)) {
                score += want.contains(w) ? 0.5 : 0;
            }
            score += s.tags().contains(task.kind()) ? 2 : 0;
            if (score > 0) {
                fit.put(c, score);
            } else if (s.tags().stream().anyMatch(ALWAYS::contains)) {
                always.add(c);
            }
        }
        List<SkillCall> ranked = new ArrayList<>(fit.keySet());
        ranked.sort(Comparator.comparingDouble((SkillCall c) -> -fit.get(c)));
        ranked.addAll(always);
        return Prohibitions.apply(ranked, library, memory, "curation");
    }
}
