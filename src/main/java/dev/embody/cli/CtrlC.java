package dev.embody.cli;

import dev.embody.loop.AgentLoop;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C during a command: the hook stops what runs now (the loop of the episode under way, a trainer) and waits a
 * bounded time until the command has finished, so an episode is recorded to its end, every exit path releases its keys
 * and stops its robot, and a trainer gives its lease up.
 */
final class CtrlC {

    private final AtomicReference<Runnable> stopNow = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean interrupted;
    private final Thread hook;

    private CtrlC(long waitSeconds) {
        hook = new Thread(() -> {
            interrupted = true;
            Runnable stop = stopNow.get();
            if (stop != null) {
                stop.run();
                try {
                    finished.await(waitSeconds, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "ctrl-c");
    }

    /** Hooks Ctrl-C (the JVM's shutdown) until {@link #finished()}, waiting 10 s at most for a loop to end its episode. */
    static CtrlC hook() {
        return hook(10);
    }

    /** The same, waiting {@code waitSeconds} at most for the command to finish. */
    static CtrlC hook(long waitSeconds) {
        CtrlC c = new CtrlC(waitSeconds);
        Runtime.getRuntime().addShutdownHook(c.hook);
        return c;
    }

    /** The loop Ctrl-C stops now; null between episodes. */
    void running(AgentLoop loop) {
        stopNow.set(loop == null ? null : loop::requestStop);
    }

    /** What Ctrl-C does to stop the command (a command that is not a loop of episodes). */
    void onCtrlC(Runnable stop) {
        stopNow.set(stop);
    }

    boolean interrupted() {
        return interrupted;
    }

    /** The command is done with its episodes: a Ctrl-C that came may let the JVM end; otherwise the hook goes. */
    void finished() {
        finished.countDown();
        if (!interrupted) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }
}
