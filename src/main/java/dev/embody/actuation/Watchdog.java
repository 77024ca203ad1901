package dev.embody.actuation;

import dev.embody.loop.Actuator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;

/**
 * Releases everything an actuator holds when the loop stalls: if no step begins within the timeout while something
 * is held, it lets go (and says so). The loop tells it a step began with {@link #progress()}.
 */
public final class Watchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    private final Actuator actuator;
    private final long timeoutNanos;
    private final Thread thread;
    private volatile long last = System.nanoTime();
    private volatile boolean closed;

    public Watchdog(Actuator actuator, Duration timeout) {
        this.actuator = actuator;
        this.timeoutNanos = timeout.toNanos();
        long tick = Math.max(10, timeout.toMillis() / 10);
        thread = new Thread(() -> {
            while (!closed) {
                try {
                    Thread.sleep(tick);
                } catch (InterruptedException e) {
                    return;
                }
                long idle = System.nanoTime() - last;
                if (idle > timeoutNanos) {
                    Set<String> held = actuator.held();
                    if (!held.isEmpty()) {
                        log.warn("watchdog: no step for {} ms; releasing {}", idle / 1_000_000, held);
                        actuator.releaseAll();
                    }
                }
            }
        }, "actuator-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** A step began. */
    public void progress() {
        last = System.nanoTime();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
