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
 */
public record Step(long index, long wallMillis, long targetNanos, long frameIndex, Scene scene, Reflection reflection,
                   Task task, List<SkillCall> candidates, Decision decision, String correction, List<String> sent,
                   boolean interrupted, Outcome outcome, Latency latency, boolean overran) {

    public SkillCall command() {
        return decision.call();
    }
}
