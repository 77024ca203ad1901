package dev.embody.testkit;

import dev.embody.perception.ScreenCalibration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A terminal game's true state, as a scripted person reads it: the text of the tmux session the calibration's launch
 * command starts (its server {@code -L} and session {@code -s}), through {@code tmux capture-pane}.
 */
public record TmuxPane(String socket, String session) {

    /** The pane a calibration's launch command opens; refused, naming the file, where it names none. */
    public static TmuxPane launchedBy(ScreenCalibration calibration) {
        if (calibration.launch() == null) {
            throw new IllegalArgumentException("calibration " + calibration.file() + " has no launch: the demonstrator reads the game through the tmux session it starts");
        }
        List<String> cmd = calibration.launch().command();
        String session = after(cmd, "-s", null);
        if (session == null) {
            throw new IllegalArgumentException("the launch command of " + calibration.file() + " names no tmux session (new-session -s NAME)");
        }
        return new TmuxPane(after(cmd, "-L", "default"), session);
    }

    private static String after(List<String> words, String flag, String otherwise) {
        int i = words.indexOf(flag);
        return i >= 0 && i + 1 < words.size() ? words.get(i + 1) : otherwise;
    }

    /** The pane's lines now, or empty when its session is not there (not started yet, or over). */
    public Optional<List<String>> lines() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-t", session).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return Optional.empty();
        }
        return p.exitValue() == 0 ? Optional.of(out.lines().toList()) : Optional.empty();
    }
}
