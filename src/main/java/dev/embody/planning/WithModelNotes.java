package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillLibrary;
import dev.embody.vlm.ModelSession;

import java.util.List;

/**
 * A policy whose decisions also say how the model-backed modules fared this step: a module whose model answer was
 * unusable, so the profile's local module stood in, says so in the step's why (and the log), whoever planned.
 */
public final class WithModelNotes implements dev.embody.loop.PolicyAround {

    private final Policy inner;
    private final ModelSession session;

    public WithModelNotes(Policy inner, ModelSession session) {
        this.inner = inner;
        this.session = session;
    }

    @Override
    public Policy inner() {
        return inner;
    }

    @Override
    public Policy around(Policy next) {
        return new WithModelNotes(next, session);
    }

    @Override
    public Decision plan(PlanningContext context) {
        List<String> before = session.takeNotes();
        Decision d = inner.plan(context);
        List<String> notes = new java.util.ArrayList<>(before);
        notes.addAll(session.takeNotes());
        if (notes.isEmpty()) {
            return d;
        }
        return new Decision(d.call(), d.scores(), d.by(), d.why() + " [" + String.join("; ", notes) + "]", d.plan());
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Policy adapt(SkillLibrary library) {
        Policy a = inner.adapt(library);
        return a == inner ? this : new WithModelNotes(a, session);
    }
}
