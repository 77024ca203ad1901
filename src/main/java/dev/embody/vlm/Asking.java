package dev.embody.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * How one model-backed module asks the model. Beside the loop (the default) it never waits: each step offers the
 * latest frame, a worker thread asks when it is not already asking, and the step gets whatever has come; so the model
 * always works on the newest frame while the loop goes on at its rate. Waiting (where the profile says its target
 * stands still meanwhile) it asks at the step and returns the answer or the failure. Either way a bad answer has been
 * retried by the client and logged with its request before the module hears of it.
 */
public final class Asking<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Asking.class);

    /** Reads a checked answer into the module's terms (a command, a task, a scene). */
    @FunctionalInterface
    public interface Reader<T> {
        /** @param asked the question it answers (its images map places back into the frame) */
        T read(JsonNode value, Question asked);
    }

    /**
     * What a question needs from the loop's thread (memory, the step's records), read only when the model is asked:
     * it returns what builds the question where it is asked (beside: on the worker, so the image is coded there).
     */
    @FunctionalInterface
    public interface Prepare {
        Supplier<Question> onLoop();
    }

    private final String module;
    private final ModelSession session;
    private final ExecutorService worker;
    private Future<?> inFlight;
    private long inFlightFrame = -1;
    private long inFlightSince;
    // what the worker has brought back, newest first
    private T latest;
    private Answer latestAnswer;
    private long latestFrame = -1;
    private long latestArrived;
    private boolean latestTold;
    private BadAnswer failure;
    /** Bumped at each episode's end: what was asked in one episode is not delivered in the next. */
    private long generation;

    Asking(String module, ModelSession session) {
        this.module = module;
        this.session = session;
        this.worker = session.waits() ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vlm-" + module);
            t.setDaemon(true);
            return t;
        });
    }

    public String module() {
        return module;
    }

    /**
     * This step's reply.
     *
     * @param frame   the frame's number, for "asked on frame N"
     * @param prepare run on the loop's thread only when the model is asked this step
     */
    public Reply<T> reply(long frame, Prepare prepare, Reader<T> reader) {
        if (worker == null) {
            return now(frame, prepare.onLoop(), reader);
        }
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                Supplier<Question> question = prepare.onLoop();
                inFlightFrame = frame;
                inFlightSince = System.nanoTime();
                long g = generation;
                inFlight = worker.submit(() -> ask(g, frame, question, reader));
            }
            String waiting = String.format(Locale.ROOT, "thinking for %.1f s on frame %d", (System.nanoTime() - inFlightSince) / 1e9, inFlightFrame);
            if (failure != null) {
                BadAnswer f = failure;
                failure = null;
                return Reply.none(f, waiting);
            }
            if (latest == null) {
                return Reply.none(null, waiting);
            }
            boolean isNew = !latestTold;
            latestTold = true;
            return new Reply<>(latest, latestAnswer, latestFrame, (System.nanoTime() - latestArrived) / 1e9, isNew, null, waiting);
        }
    }

    private Reply<T> now(long frame, Supplier<Question> question, Reader<T> reader) {
        try {
            Question q = question.get();
            Answer a = session.client().ask(q);
            T value = reader.read(a.value(), q);
            session.answered(module, a, frame);
            return new Reply<>(value, a, frame, a.seconds(), true, null, null);
        } catch (BadAnswer b) {
            session.failed(module, b, frame);
            return Reply.none(b, null);
        } catch (RuntimeException e) {
            BadAnswer b = new BadAnswer(BadAnswer.Kind.UNUSABLE, "cannot be read: " + e.getMessage(), -1, 0);
            session.failed(module, b, frame);
            return Reply.none(b, null);
        }
    }

    private void ask(long g, long frame, Supplier<Question> question, Reader<T> reader) {
        try {
            Question q = question.get();
            Answer a = session.client().ask(q);
            T value = reader.read(a.value(), q);
            session.answered(module, a, frame);
            synchronized (this) {
                if (g != generation) {
                    return;
                }
                latest = value;
                latestAnswer = a;
                latestFrame = frame;
                latestArrived = System.nanoTime();
                latestTold = false;
            }
        } catch (BadAnswer b) {
            session.failed(module, b, frame);
            synchronized (this) {
                if (g != generation) {
                    return;
                }
                // a stale answer is not kept past a failure: the module falls back until a good one comes
                latest = null;
                failure = b;
            }
        } catch (RuntimeException e) {
            log.warn("the {} module's model call failed: {}", module, e.toString());
            BadAnswer b = new BadAnswer(BadAnswer.Kind.UNUSABLE, "cannot be read: " + e.getMessage(), -1, 0);
            session.failed(module, b, frame);
            synchronized (this) {
                if (g == generation) {
                    latest = null;
                    failure = b;
                }
            }
        }
    }

    /** An episode ended: nothing asked in it is delivered to the next one. */
    public synchronized void forget() {
        generation++;
        latest = null;
        latestAnswer = null;
        failure = null;
        latestFrame = -1;
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.shutdownNow();
        }
    }
}
