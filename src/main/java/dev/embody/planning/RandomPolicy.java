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

    /**
     * A fresh random policy for each episode, the k-th seeded {@code seed + k}: one seed for every episode would draw the
     * same commands in each, and a program that starts alike each time (a desktop game) would see one play 15 times.
     */
    public static java.util.function.Supplier<Policy> perEpisode(long seed) {
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong(seed);
        return () -> new RandomPolicy(next.getAndIncrement());
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
