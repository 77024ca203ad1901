package dev.embody.episode;

import dev.embody.skill.SkillCall;

import java.util.List;
import java.util.Map;

/**
 * One line of an episode's steps.jsonl, as it was recorded.
 *
 * @param line        its line number in steps.jsonl, from 1
 * @param command     what was executed: the policy's choice, or the operator's where {@code correction} is set; null
 *                    where the step failed before a decision
 * @param by          who decided (null where nothing was decided)
 * @param policyWanted what the recording policy itself chose (equal to {@code command} unless the operator overrode it;
 *                    null where an override did not say)
 * @param latencyMs   per-module latency as recorded, by {@link dev.embody.loop.Latency#PARTS} name
 * @param failedAt    the part of the step that failed (capture, gather, ... act), or null where it ran whole
 * @param error       why it failed, or null
 * @param applied     the operator's goals, notes and taught skills that took effect as the step began
 * @param input       where a person demonstrated (by: person): what they did in the step's window, raw, and what of
 *                    it maps to no skill; null elsewhere
 * @param entities  the scene's things as recorded, or null where the step has no scene
 * @param reflection what self-reflection said, or null where the step failed before it
 * @param task      the task as inferred, or null where the step failed before it
 * @param state       the target's state as the frame was taken (a robot's pose, named by meta.json's state_names), or
 *                    null where the target has none
 */
public record RecordedStep(int line, long step, long wallMillis, long targetNanos, long frame, String scene,
                           List<StepRecord.EntityAt> entities, StepRecord.Reflection reflection,
                           StepRecord.Task task, List<String> candidates,
                           SkillCall command, String by, String why, SkillCall policyWanted, String correction,
                           List<String> sent, boolean interrupted, String outcome, Map<String, Double> latencyMs,
                           String failedAt, String error, List<dev.embody.loop.Intervention> applied,
                           dev.embody.loop.PersonInput input, double[] state) {

    /** Whether an operator's correction overrode the policy at this step. */
    public boolean corrected() {
        return correction != null;
    }

    public boolean failed() {
        return failedAt != null;
    }

    /** Whether it has a frame in the video: every step but one whose capture failed. */
    public boolean observed() {
        return !"capture".equals(failedAt);
    }

    /** Whether a command was decided (by the policy or the operator), even if it then failed. */
    public boolean decided() {
        return command != null;
    }

    /** The command as text, or what happened instead ("nothing decided: failed at gather"). */
    public String commandText() {
        return command != null ? command.toString() : "nothing decided: failed at " + failedAt;
    }
}
