package dev.embody.cli;

import dev.embody.loop.AgentLoop;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C during a run of episodes: the hook stops the loop running now and waits (10 s at most) until the command has
 * finished, so the episode is recorded to its end and every exit path releases its keys and stops its robot.
 */
final class CtrlC {

    private final AtomicReference<AgentLoop> running = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean interrupted;
    private final Thread hook;

    private CtrlC() {
        hook = new Thread(() -> {
            interrupted = true;
            AgentLoop loop = running.get();
            if (loop != null) {
                loop.requestStop();
                try {
                    finished.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "ctrl-c");
    }

    /** Hooks Ctrl-C (the JVM's shutdown) until {@link #finished()}. */
    static CtrlC hook() {
        CtrlC c = new CtrlC();
        Runtime.getRuntime().addShutdownHook(c.hook);
        return c;
    }

    /** The loop Ctrl-C stops now; null between episodes. */
    void running(AgentLoop loop) {
        running.set(loop);
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
