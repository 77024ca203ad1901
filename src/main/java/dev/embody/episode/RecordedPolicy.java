package dev.embody.episode;

import dev.embody.loop.Decision;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillCall;

import java.util.HashMap;
import java.util.Map;

/**
 * Plays back what the recording policy chose, step by step (by frame number): where the operator overrode it, what the
 * policy had wanted. Replaying with it checks the replay itself: every decision agrees unless the replay fed the
 * policy a different frame than was recorded, and its correction agreement is the recording policy's baseline.
 */
public final class RecordedPolicy implements Policy {

    private final Map<Long, RecordedStep> byFrame = new HashMap<>();
    private final String recorded;

    public RecordedPolicy(RecordedEpisode episode) {
        for (RecordedStep s : episode.steps()) {
            if (s.observed()) {
                byFrame.put(s.frame(), s);
            }
        }
        this.recorded = episode.meta().path("policy").asText("?");
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        RecordedStep s = byFrame.get(ctx.observation().index());
        if (s == null) {
            throw new IllegalStateException("no recorded step for frame " + ctx.observation().index());
        }
        SkillCall call = s.policyWanted() != null ? s.policyWanted() : s.command();
        return Decision.of(call, name(), "recorded at step " + s.step() + " by " + (s.corrected() ? recorded : s.by()));
    }

    @Override
    public String name() {
        return "recorded";
    }
}
