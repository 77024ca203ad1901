package dev.embody.actuation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program embody started for one episode (a calibration's {@code launch:}): a fresh one for every episode, so each
 * begins from the program's own start and nothing is left over from the last. Closing it ends it and every process
 * it started (xterm's game), politely first, then by force.
 */
public final class LaunchedProgram implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LaunchedProgram.class);
    /** How long it has to exit after being asked before it is killed. */
    private static final long GRACE_MS = 2000;

    private final List<String> command;
    private final Process process;
    /** Ends the program if embody itself is ended (Ctrl-C, a test killing it): a game left running spins on a dead terminal. */
    private final Thread onExit;

    private LaunchedProgram(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.onExit = new Thread(this::end, "end-launched-program");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /**
     * Starts the command (its words as given, no shell), its output discarded.
     *
     * @throws IOException naming the command when it cannot be started (not installed, not executable)
     */
    public static LaunchedProgram start(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            log.debug("started {} (pid {})", command, p.pid());
            return new LaunchedProgram(List.copyOf(command), p);
        } catch (IOException e) {
            throw new IOException("cannot start '" + String.join(" ", command) + "': " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** How it ended, for a message when it ended before its episode did. */
    public String describe() {
        return "'" + command.get(0) + "' (pid " + process.pid() + ")" + (process.isAlive() ? "" : " exited with " + process.exitValue());
    }

    @Override
    public void close() {
        end();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs (or ran) end() itself
        }
    }

    /** The program and what it started, asked to end, then killed: a terminal game outlives its xterm's SIGTERM otherwise. */
    private void end() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(GRACE_MS, TimeUnit.MILLISECONDS)) {
                log.warn("{} did not exit within {} ms; killing it", describe(), GRACE_MS);
                process.destroyForcibly();
                process.waitFor(GRACE_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle c : children) {
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        }
    }
}
