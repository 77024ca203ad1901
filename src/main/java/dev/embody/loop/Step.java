package dev.embody.loop;

import dev.embody.skill.SkillCall;

import java.util.List;

/**
 * One turn of the loop, as it is recorded and remembered. A step that failed part way (a module threw, a skill could
 * not run, the robot refused or did not answer) is a step too: it keeps what it got to, and {@link #failure()} says
 * where and why, so an episode's steps stay numbered one after another.
 *
 * @param wallMillis    when it started, on the wall clock (epoch ms)
 * @param targetNanos   when its frame was taken, on the target's clock (-1 where no frame came)
 * @param frameIndex    the frame's number (-1 where no frame came)
 * @param correction    the operator's words that overrode the policy this step, or null
 * @param sent          the primitives the command sent
 * @param overran       the loop's own work took longer than the period
 * @param failure       where and why the step failed, or null when it ran whole; the parts after that are null
 */
public record Step(long index, long wallMillis, long targetNanos, long frameIndex, Scene scene, Reflection reflection,
                   Task task, List<SkillCall> candidates, Decision decision, String correction, List<String> sent,
                   boolean interrupted, Outcome outcome, Latency latency, boolean overran, Failure failure) {

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
                boolean interrupted, Outcome outcome, Latency latency, boolean overran) {
        this(index, wallMillis, targetNanos, frameIndex, scene, reflection, task, candidates, decision, correction, sent,
                interrupted, outcome, latency, overran, null);
    }

    /** The command decided, or null where the step failed before a decision. */
    public SkillCall command() {
        return decision == null ? null : decision.call();
    }

    public boolean failed() {
        return failure != null;
    }
}
