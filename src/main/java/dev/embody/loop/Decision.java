package dev.embody.loop;

import dev.embody.skill.SkillCall;

import java.util.Map;

/**
 * What the planner chose, with its scores over the candidates (probabilities for a learned policy) and who decided:
 * the policy's name, or "operator" when a correction overrode it.
 */
public record Decision(SkillCall call, Map<String, Double> scores, String by, String why) {

    public Decision {
        scores = scores == null ? Map.of() : Map.copyOf(scores);
    }

    public static Decision of(SkillCall call, String by, String why) {
        return new Decision(call, Map.of(), by, why);
    }
}
