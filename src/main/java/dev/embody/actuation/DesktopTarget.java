package dev.embody.actuation;

import dev.embody.file.BadFileException;
import dev.embody.loop.Actuator;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Target;
import dev.embody.perception.ScreenCalibration;
import dev.embody.perception.ScreenCapture;
import dev.embody.perception.ScreenEnding;
import dev.embody.perception.ScreenRegion;
import dev.embody.perception.TemplateFinder;
import dev.embody.perception.XWindows;
import dev.embody.skill.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A program on a real X desktop as a target: frames are the calibrated region of the screen, actions are real key and
 * mouse events. The program's window is found by title (or taken from the calibrated region) when the episode opens.
 * Its outcome is read from the screen too: a calibration may name templates (a "level won" banner) whose appearance
 * ends the episode, and a profile brings the endings its calibration declares ({@link ScreenEnding}: a game's crash read
 * as text, a region that freezes, the program's process ending, the time limit). A calibration with a {@code launch:} command gets
 * a fresh program for every episode, started here and ended when the target closes.
 */
public final class DesktopTarget implements Target {

    private static final Logger log = LoggerFactory.getLogger(DesktopTarget.class);
    /** How long a step waits for a misplaced window to come back before the step fails. */
    private static final Duration PAUSE_LIMIT = Duration.ofSeconds(30);
    /** A program's start keys are first pressed this long after its window is found (it is still drawing), then again at this pace. */
    private static final Duration START_KEYS_FIRST = Duration.ofMillis(300);
    private static final Duration START_KEYS_AGAIN = Duration.ofMillis(1000);

    private final ScreenCalibration calibration;
    private final ScreenRegion region;
    private final long windowId;
    private final ScreenCapture capture;
    private final WindowGuard guard;
    private final DesktopActuator actuator;
    private final Watchdog watchdog;
    private final TemplateFinder endings;
    private ScreenEnding ending;
    private LaunchedProgram program;
    private volatile Outcome outcome = Outcome.RUNNING;
    private volatile String endedBy = "";

    private DesktopTarget(ScreenCalibration calibration, ScreenRegion region, long windowId, ScreenRegion windowArea) throws IOException {
        this.calibration = calibration;
        this.region = region;
        this.windowId = windowId;
        this.capture = openCapture(calibration, region);
        this.guard = windowId == 0 ? WindowGuard.none() : WindowGuard.watching(windowId, windowArea, calibration.checkMillis());
        this.actuator = new DesktopActuator(region, calibration.sceneWidth(), calibration.sceneHeight(), calibration.mouseGain(),
                calibration.denied().stream().map(d -> (Set<String>) new HashSet<>(d.stream().map(Keys::canonical).toList())).toList(), guard::problem);
        this.watchdog = new Watchdog(actuator, Duration.ofMillis((long) (calibration.watchdogSeconds() * 1000)));
        Map<String, java.nio.file.Path> end = new LinkedHashMap<>();
        if (calibration.endSuccess() != null) {
            end.put(calibration.endSuccess(), calibration.template(calibration.endSuccess()));
        }
        if (calibration.endFailure() != null) {
            end.put(calibration.endFailure(), calibration.template(calibration.endFailure()));
        }
        this.endings = end.isEmpty() ? null : new TemplateFinder(end, java.util.List.of(1.0), calibration.threshold());
    }

    /** The configured source; if x11grab cannot open the screen, says so and falls back to the Robot source. */
    private static ScreenCapture openCapture(ScreenCalibration cal, ScreenRegion region) throws IOException {
        try {
            return ScreenCapture.open(cal.source(), region, cal.sceneWidth(), cal.sceneHeight(), cal.framerate()).nearest(cal.resize().equals("nearest"));
        } catch (IOException e) {
            if (!cal.source().equals("x11grab")) {
                throw e;
            }
            log.warn("x11grab cannot read the screen ({}); falling back to java.awt.Robot capture", e.getMessage());
            return ScreenCapture.open("robot", region, cal.sceneWidth(), cal.sceneHeight(), cal.framerate()).nearest(cal.resize().equals("nearest"));
        }
    }

    /**
     * Finds the program (by title, waiting up to {@code wait} for its window), gives it the keyboard, and waits until
     * no end-of-episode banner is on screen (the last level's), so an episode starts on a live program.
     */
    public static DesktopTarget open(ScreenCalibration cal, Duration wait) throws IOException, InterruptedException, BadFileException {
        return open(cal, wait, null, true);
    }

    /**
     * @param takeFocus give the program the keyboard as the calibration says (the pointer to its centre, a click or
     *                  XSetInputFocus); false for a demonstration, where the person does that and embody sends nothing
     */
    public static DesktopTarget open(ScreenCalibration cal, Duration wait, boolean takeFocus) throws IOException, InterruptedException, BadFileException {
        return open(cal, wait, null, takeFocus);
    }

    /** As {@link #open(ScreenCalibration, Duration, ScreenEnding, boolean)}, taking the keyboard. */
    public static DesktopTarget open(ScreenCalibration cal, Duration wait, ScreenEnding ending) throws IOException, InterruptedException, BadFileException {
        return open(cal, wait, ending, true);
    }

    /**
     * Starts the program when the calibration says how (a fresh one each episode), finds it, gives it the keyboard
     * (unless {@code takeFocus} is false), and waits until its screen is ready for an episode: no end banner left over
     * and, with an {@code ending}, what it calls ready, pressing the calibration's start keys meanwhile (a title
     * screen's RETURN).
     *
     * @param ending how the program's screen says an episode ended, or null (templates only)
     */
    public static DesktopTarget open(ScreenCalibration cal, Duration wait, ScreenEnding ending, boolean takeFocus)
            throws IOException, InterruptedException, BadFileException {
        String display = System.getenv("DISPLAY");
        if (display == null || display.isBlank()) {
            // said at once: waiting for a window on no display would only time out
            throw new IOException("no X display: DISPLAY is not set, and the desktop target (calibration " + cal.file()
                    + ") sees and acts through an X server; set it (e.g. Xvfb :41 & export DISPLAY=:41)");
        }
        LaunchedProgram program = null;
        java.util.Set<Long> before = java.util.Set.of();
        if (cal.launch() != null) {
            if (cal.title() == null) {
                throw cal.fieldError("/launch", "field 'launch': a launched program is found by its window's title: add window: {title: ...}");
            }
            // a window of that title already up (another copy) is not the one this episode starts
            before = java.util.Set.copyOf(XWindows.byTitle(cal.title()));
            program = LaunchedProgram.start(cal.launch().command());
        }
        try {
            return open(cal, wait, ending, program, before, takeFocus);
        } catch (IOException | InterruptedException | BadFileException | RuntimeException e) {
            if (program != null) {
                program.close();
            }
            throw e;
        }
    }

    private static DesktopTarget open(ScreenCalibration cal, Duration wait, ScreenEnding ending, LaunchedProgram program, java.util.Set<Long> before,
                                      boolean takeFocus) throws IOException, InterruptedException, BadFileException {
        long deadline = System.nanoTime() + wait.toNanos();
        ScreenRegion region;
        long id = 0;
        ScreenRegion windowArea = null;
        if (cal.title() != null) {
            XWindows.Window w;
            while (true) {
                var found = program == null ? XWindows.find(cal.title()) : newWindow(cal.title(), before);
                if (found.isPresent()) {
                    w = found.get();
                    break;
                }
                if (program != null && !program.alive()) {
                    throw new IOException("the program launched for the episode ended before its window '" + cal.title() + "' appeared: "
                            + program.describe() + " (calibration " + cal.file() + ", launch: " + String.join(" ", cal.launch().command()) + ")");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("no window titled '" + cal.title() + "' on display " + System.getenv("DISPLAY")
                            + " (calibration " + cal.file() + ")");
                }
                Thread.sleep(50);
            }
            id = w.id();
            windowArea = w.region();
            int width = cal.region() != null ? cal.region().width() : w.region().width() - cal.offset()[0];
            int height = cal.region() != null ? cal.region().height() : w.region().height() - cal.offset()[1];
            if (width <= 0 || height <= 0) {
                throw cal.fieldError("/window/offset", "field 'window.offset': expected a point inside the window (" + w.region().width() + "x"
                        + w.region().height() + "), got x=" + cal.offset()[0] + ", y=" + cal.offset()[1]);
            }
            region = new ScreenRegion(w.region().x() + cal.offset()[0], w.region().y() + cal.offset()[1], width, height);
            ScreenRegion screen = screen();
            if (screen != null && ScreenCalibration.offScreen(region, screen) != null) {
                if (ScreenCalibration.offScreen(w.region(), screen) != null) {
                    // the window itself is (partly) off the screen: nothing in the file can be blamed
                    throw new IOException("the window titled '" + cal.title() + "' is at " + w.region() + ", not wholly on the screen ("
                            + screen.width() + "x" + screen.height() + " on display " + System.getenv("DISPLAY") + "): move it onto the screen");
                }
                cal.checkOnScreen(region, screen, System.getenv("DISPLAY"));
            }
            if (takeFocus && cal.focus().equals("xdotool")) {
                XWindows.focus(id);
            }
        } else {
            region = cal.region();
            ScreenRegion screen = screen();
            if (screen != null) {
                cal.checkOnScreen(region, screen, System.getenv("DISPLAY"));
            }
        }
        DesktopTarget t = new DesktopTarget(cal, region, id, windowArea);
        t.ending = ending;
        t.program = program;
        try {
            // the pointer rests inside the program: focus-follows-mouse desktops (and X with no window manager) then type into it
            if (takeFocus) {
                t.actuator.mouseMove(cal.sceneWidth() / 2.0, cal.sceneHeight() / 2.0, false);
            }
            if (takeFocus && cal.focus().equals("click")) {
                t.actuator.mouseButton("LEFT", true);
                t.actuator.mouseButton("LEFT", false);
            }
            if (t.endings != null) {
                while (t.endShown(t.capture.next()) != null) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the program still shows its end-of-episode screen after " + wait.toSeconds() + " s");
                    }
                    Thread.sleep(20);
                }
            }
            if (ending != null) {
                t.awaitReady(deadline, wait);
            }
        } catch (IOException | InterruptedException | BadFileException | RuntimeException e) {
            t.close();
            throw e;
        }
        log.info("desktop target '{}': window {} at {}, frames by {} at {}x{}", cal.name(), id == 0 ? "-" : Long.toString(id), region,
                cal.source(), cal.sceneWidth(), cal.sceneHeight());
        return t;
    }

    /** A viewable window with this title that was not there before the program was launched. */
    private static java.util.Optional<XWindows.Window> newWindow(String title, java.util.Set<Long> before) throws IOException {
        List<Long> ids = XWindows.byTitle(title);
        for (int i = ids.size() - 1; i >= 0; i--) {
            if (!before.contains(ids.get(i))) {
                var w = XWindows.geometry(ids.get(i));
                if (w.isPresent() && w.get().viewable()) {
                    return w;
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Presses the start keys once the window is drawing, then until the program's screen says it is ready, again every
     * so often (a program may drop keys typed while it starts); a declared score must then be legible.
     */
    private void awaitReady(long deadline, Duration wait) throws IOException, InterruptedException, BadFileException {
        List<String> keys = calibration.launch() != null ? calibration.launch().keys() : List.of();
        // the start keys start the clock of a real-time program: whatever reading its screen needs is loaded first
        ending.prepare();
        if (!keys.isEmpty()) {
            Thread.sleep(START_KEYS_FIRST.toMillis());
            for (String k : keys) {
                actuator.keyDown(k);
                actuator.keyUp(k);
            }
        }
        long nextPress = System.nanoTime() + START_KEYS_AGAIN.toNanos();
        Observation frame;
        while (!ending.ready(frame = capture.next())) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the program's screen was not ready for an episode after " + wait.toSeconds() + " s"
                        + (keys.isEmpty() ? "" : " of pressing " + String.join(", ", keys)) + " (calibration " + calibration.file() + ")"
                        + (ending.readyReading().isEmpty() ? "" : ": its ready region last read " + ending.readyReading()));
            }
            if (program != null && !program.alive()) {
                throw new IOException("the program launched for the episode ended before it was ready: " + program.describe());
            }
            if (!keys.isEmpty() && System.nanoTime() >= nextPress) {
                for (String k : keys) {
                    actuator.keyDown(k);
                    actuator.keyUp(k);
                }
                nextPress = System.nanoTime() + START_KEYS_AGAIN.toNanos();
            }
            Thread.sleep(20);
        }
        if (ending instanceof dev.embody.perception.DeclaredEnding declared) {
            declared.checkScore(frame);
        }
    }

    /** The X screen's size (xwininfo, else AWT); null, with a warning, when neither can tell (the capture then says why). */
    private static ScreenRegion screen() {
        try {
            return XWindows.root();
        } catch (IOException | RuntimeException e) {
            try {
                java.awt.Dimension d = java.awt.Toolkit.getDefaultToolkit().getScreenSize();
                return new ScreenRegion(0, 0, d.width, d.height);
            } catch (RuntimeException | Error awt) {
                log.warn("cannot tell the screen's size ({}); the region is not checked against it", e.getMessage());
                return null;
            }
        }
    }

    /** The end banner on screen, if any: the best-scoring one, since "won" and "lost" banners look alike. */
    private String endShown(Observation obs) {
        String best = null;
        double score = endings.threshold();
        for (String name : endings.names()) {
            var m = endings.best(name, obs.frame(), java.util.List.of(1.0));
            if (m.isPresent() && m.get().score() >= score) {
                best = name;
                score = m.get().score();
            }
        }
        return best;
    }

    @Override
    public String name() {
        return "desktop";
    }

    public ScreenRegion region() {
        return region;
    }

    /** The program's window (0: a bare region, no window). */
    public long windowId() {
        return windowId;
    }

    public ScreenCalibration calibration() {
        return calibration;
    }

    public DesktopActuator desktop() {
        return actuator;
    }

    @Override
    public FrameSource frames() {
        return () -> {
            watchdog.progress();
            long until = System.nanoTime() + PAUSE_LIMIT.toNanos();
            // a window gone because the launched program ended is the episode's end where the calibration says so, not a pause
            while (guard.problem() != null && !(ending != null && program != null && !program.alive() && ending.programEnded().finished())) {
                actuator.releaseAll();
                if (System.nanoTime() > until) {
                    throw new IOException("paused for " + PAUSE_LIMIT.toSeconds() + " s: " + guard.problem());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while paused", e);
                }
                guard.check();
                watchdog.progress();
            }
            Observation obs = capture.next();
            if (ending != null && outcome == Outcome.RUNNING && program != null && !program.alive()) {
                Outcome o = ending.programEnded();
                if (o.finished()) {
                    endedBy = ending.reason();
                    outcome = o;
                }
            }
            if (ending != null && outcome == Outcome.RUNNING) {
                Outcome o = ending.judge(obs);
                if (o.finished()) {
                    endedBy = ending.reason();
                    outcome = o;
                }
            }
            if (endings != null && outcome == Outcome.RUNNING) {
                String end = endShown(obs);
                if (end != null) {
                    outcome = end.equals(calibration.endSuccess()) ? Outcome.SUCCESS : Outcome.FAILURE;
                    endedBy = "the screen shows " + TemplateFinder.KIND_PREFIX + end;
                }
            }
            return obs;
        };
    }

    @Override
    public Actuator actuator() {
        return actuator;
    }

    @Override
    public Outcome outcome() {
        return outcome;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calibration", calibration.file().toString());
        m.put("window", calibration.title() == null ? "" : calibration.title());
        m.put("region", region.toString());
        m.put("source", calibration.source());
        m.put("display", String.valueOf(System.getenv("DISPLAY")));
        return m;
    }

    @Override
    public Map<String, Object> score() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ending", endedBy);
        if (ending != null) {
            m.putAll(ending.score());
        }
        return m;
    }

    @Override
    public void close() {
        actuator.close();
        watchdog.close();
        guard.close();
        capture.close();
        if (endings != null) {
            endings.close();
        }
        if (ending != null) {
            ending.close();
        }
        if (program != null) {
            program.close();
        }
    }
}
