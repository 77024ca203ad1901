package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

/** A baseline that does nothing: it waits (or stops) every step. What a learned policy must clearly beat too. */
public final class IdlePolicy implements Policy {

    private final SkillCall idle;

    /** @throws IllegalArgumentException the library has no skill named wait or stop to do nothing with */
    public IdlePolicy(SkillLibrary library) {
        this.idle = library.commands().stream().filter(c -> c.skill().equals("wait")).findFirst()
                .or(() -> library.commands().stream().filter(c -> c.skill().equals("stop")).findFirst())
                .orElseThrow(() -> new IllegalArgumentException("the skills have no 'wait' or 'stop' skill to do nothing with"));
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        return Decision.of(idle, name(), "does nothing, by design");
    }

    @Override
    public String name() {
        return "nothing";
    }
}
