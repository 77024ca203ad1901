package dev.embody.console;

import java.util.List;
import java.util.Map;

/**
 * What the console's training panel reads, and its one action. The trainer (learning room) implements it; until one is
 * connected, {@link SessionTraining} reports the live policy and the corrections this session has gathered.
 */
public interface TrainingStatus {

    Snapshot snapshot();

    /** Puts an earlier checkpoint back as the live policy; a message for the operator (what happened, or why not). */
    String rollback(String checkpoint);

    /**
     * @param livePolicy      the policy the loop plans with now (name and version)
     * @param examplesWaiting corrections and demonstrations not yet trained on
     * @param lastRound       the last round's figures (loss, held-out score, gate verdict...), empty before the first
     * @param curve           the learning curve: one point per round, (round, held-out score)
     * @param checkpoints     every checkpoint kept, oldest first
     * @param trainer         who fills these figures ("none connected" until a trainer is)
     */
    record Snapshot(String livePolicy, long examplesWaiting, Map<String, Object> lastRound, List<double[]> curve,
                    List<Checkpoint> checkpoints, String trainer) {
    }

    /** One kept checkpoint: its version, when it was made, its held-out score, whether it is live. */
    record Checkpoint(String version, String created, double score, boolean live) {
    }
}
