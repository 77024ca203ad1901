package dev.embody.testkit;

import dev.embody.loop.Observation;
import dev.embody.perception.ScreenEnding;
import dev.embody.loop.Outcome;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * moon-buggy's episode, read from the screen: it begins when the buggy stands on the ground (the game is running), it
 * fails when the buggy is missing from the screen for a while (it crashed into a crater: the game shows the wreck
 * instead, for seconds), and it succeeds when the buggy has survived the time limit. The score is the seconds survived
 * and the craters cleared (those that passed under it while it stayed on screen).
 */
public final class MoonBuggyEnding implements ScreenEnding {

    /** Missing this long (and on two frames or more) is a crash, not a frame caught mid-redraw. */
    static final Duration CRASHED = Duration.ofMillis(250);

    private final MoonBuggyScreen screen;
    private final Duration timeLimit;
    private long startNanos = -1;
    private long missingSince = -1;
    private int missingFrames;
    private long lastSeenNanos = -1;
    private int pastFront = -1;
    private int cleared;
    private Outcome outcome = Outcome.RUNNING;
    private String reason = "";
    private MoonBuggyScreen.View last;

    /**
     * @param width     the frames' width (the calibration's scene)
     * @param timeLimit surviving this long is a success
     */
    public MoonBuggyEnding(int width, int height, Duration timeLimit) {
        this.screen = new MoonBuggyScreen(width, height);
        this.timeLimit = timeLimit;
    }

    /** The game is running: its ground is drawn and the buggy stands on it. */
    @Override
    public boolean ready(Observation frame) {
        MoonBuggyScreen.View v = screen.read(frame.frame());
        return v.buggy().isPresent() && !v.buggy().get().airborne();
    }

    @Override
    public Outcome judge(Observation frame) {
        if (outcome.finished()) {
            return outcome;
        }
        long t = frame.timeNanos();
        if (startNanos < 0) {
            startNanos = t;
        }
        MoonBuggyScreen.View v = screen.read(frame.frame());
        last = v;
        if (v.buggy().isPresent()) {
            missingSince = -1;
            missingFrames = 0;
            lastSeenNanos = t;
            // a crater can only get past the buggy's front wheel by passing under it: one more there, one more cleared
            int front = v.buggy().get().front();
            int past = (int) v.craters().stream().filter(c -> c.from() > front).count();
            if (pastFront >= 0 && past > pastFront) {
                cleared += past - pastFront;
            }
            pastFront = past;
        } else {
            if (missingSince < 0) {
                missingSince = t;
            }
            missingFrames++;
            if (missingFrames >= 2 && t - missingSince >= CRASHED.toNanos()) {
                outcome = Outcome.FAILURE;
                reason = String.format(Locale.ROOT, "the buggy crashed after %.1f s", survivedSeconds());
                return outcome;
            }
        }
        if (t - startNanos >= timeLimit.toNanos() && v.buggy().isPresent()) {
            outcome = Outcome.SUCCESS;
            reason = String.format(Locale.ROOT, "the buggy survived %.1f s", survivedSeconds());
        }
        return outcome;
    }

    /** Seconds from the episode's first frame to the last one that showed the buggy. */
    public double survivedSeconds() {
        if (startNanos < 0 || lastSeenNanos < 0) {
            return 0;
        }
        return Math.round((lastSeenNanos - startNanos) / 1e8) / 10.0;
    }

    /** The last frame judged, as read (for the demonstrator's rule and for tests). */
    public Optional<MoonBuggyScreen.View> lastView() {
        return Optional.ofNullable(last);
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public Map<String, Object> score() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("survived_s", survivedSeconds());
        m.put("craters", cleared);
        return m;
    }
}
