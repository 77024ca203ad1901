package dev.embody.loop;

import dev.embody.skill.SkillCall;

import java.util.List;

/**
 * One turn of the loop, as it is recorded and remembered.
 *
 * @param wallMillis    when it started, on the wall clock (epoch ms)
 * @param targetNanos   when its frame was taken, on the target's clock
 * @param correction    the operator's words that overrode the policy this step, or null
 * @param sent          the primitives the command sent
 * @param overran       the loop's own work took longer than the period
 * @param look          the frame in brief (memory recalls by it; reflection compares it)
 * @param citations     what the modules took from memory this step
 * @param applied       what the operator said that took effect as this step began, commands aside: new goals,
 *                      standing notes, skills taught (replay applies them again at the same step)
 */
public record Step(long index, long wallMillis, long targetNanos, long frameIndex, Scene scene, Reflection reflection,
                   Task task, List<SkillCall> candidates, Decision decision, String correction, List<String> sent,
                   boolean interrupted, Outcome outcome, Latency latency, boolean overran, ImageSignature look,
                   List<Memory.Citation> citations, List<Intervention> applied) {

    public Step {
        candidates = List.copyOf(candidates);
        sent = List.copyOf(sent);
        citations = citations == null ? List.of() : List.copyOf(citations);
        applied = applied == null ? List.of() : List.copyOf(applied);
    }

    public SkillCall command() {
        return decision.call();
    }

    /** The same step with another decision and what it sent (replay: what was recorded as having happened). */
    public Step happened(Decision d, String correction, List<String> sent, boolean interrupted, Outcome outcome) {
        return new Step(index, wallMillis, targetNanos, frameIndex, scene, reflection, task, candidates, d, correction, sent,
                interrupted, outcome, latency, overran, look, citations, applied);
    }
}
