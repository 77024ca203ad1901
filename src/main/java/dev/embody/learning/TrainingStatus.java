package dev.embody.learning;

import java.util.List;
import java.util.Map;

/**
 * What the console's training panel reads, and its one action. The trainer implements it (periodic training here, the
 * fleet's agent there) and the console only reads it, so training knows nothing of the console; until a trainer is
 * connected, the console's own session figures stand in.
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
