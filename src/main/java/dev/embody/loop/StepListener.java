package dev.embody.loop;

/** Hears every step as it ends (the episode recorder, the console, the trainer's inbox). */
public interface StepListener {

    void onStep(Step step, Observation observation);

    /**
     * A step that failed part way ({@link Step#failure()}): what it got to, and its frame where one came (else null).
     * Most listeners want only whole steps; the episode recorder keeps these too, so no step number goes missing.
     */
    default void onFailedStep(Step step, Observation observation) {
    }

    default void onEnd(Outcome outcome) {
    }

    /** Something the operator should hear about that is not a step: a command refused, a skill taught. */
    default void onNotice(String text) {
    }
}
