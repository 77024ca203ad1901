package dev.embody.episode;

import dev.embody.loop.Actuator;
import dev.embody.loop.Entity;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Scene;
import dev.embody.loop.SkillExecutor;
import dev.embody.loop.Target;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Open-loop re-actuation: sends an episode's recorded commands again to a live target, each at the recorded offset on
 * the target's clock, with a step cut short where it was cut short in the recording (at the next step's time). It
 * goes through the same skill executor and actuator as live control, so the same envelope holds: keys on the
 * deny-list are refused, a step's keys are let go when it ends, and every exit path releases everything.
 */
public final class Reactuation {

    private static final Logger log = LoggerFactory.getLogger(Reactuation.class);

    private final AtomicBoolean stop = new AtomicBoolean();

    /** What re-actuation came to, beside what was recorded. */
    public record Result(int steps, Outcome outcome, Map<String, Object> score, String reason) {
    }

    /** Ends the run at the next chance (Ctrl-C); a running hold is cut short and everything held is released. */
    public void requestStop() {
        stop.set(true);
    }

    public Result run(RecordedEpisode episode, Target target, SkillLibrary library) throws Exception {
        List<RecordedStep> steps = episode.steps();
        Actuator actuator = target.actuator();
        Clocked clocked = new Clocked(actuator);
        FrameSource frames = target.frames();
        SkillExecutor executor = new SkillExecutor(library);
        int done = 0;
        String reason = "sent every recorded command";
        try {
            // a step whose capture failed has no time on the target's clock, and sent nothing
            steps = steps.stream().filter(RecordedStep::observed).filter(episode::keeps).toList();
            if (steps.isEmpty()) {
                return new Result(0, target.outcome(), target.score(), "nothing recorded");
            }
            long recorded0 = steps.get(0).targetNanos();
            long live0 = -1;
            for (int i = 0; i < steps.size(); i++) {
                RecordedStep rec = steps.get(i);
                if (stop.get()) {
                    reason = "stopped after " + done + " steps";
                    break;
                }
                if (target.outcome().finished()) {
                    reason = "the target ended before the recording did";
                    break;
                }
                Observation obs = frames.next();
                if (live0 < 0) {
                    live0 = obs.timeNanos();
                }
                long due = rec.targetNanos() - recorded0;
                long lag = due - (obs.timeNanos() - live0);
                if (lag > 0) {
                    actuator.elapse(Duration.ofNanos(lag));
                }
                long nextDue = i + 1 < steps.size() ? steps.get(i + 1).targetNanos() - recorded0 : Long.MAX_VALUE;
                long stepStart = due;
                clocked.reset();
                // a step cut short in the recording is cut where the next one began
                if (rec.failed()) {
                    // it failed when recorded, before or while acting: what it sent is not known, so nothing is re-sent
                    log.debug("step {} failed at {} when recorded: nothing re-sent", rec.step(), rec.failedAt());
                    done++;
                    continue;
                }
                boolean cut = rec.interrupted();
                var ex = executor.run(rec.command(), sceneOf(rec), clocked,
                        () -> stop.get() || (cut && stepStart + clocked.elapsed() >= nextDue));
                log.debug("step {}: {} sent {}", rec.step(), rec.command(), ex.sent());
                done++;
            }
        } finally {
            actuator.releaseAll();
        }
        return new Result(done, target.outcome(), target.score(), reason);
    }

    /** The scene as recorded, for skills that point at an entity. */
    private static Scene sceneOf(RecordedStep rec) {
        List<Entity> ents = new ArrayList<>();
        for (var e : rec.entities() == null ? List.<StepRecord.EntityAt>of() : rec.entities()) {
            ents.add(new Entity(e.kind(), e.x(), e.y(), 0, 0));
        }
        return new Scene(0, 0, "px", ents, null);
    }

    /** The target's actuator, counting the time it lets pass in the running step. */
    private static final class Clocked implements Actuator {
        private final Actuator inner;
        private long elapsed;

        Clocked(Actuator inner) {
            this.inner = inner;
        }

        void reset() {
            elapsed = 0;
        }

        long elapsed() {
            return elapsed;
        }

        @Override
        public void keyDown(String key) {
            inner.keyDown(key);
        }

        @Override
        public void keyUp(String key) {
            inner.keyUp(key);
        }

        @Override
        public void elapse(Duration duration) throws InterruptedException {
            inner.elapse(duration);
            elapsed += duration.toNanos();
        }

        @Override
        public Set<String> held() {
            return inner.held();
        }

        @Override
        public void releaseAll() {
            inner.releaseAll();
        }

        @Override
        public void type(String text) {
            inner.type(text);
        }

        @Override
        public void mouseMove(double x, double y, boolean relative) {
            inner.mouseMove(x, y, relative);
        }

        @Override
        public void mouseButton(String button, boolean down) {
            inner.mouseButton(button, down);
        }

        @Override
        public void scroll(int notches) {
            inner.scroll(notches);
        }

        @Override
        public void publish(String topic, String payload) {
            inner.publish(topic, payload);
        }

        @Override
        public void emergencyStop() {
            inner.emergencyStop();
        }
    }
}
