package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillLibrary;

import java.util.Locale;

/**
 * Distillation at run time: the learned policy acts where it is confident (its decision's top score is at least the
 * threshold) and the model is asked where it is not. The model's decisions are recorded {@code by: vlm} and are
 * training examples like a person's, so as the learned policy is trained on them it is unsure less often and the
 * model is asked less. An operator's correction overrides both (the loop applies it after planning).
 */
public final class AskWhenUnsure implements dev.embody.loop.PolicyAround {

    private final Policy learned;
    private final Policy model;
    private final double threshold;
    private long confident;
    private long asked;

    /**
     * @param model     asked where the learned policy is unsure (a {@link VlmPolicy} whose own fallback is the learned one)
     * @param threshold the top score (0..1) at and above which the learned policy acts alone
     */
    public AskWhenUnsure(Policy learned, Policy model, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("the confidence threshold must be from 0 to 1, got " + threshold);
        }
        this.learned = learned;
        this.model = model;
        this.threshold = threshold;
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        Decision d = learned.plan(ctx);
        double top = d.scores().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        if (top >= threshold) {
            synchronized (this) {
                confident++;
            }
            return new Decision(d.call(), d.scores(), d.by(), String.format(Locale.ROOT, "confident (top %.2f >= %.2f): %s", top, threshold, d.why()), d.plan());
        }
        synchronized (this) {
            asked++;
        }
        Decision m = model.plan(ctx);
        return new Decision(m.call(), m.scores().isEmpty() ? d.scores() : m.scores(), m.by(),
                String.format(Locale.ROOT, "unsure (top %.2f < %.2f), asked the model: %s", top, threshold, m.why()), m.plan());
    }

    /** Steps the learned policy decided alone, and steps it asked the model about. */
    public synchronized long[] counts() {
        return new long[]{confident, asked};
    }

    public double threshold() {
        return threshold;
    }

    /** The learned policy that acts where it is sure. */
    @Override
    public Policy inner() {
        return learned;
    }

    /** Another learned policy, asking the same model; where the model falls back to the learned policy, to the new one. */
    @Override
    public Policy around(Policy next) {
        Policy m = model instanceof dev.embody.loop.PolicyAround a && a.inner() == learned ? a.around(next) : model;
        return new AskWhenUnsure(next, m, threshold);
    }

    @Override
    public String name() {
        return learned.name() + String.format(Locale.ROOT, ", asking the model below %.2f", threshold);
    }

    @Override
    public Policy adapt(SkillLibrary library) {
        Policy l = learned.adapt(library), m = model.adapt(library);
        return l == learned && m == model ? this : new AskWhenUnsure(l, m, threshold);
    }
}
