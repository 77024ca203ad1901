package dev.embody.testkit;

import dev.embody.actuation.DesktopTarget;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Rate;
import dev.embody.perception.DeclaredEnding;
import dev.embody.perception.ScreenCalibration;
import dev.embody.perception.ScreenCapture;
import dev.embody.perception.ScreenRegion;
import dev.embody.perception.XWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A scripted person for moon-buggy, run as its own process ({@link MoonBuggyDemonstratorCommand}): it sees only the
 * screen (the calibrated window, captured) and plays through real X key events, with one hand-written rule read from
 * the pixels: jump when a crater is about to reach the buggy's rear wheel (later for a wide crater, so the buggy lands
 * beyond it). It stands for the person in tests and in the benchmark, two ways:
 * <ul>
 *   <li>{@link #play}: it plays episodes itself (a fresh game each), and its own success rate is measured;</li>
 *   <li>{@link #correct}: it watches the agent play and says what a person would shout ("jump!") through one of the
 *   agent's correction channels (a line on its stdout for {@code live --stdin-corrections}, or MQTT), so its words go
 *   through the agent's own parser. It never touches the keyboard, the pointer or the focus then;</li>
 *   <li>{@link #playAlong}: it plays the games someone else starts (the agent's {@code record} of a demonstration,
 *   which hears its keys as a person's).</li>
 * </ul>
 */
public final class MoonBuggyDemonstrator {

    private static final Logger log = LoggerFactory.getLogger(MoonBuggyDemonstrator.class);
    /** What it says on stderr once it watches: an arena starts its first episode after this. */
    public static final String WATCHING = dev.embody.bench.DesktopArena.OPERATOR_READY;
    /** Waiting for the game's window: between the agent's episodes (a fresh game is up within seconds)... */
    private static final Duration WINDOW_WAIT = Duration.ofSeconds(30);
    /** ... and before the first one (the agent may still be starting). */
    private static final Duration FIRST_WINDOW_WAIT = Duration.ofSeconds(120);

    /**
     * @param reach   a crater is jumped when at most this many cells of ground, less its width, are left before the rear
     *                wheel (a wide crater wants the jump as late as possible), never fewer than 0
     * @param lead    cells said earlier when correcting: the words reach the agent's next step (a loop period) later
     * @param rateHz  frames looked at a second
     */
    public record Settings(int reach, int lead, double rateHz) {
        public static Settings defaults() {
            return new Settings(4, 1, 50);
        }
    }

    /** One episode it played: the verdict read from the screen, the figures, how many jumps it made. */
    public record Played(Outcome outcome, String reason, Map<String, Object> score, int jumps) {
        public double survivedSeconds() {
            return score.get("survived_s") instanceof Number n ? n.doubleValue() : 0;
        }
    }

    private final ScreenCalibration calibration;
    private final Settings settings;

    public MoonBuggyDemonstrator(ScreenCalibration calibration, Settings settings) {
        this.calibration = calibration;
        this.settings = settings;
    }

    /** The rule: on the ground, with the next crater this close (its width counted), jump now. */
    public boolean jumpNow(MoonBuggyScreen.View view, int earlier) {
        if (view.buggy().isEmpty() || view.buggy().get().airborne()) {
            return false;
        }
        Optional<MoonBuggyScreen.Crater> next = view.nextCrater();
        if (next.isEmpty()) {
            return false;
        }
        int distance = view.nextCraterDistance().orElseThrow();
        return distance <= Math.max(0, settings.reach() - next.get().width()) + earlier;
    }

    /**
     * Plays one episode itself: a fresh game (the calibration's launch), real SPACE presses, the episode judged from
     * the screen as the agent's is (the calibration's declared ending); the craters it cleared counted by its own reader.
     */
    public Played play(Duration timeLimit) throws Exception {
        DeclaredEnding ending = new DeclaredEnding(calibration, timeLimit);
        MoonBuggyEnding craters = new MoonBuggyEnding(calibration.sceneWidth(), calibration.sceneHeight(), timeLimit);
        MoonBuggyScreen screen = new MoonBuggyScreen(calibration.sceneWidth(), calibration.sceneHeight());
        int jumps = 0;
        long period = (long) (1e9 / settings.rateHz());
        try (DesktopTarget target = DesktopTarget.open(calibration, WINDOW_WAIT, ending)) {
            FrameSource frames = target.frames();
            long airborneUntil = 0;
            while (!target.outcome().finished()) {
                long t0 = System.nanoTime();
                Observation obs = frames.next();
                craters.judge(obs);
                MoonBuggyScreen.View v = screen.read(obs.frame());
                if (t0 >= airborneUntil && jumpNow(v, 0)) {
                    target.actuator().keyDown("SPACE");
                    target.actuator().keyUp("SPACE");
                    jumps++;
                    // the screen shows the jump a frame or two later: do not press again meanwhile
                    airborneUntil = t0 + 300_000_000L;
                }
                long rest = period - (System.nanoTime() - t0);
                if (rest > 0) {
                    Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
                }
            }
            Map<String, Object> score = new LinkedHashMap<>(ending.score());
            score.put("craters", craters.score().get("craters"));
            score.put("jumps", jumps);
            return new Played(target.outcome(), ending.reason(), score, jumps);
        }
    }

    /** Its own success rate over a number of episodes, each line told to {@code each} as it ends. */
    public Rate measure(int episodes, Duration timeLimit, Consumer<Played> each) throws Exception {
        long wins = 0;
        for (int i = 0; i < episodes; i++) {
            Played p = play(timeLimit);
            wins += p.outcome() == Outcome.SUCCESS ? 1 : 0;
            each.accept(p);
        }
        return new Rate(wins, episodes);
    }

    /**
     * Watches the agent play (the calibrated window, whichever game is showing in it, across its episodes) and says
     * "jump!" when the rule says the buggy must jump and it has not, once per crater (and "jump now" once more if it
     * still has not). Runs until {@code say} refuses (the listener went away), no game has shown for a while after
     * the last one (the agent is done), or the thread is interrupted.
     *
     * @param say delivers one correction, in words; false when nobody listens any more
     * @throws IOException no game window appeared at all
     */
    public void correct(java.util.function.Predicate<String> say) throws IOException, InterruptedException {
        watch(w -> new Reaction() {
            long saidAt = 0;
            int saidFor = -1;
            int repeats = 0;
            int lastDistance = Integer.MAX_VALUE;

            @Override
            public boolean react(MoonBuggyScreen.View v, long now) {
                int distance = v.nextCraterDistance().orElse(Integer.MAX_VALUE);
                if (distance > lastDistance + 1) {
                    // a new crater is the next one: the last one is behind the buggy
                    saidFor = -1;
                    repeats = 0;
                }
                lastDistance = distance;
                if (jumpNow(v, settings.lead())) {
                    String words = null;
                    if (saidFor < 0) {
                        words = "jump!";
                    } else if (repeats == 0 && now - saidAt > 300_000_000L) {
                        words = "jump now";
                        repeats++;
                    }
                    if (words != null) {
                        saidFor = distance;
                        saidAt = now;
                        log.debug("correcting at {} cells from the crater: {}", distance, words);
                        return say.test(words);
                    }
                }
                return true;
            }
        });
    }

    /**
     * Plays the games that show in the calibrated window, whoever started them (the agent's {@code record}, which hears
     * the keys): it gives the window the keyboard, as a person clicks into it, and presses SPACE by the same rule as
     * {@link #play}, through real X events. Runs until no game has shown for a while after the last one, or the thread
     * is interrupted; {@code pressed} hears each press.
     *
     * @throws IOException no game window appeared at all
     */
    public void playAlong(Runnable pressed) throws IOException, InterruptedException {
        java.awt.Robot keys;
        try {
            keys = new java.awt.Robot();
        } catch (java.awt.AWTException e) {
            throw new IOException("cannot send X key events on display " + System.getenv("DISPLAY") + ": " + e.getMessage(), e);
        }
        watch(w -> {
            try {
                XWindows.focus(w.id());
            } catch (IOException e) {
                log.warn("could not give the game's window the keyboard: {}", e.toString());
            }
            return new Reaction() {
                long airborneUntil = 0;

                @Override
                public boolean react(MoonBuggyScreen.View v, long now) {
                    if (now >= airborneUntil && jumpNow(v, 0)) {
                        keys.keyPress(java.awt.event.KeyEvent.VK_SPACE);
                        keys.keyRelease(java.awt.event.KeyEvent.VK_SPACE);
                        pressed.run();
                        // the screen shows the jump a frame or two later: do not press again meanwhile
                        airborneUntil = now + 300_000_000L;
                    }
                    return true;
                }
            };
        });
    }

    /** What the watcher does with each frame of one game; false ends the watch. */
    private interface Reaction {
        boolean react(MoonBuggyScreen.View view, long nanoTime) throws IOException;
    }

    /** Watches game after game in the calibrated window, each frame read and handed to that game's reaction. */
    private void watch(java.util.function.Function<XWindows.Window, Reaction> perGame) throws IOException, InterruptedException {
        long period = (long) (1e9 / settings.rateHz());
        int watched = 0;
        // the capture's native libraries load in seconds on a busy machine: before saying it watches, not when a game
        // is already running (a person watching is not late for the first crater)
        try (ScreenCapture warm = ScreenCapture.open(calibration.source(), new ScreenRegion(0, 0, 16, 16), 16, 16, calibration.framerate())) {
            warm.next();
        }
        log.info("{} '{}'", WATCHING, calibration.title());
        while (!Thread.currentThread().isInterrupted()) {
            Optional<XWindows.Window> next = awaitWindow(watched == 0 ? FIRST_WINDOW_WAIT : WINDOW_WAIT);
            if (next.isEmpty()) {
                if (watched == 0) {
                    throw new IOException("no window titled '" + calibration.title() + "' to watch on display " + System.getenv("DISPLAY")
                            + " for " + FIRST_WINDOW_WAIT.toSeconds() + " s (calibration " + calibration.file() + ")");
                }
                log.info("watched {} game(s); none for {} s since: done", watched, WINDOW_WAIT.toSeconds());
                return;
            }
            XWindows.Window w = next.get();
            watched++;
            ScreenRegion region = new ScreenRegion(w.region().x() + calibration.offset()[0], w.region().y() + calibration.offset()[1],
                    calibration.sceneWidth(), calibration.sceneHeight());
            MoonBuggyScreen screen = new MoonBuggyScreen(calibration.sceneWidth(), calibration.sceneHeight());
            Reaction reaction = perGame.apply(w);
            try (ScreenCapture capture = ScreenCapture.open(calibration.source(), region, calibration.sceneWidth(), calibration.sceneHeight(),
                    calibration.framerate())) {
                long checked = System.nanoTime();
                while (true) {
                    long t0 = System.nanoTime();
                    // the episode ended when its game's window went away (asking the X server is slow: twice a second)
                    if (t0 - checked > 500_000_000L) {
                        checked = t0;
                        if (XWindows.geometry(w.id()).filter(XWindows.Window::viewable).isEmpty()) {
                            break;
                        }
                    }
                    if (!reaction.react(screen.read(capture.next().frame()), t0)) {
                        return;
                    }
                    long rest = period - (System.nanoTime() - t0);
                    if (rest > 0) {
                        Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
                    }
                }
            } catch (IOException e) {
                // the window went away mid-capture: the episode ended; wait for the next one
                log.debug("watching stopped: {}", e.toString());
            }
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

    /** "success=0.90 [0.60,0.98] (9/10) survived_s_mean=28.1": the summary of a measurement. */
    public static String summary(Rate success, List<Played> runs) {
        double mean = runs.stream().mapToDouble(Played::survivedSeconds).average().orElse(Double.NaN);
        return String.format(Locale.ROOT, "success=%.2f [%.2f,%.2f] (%d/%d) survived_s_mean=%.1f", success.value(), success.low(), success.high(),
                success.hits(), success.trials(), mean);
    }
}
