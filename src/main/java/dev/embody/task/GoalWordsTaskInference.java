package dev.embody.task;

import dev.embody.loop.Entity;
import dev.embody.loop.Goal;
import dev.embody.loop.ImageSignature;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.loop.TaskInference;
import dev.embody.skill.CommandWords;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillLibrary;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Task inference for a program with no parser, from words: the goal's, the operator's standing notes, the skills'
 * names, tags and descriptions, and the names of the templates on screen. The subtask says what to do next and why:
 * "collect all the gems: use jump, move (their descriptions fit the goal)", or "click template:save (on screen, named by
 * the goal)". It understands the goals its profile declares and "follow the operator" (wait for the operator's
 * commands), and refuses the rest up front. A similar past screen in memory is named in the subtask.
 */
public final class GoalWordsTaskInference implements TaskInference {

    /** The goal every profile understands: do nothing but what the operator says. */
    public static final Goal FOLLOW = new Goal("follow the operator");
    private static final Set<String> FOLLOW_WORDS = Set.of("follow the operator", "wait for commands", "do what i say", "follow me");
    /** A past screen this close (mean per thumbnail cell) is "a screen like this". */
    private static final double LIKE = 0.02;

    private final List<String> declared;
    private ImageSignature recalledFor;
    private String recalled = "";

    /**
     * @param declared goals the profile declares it can pursue (its calibration's {@code goals:}), in words
     */
    public GoalWordsTaskInference(List<String> declared) {
        this.declared = List.copyOf(declared);
    }

    @Override
    public boolean understands(Goal goal) {
        if (FOLLOW_WORDS.contains(goal.text())) {
            return true;
        }
        Set<String> words = new HashSet<>(CommandWords.stems(goal.text()));
        for (String d : declared) {
            if (words.equals(new HashSet<>(CommandWords.stems(d)))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<String> goals() {
        List<String> out = new ArrayList<>(declared);
        out.add(FOLLOW.text());
        return out;
    }

    @Override
    public Task infer(Goal goal, Observation now, Scene scene, Reflection reflection, SkillLibrary skills, Memory memory) {
        String notes = notesAbout(goal, memory);
        String seen = recollection(now, memory);
        if (FOLLOW_WORDS.contains(goal.text())) {
            return Task.of(goal.text(), "idle", "wait for the operator's commands" + notes + seen);
        }
        Set<String> want = new LinkedHashSet<>(CommandWords.stems(goal.text()));
        // a template on screen that the goal names: go for it
        for (Entity e : scene.entities()) {
            if (e.kind().startsWith("template:") && want.containsAll(CommandWords.stems(e.kind().substring("template:".length()).replace('_', ' ')))) {
                return new Task(goal.text(), "ui", "click " + e.kind() + " (on screen, named by the goal)" + notes + seen, e.kind(), e.x(), e.y());
            }
        }
        // else the skills whose purpose fits the goal, and the tag they share most
        List<String> fitting = new ArrayList<>();
        java.util.Map<String, Integer> tags = new java.util.TreeMap<>();
        for (Skill s : skills.skills()) {
            Set<String> purpose = CommandWords.purpose(s);
            purpose.retainAll(want);
            if (!purpose.isEmpty()) {
                fitting.add(s.name());
                s.tags().forEach(t -> tags.merge(t, 1, Integer::sum));
            }
        }
        String kind = tags.entrySet().stream().filter(e -> !e.getKey().equals("any"))
                .max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey).orElse("play");
        String stuck = reflection.stuck() ? "; the screen is not changing: try something else" : "";
        String how = fitting.isEmpty() ? "no skill's description names it" : "use " + String.join(", ", fitting) + " (their descriptions fit the goal)";
        return Task.of(goal.text(), reflection.stuck() ? "explore" : kind, goal.text() + ": " + how + stuck + notes + seen);
    }

    /** The standing notes that share a word with the goal, cited: they are part of the subtask. */
    private static String notesAbout(Goal goal, Memory memory) {
        if (memory == null || memory.notes().isEmpty()) {
            return "";
        }
        Set<String> words = new HashSet<>(CommandWords.stems(goal.text()));
        List<String> about = new ArrayList<>();
        for (String n : memory.notes()) {
            if (CommandWords.stems(n).stream().anyMatch(words::contains)) {
                about.add(n);
                memory.cite("task", "note \"" + n + "\"");
            }
        }
        return about.isEmpty() ? "" : " (noting: " + String.join("; ", about) + ")";
    }

    /** What was done on the most similar past screen, when one is close; recalled again only when the screen changed. */
    private String recollection(Observation now, Memory memory) {
        if (memory == null || now == null) {
            return "";
        }
        ImageSignature look = now.look();
        if (recalledFor == null || look.distance(recalledFor) > LIKE / 2) {
            recalledFor = look;
            recalled = "";
            List<Memory.Recollection> r = memory.recall(look, 1);
            if (!r.isEmpty() && r.get(0).distance() < LIKE && !r.get(0).by().equals("wait")) {
                Memory.Recollection m = r.get(0);
                recalled = String.format(Locale.ROOT, "; on a screen like this %s chose %s", m.by(), m.command());
                memory.cite("task", String.format(Locale.ROOT, "a screen like this (%.3f): %s step %d", m.distance(), m.episode(), m.step()));
            }
        }
        return recalled;
    }
}
