package dev.embody.reflection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.loop.Frame;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.SelfReflection;
import dev.embody.loop.Step;
import dev.embody.vlm.AnswerSchema;
import dev.embody.vlm.Asking;
import dev.embody.vlm.ModelSession;
import dev.embody.vlm.PromptFacts;
import dev.embody.vlm.Question;
import dev.embody.vlm.Reply;
import dev.embody.vlm.SentImage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-reflection by a vision-language model: shown the frame before the last command and the frame after it, with
 * the command and the subtask, it says whether the command did what it meant, whether the agent is stuck, whether
 * there was progress or danger, and why ({@code prompts/reflection.md}, schema {@code embody_reflection}). The local
 * reflection runs every step (it keeps count of stuck steps and measures displacement, which a local planner learns
 * from); the model's verdict replaces its judgement when one is there for this step (waiting) or has just arrived
 * (beside the loop: used once, saying which frames it is about).
 */
public final class VlmReflection implements SelfReflection {

    static final String MODULE = "reflection";

    private final SelfReflection local;
    private final ModelSession session;
    private final Asking<Verdict> asking;
    private Frame before;
    private int stuckSteps;

    record Verdict(boolean worked, boolean moved, boolean stuck, boolean progress, boolean danger, String reason) {
    }

    public VlmReflection(SelfReflection local, ModelSession session) {
        this.local = local;
        this.session = session;
        this.asking = session.asking(MODULE);
        asking.forget();
    }

    @Override
    public Reflection reflect(Step last, Observation now, Scene scene, Memory memory) {
        Reflection mine = local.reflect(last, now, scene, memory);
        Frame previous = before;
        before = now.frame();
        if (last == null || previous == null || last.command() == null) {
            return mine;
        }
        String command = last.command().toString();
        String subtask = last.task() == null ? null : last.task().subtask();
        Reply<Verdict> r = asking.reply(now.index(), () -> {
            Map<String, String> facts = new PromptFacts().memory(memory, MODULE).goal(last.task() == null ? null : last.task().goal()).values();
            return () -> {
                SentImage a = SentImage.of(previous, session.settings().imageSide()), b = SentImage.of(now.frame(), session.settings().imageSide());
                Map<String, String> all = new LinkedHashMap<>(facts);
                all.putAll(new PromptFacts().image(b).values());
                all.put("last_command", command);
                all.put("subtask", subtask);
                return new Question(MODULE, session.prompts().fill(MODULE, all), List.of(a, b), schema(), null);
            };
        }, (v, q) -> new Verdict(v.get("worked").asBoolean(), v.get("moved").asBoolean(), v.get("stuck").asBoolean(),
                v.get("progress").asBoolean(), v.get("danger").asBoolean(), v.get("reason").asText()));
        if (r.has() && r.isNew()) {
            session.used(MODULE);
            Verdict v = r.value();
            stuckSteps = v.stuck() ? stuckSteps + 1 : 0;
            return new Reflection(v.moved(), mine.displacement(), v.stuck(), v.stuck() ? Math.max(stuckSteps, mine.stuckSteps()) : 0,
                    v.progress(), v.danger(), "model: " + v.reason() + (v.worked() ? "" : " (the command did not do what it meant)")
                    + (session.waits() ? "" : " (frames " + (r.frame() - 1) + "->" + r.frame() + ")"));
        }
        if (r.failure() != null) {
            session.fellBack(MODULE, r.failure().summary());
            session.note(MODULE, "the model's answer was not usable, " + r.failure().summary() + "; local reflection");
        }
        return mine;
    }

    static AnswerSchema schema() {
        Map<String, ObjectNode> p = new LinkedHashMap<>();
        p.put("worked", AnswerSchema.bool());
        p.put("moved", AnswerSchema.bool());
        p.put("stuck", AnswerSchema.bool());
        p.put("progress", AnswerSchema.bool());
        p.put("danger", AnswerSchema.bool());
        p.put("reason", AnswerSchema.text(300));
        return AnswerSchema.object("embody_reflection", p);
    }
}
