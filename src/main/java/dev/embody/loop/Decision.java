package dev.embody.loop;

import dev.embody.skill.SkillCall;

import java.util.List;
import java.util.Map;

/**
 * What the planner chose, with its scores over the candidates (probabilities for a learned policy), who decided (the
 * policy's name, or "operator" when a correction overrode it), why, and where it means to go: the points of its plan in
 * scene units (a path on a grid), for the console to draw; empty when it has none. Where a person decided (a
 * demonstration), {@code input} is what they did that the command was read from; null otherwise.
 */
public record Decision(SkillCall call, Map<String, Double> scores, String by, String why, List<Point> plan, PersonInput input) {

    /** A point of a plan, in scene units. */
    public record Point(double x, double y) {
    }

    public Decision {
        scores = scores == null ? Map.of() : Map.copyOf(scores);
        plan = plan == null ? List.of() : List.copyOf(plan);
    }

    public Decision(SkillCall call, Map<String, Double> scores, String by, String why, List<Point> plan) {
        this(call, scores, by, why, plan, null);
    }

    public Decision(SkillCall call, Map<String, Double> scores, String by, String why) {
        this(call, scores, by, why, List.of());
    }

    public static Decision of(SkillCall call, String by, String why) {
        return new Decision(call, Map.of(), by, why);
    }
}
