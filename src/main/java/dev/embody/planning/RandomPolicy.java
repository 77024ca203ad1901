package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillCall;

import java.util.Random;

/** A baseline that picks a curated candidate at random (seeded): what a learned policy must clearly beat. */
public final class RandomPolicy implements Policy {

    private final Random random;

    public RandomPolicy(long seed) {
        this.random = new Random(seed);
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        SkillCall c = ctx.candidates().get(random.nextInt(ctx.candidates().size()));
        return Decision.of(c, name(), "at random among " + ctx.candidates().size() + " candidates");
    }

    @Override
    public String name() {
        return "random";
    }
}
