package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.Observation;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillCall;
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

/**
 * Action planning by a vision-language model: it is shown the frame, the goal and subtask, the last reflection,
 * memory's recent steps and notes, and the candidate commands with their skills' descriptions, and answers one of
 * them with its reason ({@code prompts/plan.md}; schema {@code embody_plan}: the command is an enum of the candidates).
 * The answer is checked, never trusted: a command that is not one of this step's candidates is a bad answer, retried,
 * then the step is the profile's local policy's and says why. Beside the loop, a model's command is acted on once, at
 * the first step after it arrives (a command is an act, not a standing order); the steps between are the local
 * policy's. Its decisions are {@code by: vlm}: demonstrations, like a person's.
 */
public final class VlmPolicy implements dev.embody.loop.PolicyAround {

    public static final String BY = "vlm";
    static final String MODULE = "plan";

    private final Policy local;
    private final ModelSession session;
    private final SkillLibrary library;
    private final Asking<Planned> asking;

    /** What the model chose, and why. */
    record Planned(SkillCall call, String reason) {
    }

    public VlmPolicy(Policy local, ModelSession session, SkillLibrary library) {
        this.local = local;
        this.session = session;
        this.library = library;
        this.asking = session.asking(MODULE);
        asking.forget();
    }

    private VlmPolicy(Policy local, ModelSession session, SkillLibrary library, Asking<Planned> asking) {
        this.local = local;
        this.session = session;
        this.library = library;
        this.asking = asking;
    }

    @Override
    public String name() {
        return BY + " (" + session.settings().model() + ", else " + local.name() + ")";
    }

    /** The policy that decides where the model does not. */
    public Policy local() {
        return local;
    }

    @Override
    public Policy adapt(SkillLibrary next) {
        return new VlmPolicy(local.adapt(next), session, next, asking);
    }

    @Override
    public Policy inner() {
        return local;
    }

    /** The same model, falling back to another local policy (its pending question kept). */
    @Override
    public Policy around(Policy next) {
        return new VlmPolicy(next, session, library, asking);
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        Observation obs = ctx.observation();
        List<SkillCall> candidates = ctx.candidates();
        Reply<Planned> r = asking.reply(obs.index(), () -> {
            // memory is read here, on the loop's thread, and only when the model is asked; the image is coded where it is asked
            Map<String, String> facts = new PromptFacts().memory(ctx.memory(), MODULE).reflection(ctx.reflection()).previous(ctx.previous())
                    .commands(library, candidates).goal(ctx.task() == null ? null : ctx.task().goal()).values();
            List<String> allowed = candidates.stream().map(SkillCall::toString).toList();
            return () -> {
                SentImage image = SentImage.of(obs.frame(), session.settings().imageSide());
                PromptFacts f = new PromptFacts().image(image).task(ctx.task(), image).scene(ctx.scene(), image);
                Map<String, String> all = new LinkedHashMap<>(facts);
                all.putAll(f.values());
                return new Question(MODULE, session.prompts().fill(MODULE, all), List.of(image), schema(allowed), a -> problem(a.get("command").asText(), candidates));
            };
        }, (a, q) -> new Planned(library.normalize(SkillCall.parse(a.get("command").asText())), a.get("reason").asText()));
        String note;
        if (r.has() && r.isNew()) {
            if (candidates.contains(r.value().call())) {
                session.used(MODULE);
                Map<String, Double> scores = new LinkedHashMap<>();
                for (SkillCall c : candidates) {
                    scores.put(c.toString(), c.equals(r.value().call()) ? 1.0 : 0.0);
                }
                return new Decision(r.value().call(), scores, BY, String.format(Locale.ROOT, "model: %s (asked on frame %d, answered in %.1f s%s)",
                        r.value().reason(), r.frame(), r.answer().seconds(), session.waits() ? "" : String.format(Locale.ROOT, ", %.1f s ago", r.ageSeconds())));
            }
            note = "the model's " + r.value().call() + " (from frame " + r.frame() + ") is not a candidate now";
            session.fellBack(MODULE, note);
        } else if (r.failure() != null) {
            note = "the model's answer was not usable, " + r.failure().summary();
            session.fellBack(MODULE, note);
        } else {
            note = "the model is " + (r.waiting() == null ? "not asked" : r.waiting());
        }
        Decision d = local.plan(ctx);
        return new Decision(d.call(), d.scores(), d.by(), note + "; " + local.name() + " decided: " + d.why(), d.plan());
    }

    /** {"command": one of the candidates, "reason": why}. */
    static AnswerSchema schema(List<String> candidates) {
        Map<String, com.fasterxml.jackson.databind.node.ObjectNode> p = new LinkedHashMap<>();
        p.put("command", AnswerSchema.oneOf(candidates));
        p.put("reason", AnswerSchema.text(300));
        return AnswerSchema.object("embody_plan", p);
    }

    /** Why a command cannot be acted on now, or null. */
    private String problem(String text, List<SkillCall> candidates) {
        SkillCall c;
        try {
            c = library.normalize(SkillCall.parse(text));
        } catch (IllegalArgumentException e) {
            return "'" + text + "' is not a command of the library: " + e.getMessage();
        }
        return candidates.contains(c) ? null : "'" + c + "' is not one of this step's " + candidates.size() + " candidate commands";
    }
}
