package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.Memory;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * The policy of a profile that has nothing to decide with yet (no scene parser, no trained checkpoint, no model): it
 * never acts blindly. It waits, says once what it needs, and leaves every action to the operator's commands; where
 * memory holds a screen like this one, it says what was done there (by whom), without doing it.
 */
public final class WaitingPolicy implements Policy {

    private static final Logger log = LoggerFactory.getLogger(WaitingPolicy.class);
    /** A past screen this close (mean per thumbnail cell) is "a screen like this". */
    private static final double LIKE = 0.02;

    private final SkillCall wait;
    private final String need;
    private boolean said;

    /** @param need what it needs, in words: shown once in the log and on every decision */
    public WaitingPolicy(SkillLibrary library, String need) {
        this.wait = library.commands().stream().filter(c -> c.skill().equals("wait")).findFirst().orElse(null);
        this.need = need;
    }

    @Override
    public String name() {
        return "wait";
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        if (!said) {
            said = true;
            log.warn("nothing to decide with: {}", need);
        }
        SkillCall call = ctx.candidates().stream().filter(c -> c.skill().equals("wait")).findFirst().orElse(wait);
        if (call == null) {
            throw new IllegalStateException("the skills have no 'wait' skill to wait with: add one (a body of '- wait: 200ms', as skills/desktop/wait.yaml)");
        }
        String why = "waiting: " + need;
        Memory memory = ctx.memory();
        if (memory != null) {
            List<Memory.Recollection> like = memory.recall(ctx.observation().look(), 1);
            if (!like.isEmpty() && like.get(0).distance() < LIKE && !"wait".equals(like.get(0).by())) {
                Memory.Recollection r = like.get(0);
                String seen = String.format(Locale.ROOT, "a screen like this (%.3f) in %s step %d: %s chose %s", r.distance(), r.episode(), r.step(), r.by(), r.command());
                memory.cite("planning", seen);
                why += "; " + seen;
            }
        }
        return Decision.of(call, name(), why);
    }
}
