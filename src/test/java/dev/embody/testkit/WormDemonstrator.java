package dev.embody.testkit;

import dev.embody.actuation.DesktopTarget;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Outcome;
import dev.embody.perception.DeclaredEnding;
import dev.embody.perception.ScreenCalibration;
import dev.embody.perception.XWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A scripted person for Debian's bsdgames {@code worm} run in tmux inside an xterm (test code: no product code names
 * the game). It reads the game's true state from tmux ({@code capture-pane}: head, food, walls, its own body), steers
 * toward the food the shortest way that leaves the worm room ({@link WormBoard#move}), and acts only through real X key
 * events to the xterm, one arrow key a period (each moves the worm a cell at once; the game alone crawls a cell a
 * second). The tmux server and session are the ones the calibration's launch command names ({@code -L}, {@code -s}).
 */
public final class WormDemonstrator {

    private static final Logger log = LoggerFactory.getLogger(WormDemonstrator.class);
    private static final Duration WINDOW_WAIT = Duration.ofSeconds(30);
    private static final Duration FIRST_WINDOW_WAIT = Duration.ofSeconds(120);

    /** One episode it played: the verdict and score the calibration's ending read off the screen, and tmux's score. */
    public record Played(Outcome outcome, String reason, Map<String, Object> score, int trueScore, int presses) {
    }

    private final ScreenCalibration calibration;
    private final double rateHz;
    private final TmuxPane pane;

    public WormDemonstrator(ScreenCalibration calibration, double rateHz) {
        this.pane = TmuxPane.launchedBy(calibration);
        this.calibration = calibration;
        this.rateHz = rateHz;
    }

    /** The game's text now, or empty when its tmux session is not there (not started yet, or over). */
    public Optional<WormBoard> board() throws IOException, InterruptedException {
        Optional<List<String>> lines = pane.lines();
        return lines.map(WormBoard::new);
    }

    /** The X key an arrow move sends. */
    static String key(String move) {
        return move.toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * Plays one episode itself: a fresh game (the calibration's launch), one arrow key a period, the episode judged from
     * the screen as the agent's is (the calibration's declared ending and score, read by OCR), beside tmux's score.
     */
    public Played play(Duration timeLimit) throws Exception {
        DeclaredEnding ending = new DeclaredEnding(calibration, timeLimit);
        long period = (long) (1e9 / rateHz);
        int presses = 0, trueScore = 0;
        String last = "right";
        try (DesktopTarget target = DesktopTarget.open(calibration, WINDOW_WAIT, ending)) {
            FrameSource frames = target.frames();
            while (!target.outcome().finished()) {
                long t0 = System.nanoTime();
                frames.next();
                if (target.outcome().finished()) {
                    break;
                }
                Optional<WormBoard> b = board();
                if (b.isPresent()) {
                    trueScore = b.get().score();
                    Optional<String> m = b.get().move(last);
                    if (m.isPresent()) {
                        target.actuator().keyDown(key(m.get()));
                        target.actuator().keyUp(key(m.get()));
                        last = m.get();
                        presses++;
                    }
                }
                sleepRest(t0, period);
            }
            // the last reading of the score a frame showed before the end
            ending.settle(Duration.ofSeconds(5));
            // tmux's score after that last frame (the loop's own reading may predate it by a digit eaten); gone if it crashed
            Optional<WormBoard> after = board();
            if (after.isPresent()) {
                trueScore = after.get().score();
            }
            return new Played(target.outcome(), ending.reason(), new LinkedHashMap<>(ending.score()), trueScore, presses);
        }
    }

    /**
     * Plays the games that show in the calibrated window, whoever started them ({@code record}, which hears the keys as
     * a person's): gives the window the keyboard, then one arrow key a period by the same rule, through real X events
     * (java.awt.Robot, XTest). Runs until no game has shown for a while after the last one.
     */
    public void playAlong(Runnable pressed) throws IOException, InterruptedException {
        java.awt.Robot keys;
        try {
            keys = new java.awt.Robot();
        } catch (java.awt.AWTException e) {
            throw new IOException("cannot send X key events on display " + System.getenv("DISPLAY") + ": " + e.getMessage(), e);
        }
        long period = (long) (1e9 / rateHz);
        int watched = 0;
        log.info("{} '{}'", dev.embody.bench.DesktopArena.OPERATOR_READY, calibration.title());
        while (!Thread.currentThread().isInterrupted()) {
            Optional<XWindows.Window> next = awaitWindow(watched == 0 ? FIRST_WINDOW_WAIT : WINDOW_WAIT);
            if (next.isEmpty()) {
                if (watched == 0) {
                    throw new IOException("no window titled '" + calibration.title() + "' on display " + System.getenv("DISPLAY"));
                }
                log.info("played {} game(s); none for {} s since: done", watched, WINDOW_WAIT.toSeconds());
                return;
            }
            XWindows.Window w = next.get();
            watched++;
            // as a person does: the pointer rests in the game's window, and the window has the keyboard
            keys.mouseMove(w.region().x() + w.region().width() / 2, w.region().y() + w.region().height() / 2);
            try {
                XWindows.focus(w.id());
            } catch (IOException e) {
                // a window on its way out (the last game's): wait for the next
                log.debug("could not focus {}: {}", w.id(), e.toString());
                Thread.sleep(100);
                continue;
            }
            String last = "right";
            long checked = System.nanoTime();
            while (true) {
                long t0 = System.nanoTime();
                if (t0 - checked > 500_000_000L) {
                    checked = t0;
                    if (XWindows.geometry(w.id()).filter(XWindows.Window::viewable).isEmpty()) {
                        break;
                    }
                    // a window given the keyboard before it was ready to take it, or that lost it: clicked into again
                    if (focused() != w.id()) {
                        try {
                            XWindows.focus(w.id());
                        } catch (IOException e) {
                            break;
                        }
                    }
                }
                Optional<WormBoard> b = board();
                if (b.isEmpty()) {
                    // the session is over (the worm crashed) or not up yet
                    if (XWindows.geometry(w.id()).filter(XWindows.Window::viewable).isEmpty()) {
                        break;
                    }
                } else {
                    Optional<String> m = b.get().move(last);
                    if (m.isPresent()) {
                        int vk = switch (m.get()) {
                            case "up" -> java.awt.event.KeyEvent.VK_UP;
                            case "down" -> java.awt.event.KeyEvent.VK_DOWN;
                            case "left" -> java.awt.event.KeyEvent.VK_LEFT;
                            default -> java.awt.event.KeyEvent.VK_RIGHT;
                        };
                        keys.keyPress(vk);
                        keys.keyRelease(vk);
                        last = m.get();
                        pressed.run();
                    }
                }
                sleepRest(t0, period);
            }
            // between episodes: the next game's window is a new one
            while (XWindows.find(calibration.title()).filter(x -> x.id() == w.id()).isPresent()) {
                Thread.sleep(50);
            }
        }
    }

    /** The X window that has the keyboard (0 when it cannot tell). */
    private static long focused() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("xdotool", "getwindowfocus").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(5, TimeUnit.SECONDS);
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Optional<XWindows.Window> awaitWindow(Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<XWindows.Window> w = XWindows.find(calibration.title());
            if (w.isPresent() || System.nanoTime() > deadline) {
                return w;
            }
            Thread.sleep(50);
        }
    }

    private static void sleepRest(long t0, long period) throws InterruptedException {
        long rest = period - (System.nanoTime() - t0);
        if (rest > 0) {
            Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
        }
    }
}
