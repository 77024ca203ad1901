package dev.embody.testkit;

import dev.embody.actuation.DesktopTarget;
import dev.embody.loop.Outcome;
import dev.embody.perception.DeclaredEnding;
import dev.embody.perception.ScreenCalibration;
import dev.embody.perception.XWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted person for Debian's ninvaders, run as its own process ({@link InvadersDemonstratorCommand}): it reads the
 * game's true state from the terminal's text ({@code tmux capture-pane}: the gun pod's column, the aliens, the missiles)
 * and plays through real X key events (XTest), one key a tick at most (its rate: 20 a second for demonstrations, two
 * keys in each of record's tenth-of-a-second steps), as a person's hand: dodge a bomb falling onto the pod, watch its
 * own missile while it flies, else go under the nearest alien (led by the aliens' drift for the missile's climb) and
 * fire there.
 */
public final class InvadersDemonstrator {

    private static final Logger log = LoggerFactory.getLogger(InvadersDemonstrator.class);
    /** The pod's row: ninvaders draws it on the second row from the bottom of its 80x24 field. */
    static final int POD_ROW = 22;
    /** The pod, its gun up ("/-^-\\") or down while a hit shows ("/- -\\"): a demonstrator that lost it would wait for good. */
    private static final Pattern POD = Pattern.compile("/-[\\^ ]-\\\\");
    private static final Pattern SCORE = Pattern.compile("Score:\\s*(\\d+)");
    /** Alien columns a second (one column every 7 of the game's 50 ticks a second, level 1) and the missile's rows a second. */
    private static final double ALIEN_COLS_PER_S = 50.0 / 7, MISSILE_ROWS_PER_S = 25;

    /** What the terminal shows: the gun's column (null while the pod explodes), the lowest alien row a column, missiles. */
    public record Screen(Integer gun, int podRow, int[] lowestAlien, boolean missileUp, List<int[]> bombs, Long score, boolean playing) {
        /** The leftmost column holding an alien, or -1. */
        int leftmostAlien() {
            for (int c = 0; c < lowestAlien.length; c++) {
                if (lowestAlien[c] >= 0) {
                    return c;
                }
            }
            return -1;
        }
    }

    /** One episode it played: the verdict read from the screen, the OCR score, tmux's score at the end, its key presses. */
    public record Played(Outcome outcome, String reason, Map<String, Object> score, long trueScore, int presses) {
        public double ocrScore() {
            return score.get("score") instanceof Number n ? n.doubleValue() : 0;
        }
    }

    private final ScreenCalibration calibration;
    private final String socket, session;
    private final long periodNanos;
    private int drift = 1;
    private int lastLeftmost = -1;

    /**
     * @param socket  the tmux server's socket name ({@code tmux -L})
     * @param session the tmux session the game runs in
     * @param rateHz  keys a second at most
     */
    public InvadersDemonstrator(ScreenCalibration calibration, String socket, String session, double rateHz) {
        this.calibration = calibration;
        this.socket = socket;
        this.session = session;
        this.periodNanos = (long) (1e9 / rateHz);
    }

    /** Reads the terminal's lines as ninvaders draws them. */
    public static Screen read(List<String> lines) {
        int[] lowest = new int[80];
        Arrays.fill(lowest, -1);
        boolean missile = false;
        List<int[]> bombs = new ArrayList<>();
        Integer gun = null;
        int podRow = POD_ROW;
        // the pod's row as drawn, not assumed: a game that started before tmux dropped its status line draws on 23 rows
        for (int r = lines.size() - 1; r >= 0; r--) {
            Matcher pod = POD.matcher(lines.get(r));
            if (pod.find()) {
                gun = pod.start() + 2;
                podRow = r;
                break;
            }
        }
        Long score = null;
        boolean playing = false;
        for (int r = 0; r < lines.size(); r++) {
            String line = lines.get(r);
            Matcher m = SCORE.matcher(line);
            if (m.find()) {
                score = Long.parseLong(m.group(1));
                playing = true;
                continue;
            }
            for (int c = 0; c < Math.min(80, line.length()); c++) {
                char ch = line.charAt(c);
                if (ch == '!') {
                    missile = true;
                } else if (ch == ':') {
                    bombs.add(new int[]{c, r});
                } else if (ch != ' ' && ch != '#' && r >= 1 && r < podRow) {
                    // row 0 is the UFO's, too quick to aim at
                    lowest[c] = r;
                }
            }
        }
        return new Screen(gun, podRow, lowest, missile, bombs, score, playing);
    }

    /**
     * The key to press now (LEFT, RIGHT, SPACE) or null to wait, from what the screen shows (the aliens' drift from the
     * last screens): a bomb falling onto the pod is dodged; while its own missile flies it watches it (one missile at a
     * time, and a person who chased the next column meanwhile would be deciding from a screen the missile is still on);
     * else it goes under the nearest alien, led by the drift for the missile's climb, and fires there.
     */
    public String decide(Screen s) {
        if (s.gun() == null) {
            return null;
        }
        int gun = s.gun(), pod = s.podRow();
        int left = s.leftmostAlien();
        if (left >= 0 && lastLeftmost >= 0 && left != lastLeftmost && Math.abs(left - lastLeftmost) <= 2) {
            drift = Integer.signum(left - lastLeftmost);
        }
        lastLeftmost = left;
        // a bomb falling onto the pod (its five columns and one either side), less than a second and a half above it
        for (int[] b : s.bombs()) {
            if (Math.abs(b[0] - gun) <= 3 && b[1] >= pod - 12 && b[1] < pod + 1) {
                return b[0] >= gun ? (gun > 2 ? "LEFT" : "RIGHT") : (gun < 77 ? "RIGHT" : "LEFT");
            }
        }
        if (s.missileUp()) {
            return null;
        }
        int best = -1, bestDistance = Integer.MAX_VALUE;
        for (int c = 0; c < s.lowestAlien().length; c++) {
            int r = s.lowestAlien()[c];
            if (r < 0) {
                continue;
            }
            // where the pod must be for a missile fired now to meet this alien: ahead of it by its drift during the climb
            int lead = (int) Math.round((pod - 1 - r) / MISSILE_ROWS_PER_S * ALIEN_COLS_PER_S);
            int aim = Math.max(2, Math.min(77, c + drift * lead));
            int d = Math.abs(aim - gun);
            if (d < bestDistance) {
                bestDistance = d;
                best = aim;
            }
        }
        if (best < 0) {
            return null;
        }
        if (best == gun) {
            return "SPACE";
        }
        return best < gun ? "LEFT" : "RIGHT";
    }

    /** The game's terminal as text, or empty when its tmux session is not there. */
    public Optional<List<String>> capture() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-t", session).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.getErrorStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return Optional.empty();
        }
        return Optional.of(List.of(new String(out, StandardCharsets.UTF_8).split("\n", -1)));
    }

    /**
     * Plays one episode itself: a fresh game (the calibration's launch and start key), keys through the desktop
     * actuator (XTest), judged and scored from the screen by the calibration's declared ending and OCR score.
     */
    public Played play(Duration timeLimit) throws Exception {
        DeclaredEnding ending = new DeclaredEnding(calibration, timeLimit);
        int presses = 0;
        long trueScore = 0;
        drift = 1;
        lastLeftmost = -1;
        try (DesktopTarget target = DesktopTarget.open(calibration, Duration.ofSeconds(30), ending)) {
            while (!target.outcome().finished()) {
                long t0 = System.nanoTime();
                target.frames().next();
                Optional<List<String>> text = capture();
                if (text.isPresent()) {
                    Screen s = read(text.get());
                    if (s.score() != null) {
                        trueScore = s.score();
                    }
                    String key = s.playing() ? decide(s) : null;
                    if (key != null) {
                        target.actuator().keyDown(key);
                        target.actuator().keyUp(key);
                        presses++;
                    }
                }
                pace(t0);
            }
            // the score OCR read last, and what tmux says now, for comparison
            Optional<List<String>> text = capture();
            if (text.isPresent() && read(text.get()).score() != null) {
                trueScore = read(text.get()).score();
            }
            return new Played(target.outcome(), ending.reason(), ending.score(), trueScore, presses);
        }
    }

    /** Plays {@code episodes} games, each told to {@code each} as it ends. */
    public List<Played> measure(int episodes, Duration timeLimit, Consumer<Played> each) throws Exception {
        List<Played> all = new ArrayList<>();
        for (int i = 0; i < episodes; i++) {
            Played p = play(timeLimit);
            all.add(p);
            each.accept(p);
        }
        return all;
    }

    /**
     * Plays the games that show in the calibrated window, whoever started them ({@code record}, which hears its keys as
     * a person's): gives the window the keyboard as a person clicks into it, and presses keys by the same rule through
     * java.awt.Robot. Runs until no game has shown for {@code idle} after the last one.
     */
    public int playAlong(Duration firstWait, Duration idle) throws Exception {
        java.awt.Robot keys = new java.awt.Robot();
        int presses = 0, games = 0;
        long ticks = 0, tickNanos = 0;
        long lastSeen = System.nanoTime(), windowId = -1, lookedAt = 0;
        Optional<XWindows.Window> w = Optional.empty();
        log.info("{} '{}'", dev.embody.bench.DesktopArena.OPERATOR_READY, calibration.title());
        while (true) {
            long t0 = System.nanoTime();
            // the window is looked up twice a second, not every tick: xdotool and xwininfo are two processes more a
            // tick, and on loaded cores they held the demonstrator to about 6 keys a second where it meant 10
            if (w.isEmpty() || t0 - lookedAt > 500_000_000L) {
                w = window();
                lookedAt = t0;
            }
            Optional<List<String>> text = w.isPresent() ? capture() : Optional.empty();
            if (w.isEmpty() || text.isEmpty()) {
                w = Optional.empty();
                if (t0 - lastSeen > (games == 0 ? firstWait : idle).toNanos()) {
                    log.info("played along: {} games, {} presses, {} ticks of {} ms on average", games, presses, ticks,
                            ticks == 0 ? 0 : tickNanos / ticks / 1_000_000);
                    return presses;
                }
                Thread.sleep(50);
                continue;
            }
            lastSeen = t0;
            if (w.get().id() != windowId) {
                try {
                    XWindows.focus(w.get().id());
                } catch (IOException gone) {
                    // a window that closed between the search and now (the last game's): not a game to play
                    log.info("window {} could not take the keyboard ({}); looking again", w.get().id(), gone.getMessage());
                    w = Optional.empty();
                    Thread.sleep(50);
                    continue;
                }
                windowId = w.get().id();
                games++;
                log.info("game {}: window {}", games, windowId);
                drift = 1;
                lastLeftmost = -1;
            }
            Screen s = read(text.get());
            String key = s.playing() ? decide(s) : null;
            if (key != null) {
                int code = switch (key) {
                    case "LEFT" -> java.awt.event.KeyEvent.VK_LEFT;
                    case "RIGHT" -> java.awt.event.KeyEvent.VK_RIGHT;
                    default -> java.awt.event.KeyEvent.VK_SPACE;
                };
                keys.keyPress(code);
                keys.keyRelease(code);
                presses++;
            }
            pace(t0);
            ticks++;
            tickNanos += System.nanoTime() - t0;
        }
    }

    /**
     * The game's window, if one shows. A window that closes while it is looked at (the last game's xterm going as the
     * next one comes) makes xwininfo fail: that is no window yet, not the end of the demonstration, which it once was,
     * and record then heard no key in its whole episode.
     */
    private Optional<XWindows.Window> window() {
        try {
            return XWindows.find(calibration.title());
        } catch (IOException gone) {
            log.info("no window to play this time ({})", gone.getMessage());
            return Optional.empty();
        }
    }

    private void pace(long t0) throws InterruptedException {
        long rest = periodNanos - (System.nanoTime() - t0);
        if (rest > 0) {
            Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
        }
    }
}
