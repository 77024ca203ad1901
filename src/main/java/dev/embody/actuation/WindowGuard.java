package dev.embody.actuation;

import dev.embody.perception.ScreenRegion;
import dev.embody.perception.XWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks, in the background, that the target window is still where calibration put it (same X window, mapped, same
 * place and size). When it is not, {@link #problem()} says why and the desktop target pauses: no key, no click, until
 * it is back. A calibration with a bare region and no window has nothing to check and is always in place.
 */
public final class WindowGuard implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WindowGuard.class);

    private final long windowId;
    private final ScreenRegion expected;
    private final Thread thread;
    private volatile String problem;
    private volatile boolean closed;

    private WindowGuard(long windowId, ScreenRegion expected, long everyMillis) {
        this.windowId = windowId;
        this.expected = expected;
        if (windowId == 0) {
            thread = null;
            return;
        }
        thread = new Thread(() -> {
            while (!closed) {
                check();
                try {
                    TimeUnit.MILLISECONDS.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "window-guard");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches an X window whose whole area should stay at {@code expected}. */
    public static WindowGuard watching(long windowId, ScreenRegion expected, long everyMillis) {
        return new WindowGuard(windowId, expected, everyMillis);
    }

    /** Nothing to watch: a calibrated region of the screen, no window. */
    public static WindowGuard none() {
        return new WindowGuard(0, null, 0);
    }

    /** Checks now, and remembers the answer. */
    public void check() {
        if (windowId == 0) {
            return;
        }
        String p;
        try {
            Optional<XWindows.Window> w = XWindows.geometry(windowId);
            if (w.isEmpty()) {
                p = "the target window (X id " + windowId + ") is gone";
            } else if (!w.get().viewable()) {
                p = "the target window is not on screen (unmapped or minimised)";
            } else if (!w.get().region().equals(expected)) {
                p = "the target window moved: calibration put it at " + expected + ", it is now at " + w.get().region();
            } else {
                p = null;
            }
        } catch (IOException e) {
            p = "cannot ask the X server where the target window is: " + e.getMessage();
        }
        if (closed) {
            // a check that ends after the episode's target closed: the window is going away on purpose
            return;
        }
        String before = problem;
        problem = p;
        if (p != null && before == null) {
            log.warn("paused: {}; waiting for it to come back", p);
        } else if (p == null && before != null) {
            log.info("the target window is back where calibration put it; resuming");
        }
    }

    /** Why acting now would be unsafe, or null when the window is in place. */
    public String problem() {
        return problem;
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
            try {
                // the program is ended right after: let a check in flight finish first, so it cannot report it gone
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
