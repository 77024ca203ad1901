package dev.embody.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.loop.Entity;
import dev.embody.loop.Goal;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.loop.TaskInference;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillLibrary;
import dev.embody.vlm.AnswerSchema;
import dev.embody.vlm.Asking;
import dev.embody.vlm.ModelSession;
import dev.embody.vlm.PromptFacts;
import dev.embody.vlm.Question;
import dev.embody.vlm.Reply;
import dev.embody.vlm.SentImage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Task inference by a vision-language model: from the frame, the goal, the last reflection, memory's recent steps and
 * notes and the skills, the next subtask, of a kind skill curation knows (the skills' tags), with the place it goes
 * for in the image's pixels, mapped back into the frame's ({@code prompts/task.md}, schema {@code embody_task}). A
 * place outside the image is a bad answer. Beside the loop, the model's last task stays in use while it is younger
 * than {@code --vlm-max-age} and its target is still where the scene shows one of its kind; otherwise, and whenever the
 * model has nothing usable, the profile's local task inference (which runs every step, so it is current) decides.
 * A model reads any goal in words, so every goal is understood.
 */
public final class VlmTaskInference implements TaskInference {

    static final String MODULE = "task";

    private final TaskInference local;
    private final ModelSession session;
    private final Asking<Task> asking;

    public VlmTaskInference(TaskInference local, ModelSession session) {
        this.local = local;
        this.session = session;
        this.asking = session.asking(MODULE);
        asking.forget();
    }

    @Override
    public boolean understands(Goal goal) {
        return true;
    }

    @Override
    public List<String> goals() {
        return local.goals();
    }

    @Override
    public Task infer(Goal goal, Observation now, Scene scene, Reflection reflection, SkillLibrary skills, Memory memory) {
        Task fallback = local.infer(goal, now, scene, reflection, skills, memory);
        List<String> kinds = kinds(skills);
        Reply<Task> r = asking.reply(now.index(), () -> {
            Map<String, String> facts = new PromptFacts().goal(goal.text()).memory(memory, MODULE).reflection(reflection).skills(skills).values();
            return () -> {
                SentImage image = SentImage.of(now.frame(), session.settings().imageSide());
                Map<String, String> all = new LinkedHashMap<>(facts);
                all.putAll(new PromptFacts().image(image).scene(scene, image).values());
                return new Question(MODULE, session.prompts().fill(MODULE, all), List.of(image), schema(kinds), a -> problem(a, image));
            };
        }, (a, q) -> read(goal, a, q.images().get(0)));
        if (r.has() && (session.waits() || r.ageSeconds() <= session.settings().maxAge().toMillis() / 1000.0)) {
            String stale = stale(r.value(), scene);
            if (stale == null) {
                if (r.isNew()) {
                    session.used(MODULE);
                }
                return r.value();
            }
            session.note(MODULE, "the model's task from frame " + r.frame() + " is stale (" + stale + "); local task inference");
        } else if (r.failure() != null) {
            session.fellBack(MODULE, r.failure().summary());
            session.note(MODULE, "the model's answer was not usable, " + r.failure().summary() + "; local task inference");
        }
        return fallback;
    }

    /** The kinds of task curation knows: the skills' tags, and done and idle. */
    static List<String> kinds(SkillLibrary skills) {
        TreeSet<String> k = new TreeSet<>(List.of("done", "idle", "explore", "navigate"));
        for (Skill s : skills.skills()) {
            k.addAll(s.tags());
        }
        k.remove("any");
        return List.copyOf(k);
    }

    static AnswerSchema schema(List<String> kinds) {
        Map<String, ObjectNode> target = new LinkedHashMap<>();
        target.put("kind", AnswerSchema.text(40));
        target.put("x", AnswerSchema.number());
        target.put("y", AnswerSchema.number());
        Map<String, ObjectNode> p = new LinkedHashMap<>();
        p.put("kind", AnswerSchema.oneOf(kinds));
        p.put("subtask", AnswerSchema.text(200));
        p.put("target", AnswerSchema.orNull(AnswerSchema.objectNode(target)));
        p.put("reason", AnswerSchema.text(300));
        return AnswerSchema.object("embody_task", p);
    }

    private static String problem(JsonNode a, SentImage image) {
        JsonNode t = a.get("target");
        if (t != null && !t.isNull() && !image.inside(t.get("x").asDouble(), t.get("y").asDouble())) {
            return String.format(Locale.ROOT, "the target (%s, %s) is outside the %dx%d image", t.get("x").asText(), t.get("y").asText(), image.width(), image.height());
        }
        return null;
    }

    /** The model's task, its target mapped from the image's pixels back into the frame's. */
    private static Task read(Goal goal, JsonNode a, SentImage image) {
        JsonNode t = a.get("target");
        if (t == null || t.isNull()) {
            return Task.of(goal.text(), a.get("kind").asText(), a.get("subtask").asText());
        }
        return new Task(goal.text(), a.get("kind").asText(), a.get("subtask").asText(), t.get("kind").asText(),
                image.toFrameX(t.get("x").asDouble()), image.toFrameY(t.get("y").asDouble()));
    }

    /** Why a task the model gave earlier no longer holds, or null: its target is gone from where it was. */
    private static String stale(Task t, Scene scene) {
        if (!t.hasTarget() || t.targetKind() == null) {
            return null;
        }
        List<Entity> same = scene.all(t.targetKind());
        if (same.isEmpty()) {
            return null; // the local module does not know the kind: nothing to check it against
        }
        double near = Math.max(20, 0.05 * Math.hypot(scene.width(), scene.height()));
        return same.stream().anyMatch(e -> e.distanceTo(t.targetX(), t.targetY()) <= near) ? null
                : "no " + t.targetKind() + " near (" + Math.round(t.targetX()) + ", " + Math.round(t.targetY()) + ") any more";
    }
}
