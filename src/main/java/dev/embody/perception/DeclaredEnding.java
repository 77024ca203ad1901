package dev.embody.perception;

import dev.embody.file.BadFileException;
import dev.embody.loop.Frame;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An episode's end and score as the program's calibration declares them ({@link ProgramTraits}): its ready screen, its
 * endings (first to fire wins; success or failure as declared), and its score (the seconds survived, or a number read
 * there). With no ending declared for the time limit, reaching it is a timeout. OCR never holds up a step: a region whose
 * pixels changed is read on the OCR thread ({@link TextReadings}) while the loop goes on, and an ending read there is
 * dated by the frame that showed it; a still status line costs nothing.
 */
public final class DeclaredEnding implements ScreenEnding {

    /** How long the verdict at the time limit waits for readings under way (one OCR read takes well under this). */
    private static final Duration LAST_READING = Duration.ofSeconds(5);

    private final ScreenCalibration calibration;
    private final ProgramTraits traits;
    private final Duration timeLimit;
    private final Watch ready;
    private final List<Watch> endings = new ArrayList<>();
    private final Watch score;
    private TemplateFinder finder;
    private long startNanos = -1;
    private long lastNanos = -1;
    private Double lastNumber;
    private Outcome outcome = Outcome.RUNNING;
    private String reason = "";

    public DeclaredEnding(ScreenCalibration calibration, Duration timeLimit) {
        this.calibration = calibration;
        this.traits = calibration.traits();
        this.timeLimit = timeLimit;
        this.ready = traits.ready() == null ? null : new Watch(traits.ready());
        traits.ending().forEach(r -> endings.add(new Watch(r)));
        this.lastNumber = traits.score().blank();
        this.score = traits.score().region() == null ? null
                : new Watch(new ScreenRule("number", traits.score().region(), null, null, null, 0, 0, 0, null, null, null, null, 0));
    }

    @Override
    public String readyReading() {
        return ready == null ? "" : ready.lastReading();
    }

    @Override
    public boolean ready(Observation frame) {
        // a ready screen is judged on what the screen shows now, not on a reading of an older one
        return ready == null || ready.holds(frame.frame(), frame.timeNanos()) && ready.current();
    }

    /** Loads the OCR before the program is started, when anything declared is read by it (seconds, once a process). */
    @Override
    public void prepare() throws InterruptedException {
        boolean reads = ready != null && ready.rule.reads() || score != null || endings.stream().anyMatch(w -> w.rule.reads());
        if (reads) {
            try {
                TextReadings.shared().prepare().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /**
     * Waits (up to {@code max}) until every region read so far has been read by OCR: what the next {@link #judge} of
     * the same screen says is then what the screen says.
     */
    public void settle(Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        List<Watch> all = new ArrayList<>(endings);
        if (ready != null) {
            all.add(ready);
        }
        if (score != null) {
            all.add(score);
        }
        for (Watch w : all) {
            while (!w.settled() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
        }
        // the score a reading finished meanwhile shows (a score that changed just before the end): judge() is over by then
        if (score != null && score.lastRead != null) {
            TextReader.number(score.lastRead).ifPresent(n -> lastNumber = n);
        }
    }

    /**
     * On the episode's first frame: a score read by OCR must be legible there, or the region is not where the number is.
     *
     * @throws BadFileException naming the score's region's line and what was read there
     */
    public void checkScore(Observation frame) throws BadFileException {
        if (score == null) {
            return;
        }
        String read;
        try {
            read = TextReadings.shared().read(crop(frame.frame(), score.rule.region())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        // a score not drawn yet reads nothing at all; a region that reads something else is not where the number is
        if (TextReader.number(read).isEmpty() && !(read.isBlank() && traits.score().blank() != null)) {
            throw calibration.fieldError("/score/region", "field 'score.region': expected a region where a number is legible, got "
                    + score.rule.region() + ", where OCR reads " + (read.isEmpty() ? "nothing" : "'" + read + "'")
                    + " (calibrate screen --read X,Y,W,H shows what OCR reads in a region"
                    + (traits.score().blank() == null ? "; blank: N is the score of a program that draws none until it changes)" : ")"));
        }
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
        lastNanos = t;
        if (score != null) {
            score.read(frame.frame(), t).flatMap(TextReader::number).ifPresent(n -> lastNumber = n);
        }
        boolean timeUp = t - startNanos >= timeLimit.toNanos();
        if (timeUp) {
            // a reading still under way may be of a frame from before the limit that shows the end: it is heard first
            try {
                settle(LAST_READING);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Watch w : endings) {
            boolean fired = switch (w.rule.kind()) {
                case "time_limit" -> timeUp;
                case "exited" -> false;
                // what a frame at or after the limit shows came too late to end the episode
                default -> w.holds(frame.frame(), t) && !(timeUp && w.rule.reads() && w.readAt - startNanos >= timeLimit.toNanos());
            };
            if (fired) {
                return end(w.rule, w.rule.reads() ? w.readAt : t);
            }
        }
        if (timeUp) {
            outcome = Outcome.TIMEOUT;
            reason = String.format(Locale.ROOT, "the time limit of %.1f s passed", timeLimit.toMillis() / 1000.0);
        }
        return outcome;
    }

    @Override
    public Outcome programEnded() {
        if (!outcome.finished()) {
            for (Watch w : endings) {
                if (w.rule.kind().equals("exited")) {
                    return end(w.rule, lastNanos);
                }
            }
        }
        return outcome;
    }

    /** @param at when the screen showed it: a reading is dated by the frame read, not by when OCR finished */
    private Outcome end(ScreenRule rule, long at) {
        if (startNanos >= 0 && at >= startNanos && at < lastNanos) {
            lastNanos = at;
        }
        outcome = rule.outcome().equals("success") ? Outcome.SUCCESS : Outcome.FAILURE;
        reason = String.format(Locale.ROOT, "%s after %.1f s", rule.says() != null ? rule.says() : rule.seen(), survivedSeconds());
        return outcome;
    }

    /** Seconds from the episode's first frame to its last one judged. */
    public double survivedSeconds() {
        return startNanos < 0 ? 0 : Math.round((lastNanos - startNanos) / 1e8) / 10.0;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public Map<String, Object> score() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("survived_s", survivedSeconds());
        if (score != null) {
            if (lastNumber != null) {
                m.put("score", lastNumber);
            }
        } else {
            m.put("score", survivedSeconds());
        }
        return m;
    }

    @Override
    public void close() {
        if (finder != null) {
            finder.close();
        }
    }

    private TemplateFinder finder() {
        if (finder == null) {
            finder = new TemplateFinder(calibration.templates(), List.of(1.0), calibration.threshold());
        }
        return finder;
    }

    /** The part of a frame in a region, as a frame of its own. */
    static Frame crop(Frame f, ScreenRegion r) {
        byte[] out = new byte[r.width() * r.height() * 3];
        for (int y = 0; y < r.height(); y++) {
            System.arraycopy(f.bgr(), ((r.y() + y) * f.width() + r.x()) * 3, out, y * r.width() * 3, r.width() * 3);
        }
        return new Frame(r.width(), r.height(), out);
    }

    private static String folded(String s) {
        return s.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    }

    /** One declared rule and what it remembers between frames. */
    private final class Watch {
        final ScreenRule rule;
        private byte[] lastPixels;
        private long stillSince = -1;
        private boolean seen;
        /** The newest pixels of a read region, and when they were captured. */
        private byte[] latest;
        private long latestAt;
        /** A reading under way on the OCR thread, of these pixels captured then. */
        private java.util.concurrent.Future<String> pending;
        private byte[] pendingPixels;
        private long pendingAt;
        /** The last reading done, of these pixels captured then. */
        private String lastRead;
        private byte[] readPixels;
        long readAt;

        Watch(ScreenRule rule) {
            this.rule = rule;
        }

        boolean holds(Frame f, long t) {
            return switch (rule.kind()) {
                case "template" -> present(f);
                case "template_gone" -> {
                    boolean now = present(f);
                    boolean gone = seen && !now;
                    seen |= now;
                    yield gone;
                }
                case "unchanged" -> {
                    byte[] px = crop(f, rule.region()).bgr();
                    if (lastPixels == null || !Arrays.equals(px, lastPixels)) {
                        lastPixels = px;
                        stillSince = t;
                    }
                    yield t - stillSince >= (long) (rule.seconds() * 1e9);
                }
                case "colour" -> colourFills(f);
                // OCR splits and joins words at will ("j: jump" for "j:jump"): compared without spaces or case
                case "text" -> read(f, t).map(s -> folded(s).contains(folded(rule.text()))).orElse(false);
                case "number" -> read(f, t).flatMap(TextReader::number)
                        .map(n -> rule.below() != null && n < rule.below() || rule.above() != null && n > rule.above()).orElse(false);
                default -> false;
            };
        }

        private boolean present(Frame f) {
            Frame where = rule.region() == null ? f : crop(f, rule.region());
            return finder().present(rule.template(), where);
        }

        private boolean colourFills(Frame f) {
            ScreenRegion r = rule.region();
            int[] c = rule.colour();
            int near = 0;
            for (int y = r.y(); y < r.y() + r.height(); y++) {
                for (int x = r.x(); x < r.x() + r.width(); x++) {
                    int p = (y * f.width() + x) * 3;
                    if (Math.abs((f.bgr()[p + 2] & 255) - c[0]) <= rule.tolerance() && Math.abs((f.bgr()[p + 1] & 255) - c[1]) <= rule.tolerance()
                            && Math.abs((f.bgr()[p] & 255) - c[2]) <= rule.tolerance()) {
                        near++;
                    }
                }
            }
            return near >= rule.fraction() * r.width() * r.height();
        }

        /**
         * What OCR last read in the region (empty before its first reading is done). The newest pixels are handed to
         * the OCR thread when they differ from the last read and nothing is under way; the step never waits for it.
         */
        Optional<String> read(Frame f, long t) {
            Frame region = crop(f, rule.region());
            if (latest == null || !Arrays.equals(region.bgr(), latest)) {
                latest = region.bgr();
                latestAt = t;
            }
            pump(region.width(), region.height());
            return Optional.ofNullable(lastRead);
        }

        /** Takes in a reading done, and hands the newest pixels on when they are not read yet and nothing is under way. */
        private void pump(int width, int height) {
            collect();
            if (pending == null && latest != null && !Arrays.equals(latest, readPixels)) {
                pending = TextReadings.shared().read(new Frame(width, height, latest));
                pendingPixels = latest;
                pendingAt = latestAt;
                // read before: done at once
                collect();
            }
        }

        private void collect() {
            if (pending != null && pending.isDone()) {
                try {
                    lastRead = pending.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("OCR failed: " + e.getCause().getMessage(), e.getCause());
                }
                readPixels = pendingPixels;
                readAt = pendingAt;
                pending = null;
            }
        }

        /** What the region read last, and whether newer pixels are still to be read (for a message). */
        String lastReading() {
            if (!rule.reads()) {
                return "";
            }
            if (lastRead == null) {
                return "nothing read yet" + (pending != null ? " (a reading under way)" : "");
            }
            return "'" + lastRead.strip() + "'" + (current() ? "" : ", and newer pixels not yet read"
                    + (pending != null ? " (a reading under way)" : ""));
        }

        /** Whether the last reading is of the newest pixels. */
        boolean current() {
            return !rule.reads() || pending == null && latest != null && Arrays.equals(latest, readPixels);
        }

        /** Whether the newest pixels are read (handing them on if they are due). */
        boolean settled() {
            if (rule.reads()) {
                pump(rule.region().width(), rule.region().height());
            }
            return current();
        }
    }

    /** Where the calibration came from (for messages). */
    public Path file() {
        return calibration.file();
    }
}
