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
 * @param look          the frame in brief (memory recalls by it; reflection compares it); null where no frame came
 * @param citations     what the modules took from memory this step
 * @param applied       what the operator said that took effect as this step began, commands aside: new goals,
 *                      standing notes, skills taught (replay applies them again at the same step)
 * @param failure       where and why the step failed, or null when it ran whole; the parts after that are null
 */
public record Step(long index, long wallMillis, long targetNanos, long frameIndex, Scene scene, Reflection reflection,
                   Task task, List<SkillCall> candidates, Decision decision, String correction, List<String> sent,
                   boolean interrupted, Outcome outcome, Latency latency, boolean overran, ImageSignature look,
                   List<Memory.Citation> citations, List<Intervention> applied, Failure failure) {

    public Step {
        candidates = candidates == null ? null : List.copyOf(candidates);
        sent = sent == null ? List.of() : List.copyOf(sent);
        citations = citations == null ? List.of() : List.copyOf(citations);
        applied = applied == null ? List.of() : List.copyOf(applied);
    }

    /**
     * Where a step failed and why.
     *
     * @param stage one of {@link Latency#PARTS}: capture (no frame came), gather, reflect, task, curate, plan, act
     */
    public record Failure(String stage, String error) {
        /** Whether a frame came before it failed. */
        public boolean observed() {
            return !"capture".equals(stage);
        }
    }

    /** A step that ran whole. */
    public Step(long index, long wallMillis, long targetNanos, long frameIndex, Scene scene, Reflection reflection,
                Task task, List<SkillCall> candidates, Decision decision, String correction, List<String> sent,
                boolean interrupted, Outcome outcome, Latency latency, boolean overran, ImageSignature look,
                List<Memory.Citation> citations, List<Intervention> applied) {
        this(index, wallMillis, targetNanos, frameIndex, scene, reflection, task, candidates, decision, correction, sent,
                interrupted, outcome, latency, overran, look, citations, applied, null);
    }

    /** The command decided, or null where the step failed before a decision. */
    public SkillCall command() {
        return decision == null ? null : decision.call();
    }

    public boolean failed() {
        return failure != null;
    }

    /** The same step with another decision and what it sent (replay: what was recorded as having happened). */
    public Step happened(Decision d, String correction, List<String> sent, boolean interrupted, Outcome outcome) {
        return new Step(index, wallMillis, targetNanos, frameIndex, scene, reflection, task, candidates, d, correction, sent,
                interrupted, outcome, latency, overran, look, citations, applied, failure);
    }
}
