package dev.embody.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The game in its own window, in a child JVM ({@code sim-window}): the program a desktop agent is pointed at. Its
 * stdout is the game's side of the story (keys down and up, levels won and lost), which a test reads to check what
 * the agent really did to it.
 */
public final class SimWindowGame implements AutoCloseable {

    private final EmbodyProcess process;

    private SimWindowGame(EmbodyProcess process) {
        this.process = process;
    }

    /** Starts {@code sim-window} with these extra arguments and waits until its first level is on screen. */
    public static SimWindowGame start(Path workDir, String... args) throws IOException, InterruptedException {
        String[] all = new String[args.length + 1];
        all[0] = "sim-window";
        System.arraycopy(args, 0, all, 1, args.length);
        SimWindowGame g = new SimWindowGame(EmbodyProcess.cli(workDir, Map.of(), all));
        if (!g.process.awaitOutput("level 1/", 60)) {
            String err = g.process.stderr();
            g.close();
            throw new IllegalStateException("sim-window did not open its window: " + err);
        }
        return g;
    }

    public EmbodyProcess process() {
        return process;
    }

    public String log() throws IOException {
        return process.stdout();
    }

    /** The keys the game holds according to its last key event line. */
    public String heldNow() throws IOException {
        Matcher m = Pattern.compile("held=(\\[[^]]*])").matcher(log());
        String last = "[]";
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    /** Waits until the game's last key line says exactly these keys are held. */
    public boolean awaitHeld(String held, long millis) throws IOException, InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (heldNow().equals(held)) {
                return true;
            }
            Thread.sleep(20);
        }
        return heldNow().equals(held);
    }

    /** The level lines ("level 3/10 end seed=3 outcome=success ..."). */
    public List<String> endings() throws IOException {
        return log().lines().filter(l -> l.contains(" end seed=")).toList();
    }

    /** Copies the project's calibration/ into {@code dir} and returns sim-window.yaml there with a watchdog of {@code watchdogS}. */
    public static Path calibration(Path dir, double watchdogS) throws IOException {
        EmbodyProcess.copyProjectFolders(dir, "calibration");
        Path cal = dir.resolve("calibration/desktop/sim-window.yaml");
        String text = Files.readString(cal).replaceAll("watchdog_s: [0-9.]+", "watchdog_s: " + watchdogS)
                .replace("skills: skills/sim-game", "skills: " + Path.of("skills/sim-game").toAbsolutePath());
        Files.writeString(cal, text);
        return cal;
    }

    @Override
    public void close() {
        process.close();
    }
}
