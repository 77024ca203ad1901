package dev.embody.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Where a person's own input lands while they demonstrate, stamped on arrival ({@link System#nanoTime()}): a window's
 * key listener, the X server's input, a gamepad or the console's command buttons add to it from their threads, and the
 * person's policy takes each step's window from it. Like {@link OperatorInbox}, any thread may add.
 */
public final class InputLog {

    /** An event and when it arrived. */
    public record Stamped(long nanos, PersonInput.Event event) {
    }

    private final ConcurrentLinkedDeque<Stamped> queue = new ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicLong added = new java.util.concurrent.atomic.AtomicLong();

    public void add(PersonInput.Event event) {
        add(System.nanoTime(), event);
    }

    public void add(long nanos, PersonInput.Event event) {
        queue.add(new Stamped(nanos, event));
        added.incrementAndGet();
    }

    /** Every event that arrived up to {@code untilNanos}, oldest first; later ones stay for the next window. */
    public List<Stamped> take(long untilNanos) {
        return take(untilNanos, false);
    }

    /**
     * @param oneCommand stop after the first {@code command} event (a console button is one step's command; the next
     *                   waits for the next step)
     */
    public synchronized List<Stamped> take(long untilNanos, boolean oneCommand) {
        List<Stamped> out = new ArrayList<>();
        Stamped s;
        while ((s = queue.peekFirst()) != null && s.nanos() <= untilNanos) {
            queue.pollFirst();
            out.add(s);
            if (oneCommand && "command".equals(s.event().event())) {
                break;
            }
        }
        return out;
    }

    /** Events added since the log began (a progress line). */
    public long added() {
        return added.get();
    }
}
