package dev.embody.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where every correction channel drops what the operator said, for the loop to take at the next step. Any thread may
 * {@link #submit}; an interrupting intervention also cuts the running skill short. A stop is remembered even if the
 * queue is drained, so "stop" always wins.
 */
public final class OperatorInbox {

    private final ConcurrentLinkedQueue<Intervention> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean interrupt = new AtomicBoolean();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<java.util.function.Consumer<Intervention>> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void submit(Intervention intervention) {
        if (intervention.kind() == Intervention.Kind.STOP) {
            stop.set(true);
        }
        // under the lock drain takes: a drained command must not leave its interrupt behind to cancel itself
        synchronized (queue) {
            queue.add(intervention);
            if (intervention.interrupts()) {
                interrupt.set(true);
            }
        }
        observers.forEach(o -> o.accept(intervention));
    }

    /** Someone else (a console, a log) wants to see each intervention as it arrives. */
    public void observe(java.util.function.Consumer<Intervention> observer) {
        observers.add(observer);
    }

    /** Everything waiting, oldest first; clears the interrupt. */
    public List<Intervention> drain() {
        List<Intervention> out = new ArrayList<>();
        synchronized (queue) {
            interrupt.set(false);
            Intervention i;
            while ((i = queue.poll()) != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** Whether a running skill should stop now. */
    public boolean interrupted() {
        return interrupt.get() || stop.get();
    }

    public boolean stopRequested() {
        return stop.get();
    }
}
