package dev.embody.vlm;

import dev.embody.loop.Entity;
import dev.embody.loop.Memory;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Step;
import dev.embody.loop.Task;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What fills a prompt's slots, in words a model reads: the commands with their skills' descriptions, memory's recent
 * steps and notes, the last reflection, the task and the scene, places given in the pixels of the image it is sent.
 * Built on the loop's thread (memory is read there), so the worker that asks has only text and pixels to carry.
 */
public final class PromptFacts {

    /** Recent steps a prompt shows. */
    public static final int RECENT = 5;

    private final Map<String, String> values = new LinkedHashMap<>();

    /** The slots filled so far (a slot with no value is left out: the prompt reads "(none)" there). */
    public Map<String, String> values() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    public PromptFacts goal(String goal) {
        values.put("goal", goal);
        return this;
    }

    public PromptFacts image(SentImage i) {
        values.put("image", i.width() + "x" + i.height() + " pixels, x to the right and y down from the top-left corner");
        return this;
    }

    public PromptFacts task(Task t, SentImage i) {
        if (t == null) {
            return this;
        }
        values.put("subtask", t.subtask() + " (" + t.kind() + ")");
        if (t.hasTarget()) {
            values.put("target", (t.targetKind() == null ? "the target" : t.targetKind()) + String.format(Locale.ROOT, " at (%.0f, %.0f) in the image",
                    i.toImageX(t.targetX()), i.toImageY(t.targetY())));
        }
        return this;
    }

    public PromptFacts reflection(Reflection r) {
        if (r != null) {
            values.put("reflection", r.reason() + (r.stuck() ? " (stuck " + r.stuckSteps() + " steps)" : "") + (r.progress() ? " (progress)" : "")
                    + (r.danger() ? " (danger close)" : ""));
        }
        return this;
    }

    /** The commands to choose from, each with its skill's description. */
    public PromptFacts commands(SkillLibrary library, List<SkillCall> commands) {
        values.put("commands", commands.stream().map(c -> "- " + c + ": " + library.skill(c.skill()).map(Skill::description).orElse(""))
                .collect(Collectors.joining("\n")));
        return this;
    }

    /** Every skill: its name, description, parameters and their values. */
    public PromptFacts skills(SkillLibrary library) {
        values.put("skills", library.skills().stream().map(s -> "- " + s.name() + ": " + s.description()
                + (s.parameters().isEmpty() ? "" : " (" + s.parameters().stream().map(p -> p.name() + ": " + String.join("|", p.valueNames()))
                .collect(Collectors.joining("; ")) + ")")).collect(Collectors.joining("\n")));
        return this;
    }

    public PromptFacts previous(SkillCall c) {
        values.put("previous", c == null ? null : c.toString());
        return this;
    }

    public PromptFacts primitives(java.util.Set<String> primitives) {
        values.put("primitives", String.join(", ", new java.util.TreeSet<>(primitives)));
        return this;
    }

    /** The scene as the local module saw it, places in image pixels. */
    public PromptFacts scene(Scene s, SentImage i) {
        if (s != null) {
            values.put("scene", s.entities().isEmpty() ? "nothing recognised" : s.entities().stream().limit(40).map(e -> entity(e, i))
                    .collect(Collectors.joining("; ")));
        }
        return this;
    }

    /** The scene in its own units, for a module that sends no image. */
    public PromptFacts scene(Scene s) {
        if (s != null) {
            values.put("scene", s.entities().isEmpty() ? "nothing recognised" : s.entities().stream().limit(40)
                    .map(e -> String.format(Locale.ROOT, "%s at (%.0f, %.0f) %s", e.kind(), e.x(), e.y(), s.units())).collect(Collectors.joining("; ")));
        }
        return this;
    }

    /** Memory's recent steps and standing notes; the module cites what it put in the prompt. */
    public PromptFacts memory(Memory memory, String module) {
        if (memory == null) {
            return this;
        }
        List<Step> recent = memory.recent(RECENT);
        values.put("recent_steps", recent.stream().map(PromptFacts::step).collect(Collectors.joining("\n")));
        List<String> notes = memory.notes();
        values.put("notes", notes.stream().map(n -> "- " + n).collect(Collectors.joining("\n")));
        if (!recent.isEmpty() || !notes.isEmpty()) {
            memory.cite(module, "prompt: " + recent.size() + " recent step(s)" + (notes.isEmpty() ? "" : ", " + notes.size() + " note(s)"));
        }
        if (!recent.isEmpty()) {
            Step last = recent.get(recent.size() - 1);
            values.put("last_command", last.command() == null ? null : last.command().toString());
        }
        return this;
    }

    private static String step(Step s) {
        return "step " + s.index() + ": " + (s.command() == null ? "nothing" : s.command()) + (s.decision() == null ? "" : " by " + s.decision().by())
                + (s.reflection() == null ? "" : "; then: " + s.reflection().reason()) + (s.task() == null ? "" : "; task: " + s.task().subtask());
    }

    private static String entity(Entity e, SentImage i) {
        return String.format(Locale.ROOT, "%s at (%.0f, %.0f) size %.0fx%.0f", e.kind(), i.toImageX(e.x()), i.toImageY(e.y()),
                i.toImageX(e.width()), i.toImageY(e.height()));
    }
}
