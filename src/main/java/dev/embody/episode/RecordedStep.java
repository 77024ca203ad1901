package dev.embody.episode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.embody.skill.SkillCall;

import java.util.List;
import java.util.Map;

/**
 * One line of an episode's steps.jsonl, as it was recorded.
 *
 * @param line        its line number in steps.jsonl, from 1
 * @param command     what was executed: the policy's choice, or the operator's where {@code correction} is set
 * @param policyWanted what the recording policy itself chose (equal to {@code command} unless the operator overrode it;
 *                    null where an override did not say)
 * @param latencyMs   per-module latency as recorded, by {@link dev.embody.loop.Latency#PARTS} name
 * @param applied     the operator's goals, notes and taught skills that took effect as the step began
 */
public record RecordedStep(int line, long step, long wallMillis, long targetNanos, long frame, String scene,
                           JsonNode entities, JsonNode reflection, JsonNode task, List<String> candidates,
                           SkillCall command, String by, String why, SkillCall policyWanted, String correction,
                           List<String> sent, boolean interrupted, String outcome, Map<String, Double> latencyMs,
                           List<dev.embody.loop.Intervention> applied) {

    /** Whether an operator's correction overrode the policy at this step. */
    public boolean corrected() {
        return correction != null;
    }
}
