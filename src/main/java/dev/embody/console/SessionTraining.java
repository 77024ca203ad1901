package dev.embody.console;

import dev.embody.learning.TrainingStatus;
import dev.embody.loop.Observation;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The training panel's figures when no trainer is connected: the live policy's name and the correction examples this
 * session has stored (steps a correction overrode), which a trainer would train on next. No checkpoints exist yet.
 */
public final class SessionTraining implements TrainingStatus, StepListener {

    private final Supplier<String> livePolicy;
    private final AtomicLong corrections = new AtomicLong();

    public SessionTraining(Supplier<String> livePolicy) {
        this.livePolicy = livePolicy;
    }

    @Override
    public void onStep(Step step, Observation observation) {
        if ("operator".equals(step.decision().by())) {
            corrections.incrementAndGet();
        }
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(livePolicy.get(), corrections.get(), Map.of(), List.of(), List.of(), "none connected");
    }

    @Override
    public String rollback(String checkpoint) {
        return "no trainer is connected, so there is no checkpoint to roll back to";
    }
}
