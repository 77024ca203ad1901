package dev.embody.learning;

import dev.embody.episode.RecordedEpisode;
import dev.embody.episode.RecordedFrames;
import dev.embody.file.BadFileException;
import dev.embody.loop.Frame;
import dev.embody.planning.InputFeature;
import dev.embody.planning.InputSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The learned policy's input chosen from a person's demonstrations, for a program whose calibration declares none: the
 * part of the screen that changed across them (where the game is decided), at a resolution where the smallest thing
 * that changed stays at least a pixel, three frames stacked where things move, and each pixel's place (position
 * planes). Where the cap makes the smallest thing smaller than a pixel, each pixel is its cell's most distinct one
 * ({@code detail}), so the thing keeps its colour. The policy reads the screen alone ({@code screen_only}). A whole frame shrunk to 64x36 loses a terminal game's characters; this keeps them.
 *
 * @param spec        the chosen input
 * @param frames      frames surveyed
 * @param thingWidth  the smallest changing thing's width in screen pixels (0: nothing changed)
 * @param thingHeight its height
 * @param capped      the resolution that keeps it would exceed {@link #MAX_WIDTH}x{@link #MAX_HEIGHT} or {@link #MAX_PIXELS}
 */
public record InputChoice(InputSpec spec, int frames, int thingWidth, int thingHeight, boolean capped) {

    private static final Logger log = LoggerFactory.getLogger(InputChoice.class);

    /**
     * The largest input chosen (each side capped alone, then both alike to the pixels): a fine-tune round of 200 steps of
     * 64 stays near a minute on two loaded cores (a terminal game's whole frame at 90x45, 4050 pixels, took 6.6 s a step).
     */
    public static final int MAX_WIDTH = 128, MAX_HEIGHT = 64, MAX_PIXELS = 1024;
    /** Below this share of its input pixel's cell, the smallest changing thing is read with detail, not averaged. */
    static final double DETAIL_SHARE = 1.0 / 8;
    /** Levels a channel must move for a pixel to count as changed (episodes keep frames lossless). */
    static final int CHANGED = 24;
    /** A pixel varies when it changed in this many frame pairs: one frame's flicker changes it twice, on and off. */
    static final int MIN_CHANGES = 3;
    /** Share of frame pairs with a change above which things move, and frames are stacked. */
    static final double MOVING = 0.1;
    /** Stacked frames where things move: the newest and two before it show which way. */
    static final int MOVING_FRAMES = 3;
    /** Which of the changed blobs' sizes (sorted) counts as the smallest thing: a low percentile, not one stray sliver. */
    static final double SMALLEST = 0.1;

    /** The one line train prints. */
    public String line() {
        InputSpec.Crop c = spec.crop();
        String where = c == null ? "the whole frame" : String.format(Locale.ROOT, "crop x=%.2f y=%.2f w=%.2f h=%.2f", c.x(), c.y(), c.width(), c.height());
        String why = thingWidth == 0 ? " (nothing changed: the whole frame at the default size)"
                : String.format(Locale.ROOT, " (the smallest changing thing: %dx%d px%s)", thingWidth, thingHeight,
                capped ? "; capped at " + MAX_WIDTH + "x" + MAX_HEIGHT + ", " + MAX_PIXELS + " pixels, for a fast decision" : "");
        return String.format(Locale.ROOT, "input: chosen from %,d demonstration frames: %s%s, %dx%d%s, %d frame%s%s%s%s", frames, where,
                c == null || thingWidth == 0 ? "" : " (where the screen changed)", spec.width(), spec.height(), why, spec.frames(),
                spec.frames() == 1 ? "" : "s", spec.features().contains("position") ? ", position" : "",
                spec.features().contains(InputFeature.Reading.DETAIL) ? ", detail (each pixel its cell's most distinct, not its average)" : "",
                spec.features().contains(InputFeature.Reading.SCREEN_ONLY) ? ", the screen alone (no task words, no previous command)" : "");
    }

    /**
     * Surveys the frames of a target's episodes under a folder (those {@code include} admits, not marked bad) and chooses.
     *
     * @param words the word slots of the spec (the profile's)
     */
    public static InputChoice fromEpisodes(Path episodesDir, String target, Predicate<RecordedEpisode> include, int words) throws IOException {
        Survey survey = new Survey();
        for (Path d : EpisodeExamples.folders(episodesDir)) {
            RecordedEpisode e;
            try {
                e = RecordedEpisode.read(d);
            } catch (BadFileException bad) {
                continue; // train names it when it reads the examples
            }
            if (target != null && !target.equals(e.meta().path("target").asText()) || !include.test(e) || e.markedBad()) {
                continue;
            }
            survey.newEpisode();
            try (RecordedFrames frames = new RecordedFrames(e, false)) {
                while (true) {
                    survey.add(frames.next().frame());
                }
            } catch (EOFException end) {
                // the episode's last frame
            } catch (IOException unreadable) {
                log.warn("{}: frames after {} not surveyed: {}", e.id(), survey.frames, unreadable.getMessage());
            }
        }
        return survey.choose(words);
    }

    /** Frames in order, episode by episode; what changed between consecutive ones is counted. */
    public static final class Survey {
        private int width, height;
        private int[] changes;
        private byte[] previous;
        private int frames, pairs, movingPairs;
        private final int[] blobWidths = new int[MAX_WIDTH * 8 + 1], blobHeights = new int[MAX_WIDTH * 8 + 1];
        private long blobs;

        /** The next frame is another episode's: no change is counted across the gap. */
        public void newEpisode() {
            previous = null;
        }

        public void add(Frame f) {
            if (changes == null) {
                width = f.width();
                height = f.height();
                changes = new int[width * height];
            } else if (f.width() != width || f.height() != height) {
                previous = null; // another size (another calibration): surveyed at the first one's only
                return;
            }
            frames++;
            byte[] now = f.bgr();
            if (previous != null) {
                pairs++;
                boolean[] changed = new boolean[width * height];
                boolean any = false;
                for (int p = 0, i = 0; p < changed.length; p++, i += 3) {
                    int d = Math.max(Math.abs((now[i] & 0xff) - (previous[i] & 0xff)), Math.max(Math.abs((now[i + 1] & 0xff) - (previous[i + 1] & 0xff)),
                            Math.abs((now[i + 2] & 0xff) - (previous[i + 2] & 0xff))));
                    if (d > CHANGED) {
                        changed[p] = true;
                        changes[p]++;
                        any = true;
                    }
                }
                if (any) {
                    movingPairs++;
                    measureBlobs(changed);
                }
            }
            previous = now;
        }

        /**
     * Each blob of changed pixels (touching, diagonals too) by its extent. A thing that moved less than its size changes
     * less than its size on each side, so this errs small: finer, never too coarse to see it.
     */
        private void measureBlobs(boolean[] changed) {
            boolean[] seen = new boolean[changed.length];
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int start = 0; start < changed.length; start++) {
                if (!changed[start] || seen[start]) {
                    continue;
                }
                seen[start] = true;
                queue.add(start);
                int x0 = start % width, x1 = x0, y0 = start / width, y1 = y0;
                while (!queue.isEmpty()) {
                    int p = queue.poll(), x = p % width, y = p / width;
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int nx = x + dx, ny = y + dy;
                            if (nx >= 0 && ny >= 0 && nx < width && ny < height) {
                                int q = ny * width + nx;
                                if (changed[q] && !seen[q]) {
                                    seen[q] = true;
                                    queue.add(q);
                                }
                            }
                        }
                    }
                }
                blobWidths[Math.min(blobWidths.length - 1, x1 - x0 + 1)]++;
                blobHeights[Math.min(blobHeights.length - 1, y1 - y0 + 1)]++;
                blobs++;
            }
        }

        /** The input for what was surveyed. */
        public InputChoice choose(int words) {
            // the screen alone, as the person read it: the task's words and the previous command are the acting policy's own
            List<String> position = List.of("position", InputFeature.Reading.SCREEN_ONLY);
            if (blobs == 0) {
                return new InputChoice(new InputSpec(64, 36, 1, words, position), frames, 0, 0, false);
            }
            // where the screen changed: pixels that varied more than one frame's flicker, with a small margin
            int x0 = width, x1 = -1, y0 = height, y1 = -1;
            for (int p = 0; p < changes.length; p++) {
                if (changes[p] >= MIN_CHANGES) {
                    int x = p % width, y = p / width;
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
            if (x1 < 0) {
                return new InputChoice(new InputSpec(64, 36, 1, words, position), frames, 0, 0, false);
            }
            int thingW = percentile(blobWidths), thingH = percentile(blobHeights);
            int mx = Math.max(2, Math.max(thingW, width / 50)), my = Math.max(2, Math.max(thingH, height / 50));
            x0 = Math.max(0, x0 - mx);
            y0 = Math.max(0, y0 - my);
            x1 = Math.min(width - 1, x1 + mx);
            y1 = Math.min(height - 1, y1 + my);
            int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
            InputSpec.Crop crop = cw >= width * 0.98 && ch >= height * 0.98 ? null
                    : new InputSpec.Crop(round(x0, width), round(y0, height), Math.min(1 - round(x0, width), round(cw, width)),
                    Math.min(1 - round(y0, height), round(ch, height)));
            // a thing of k pixels averaged into pixels of k still leaves one pixel at least half its own
            int w = ceilDiv(cw, thingW), h = ceilDiv(ch, thingH);
            boolean capped = false;
            if (w > MAX_WIDTH || h > MAX_HEIGHT || (long) w * h > MAX_PIXELS) {
                capped = true;
                // each side keeps what it can: a wide crop cut to 128 columns need not lose its rows too
                w = Math.min(w, MAX_WIDTH);
                h = Math.min(h, MAX_HEIGHT);
                if ((long) w * h > MAX_PIXELS) {
                    double s = Math.sqrt((double) MAX_PIXELS / ((long) w * h));
                    w = (int) Math.floor(w * s);
                    h = (int) Math.floor(h * s);
                }
            }
            w = Math.max(4, w);
            h = Math.max(4, h);
            int stacked = movingPairs >= MOVING * pairs ? MOVING_FRAMES : 1;
            // averaged into its input pixel, a thing keeps its share of the pixel's cell: under an eighth it all but vanishes
            // (a terminal game's one-column missile: 2x2 of a 14x19 cell), so each pixel is then its cell's most distinct one; a
            // larger share reads better averaged (a terminal's 3x10 characters in 8x16 cells: 15/15 averaged, 6/15 with detail)
            double cellArea = (cw / (double) w) * (ch / (double) h);
            boolean detail = capped && thingW * (double) thingH < DETAIL_SHARE * cellArea;
            List<String> features = detail ? List.of("position", InputFeature.Reading.DETAIL, InputFeature.Reading.SCREEN_ONLY) : position;
            return new InputChoice(new InputSpec(w, h, stacked, words, features, crop), frames, thingW, thingH, capped);
        }

        private int percentile(int[] histogram) {
            long rank = (long) Math.ceil(SMALLEST * blobs), seen = 0;
            for (int s = 1; s < histogram.length; s++) {
                seen += histogram[s];
                if (seen >= rank) {
                    return s;
                }
            }
            return histogram.length - 1;
        }

        public int frames() {
            return frames;
        }
    }

    /**
     * The input with its statistics over the training examples (those read for it): each channel centred on its mean and
     * scaled by its spread, so a light terminal's glyphs are not faint dips on a white 1.0. A channel that hardly varied
     * is scaled as if it varied by {@link #LEAST_SPREAD}, so a change at run time stays bounded. The input unchanged
     * where no example was read for it. Not a default: a calibration declares it (policy.normalise; on two of the three
     * terminal games measured it lost games: README, the calibration reference's `normalise`).
     */
    public static InputSpec normalised(InputSpec spec, List<Example> examples) {
        InputSpec raw = spec.withNormalisation(null);
        int channels = raw.channels(), plane = raw.plane();
        double[] sum = new double[channels], squares = new double[channels];
        float[] planes = new float[channels * plane];
        long n = 0;
        for (Example e : examples) {
            if (!raw.matches(e.input())) {
                continue;
            }
            java.util.Arrays.fill(planes, 0f);
            e.input().writeImage(raw, planes, 0);
            for (int c = 0, i = 0; c < channels; c++) {
                for (int end = i + plane; i < end; i++) {
                    sum[c] += planes[i];
                    squares[c] += (double) planes[i] * planes[i];
                }
            }
            n++;
        }
        if (n == 0) {
            return spec;
        }
        List<Double> mean = new java.util.ArrayList<>(channels), std = new java.util.ArrayList<>(channels);
        double count = (double) n * plane;
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / count;
            mean.add(round4(m));
            std.add(round4(Math.max(LEAST_SPREAD, Math.sqrt(Math.max(0, squares[c] / count - m * m)))));
        }
        return raw.withNormalisation(new InputSpec.Normalisation(mean, std));
    }

    /** The least spread a channel is scaled by: a twentieth of the full range. */
    static final double LEAST_SPREAD = 0.05;

    /** Four places: the checkpoint stores what the network reads, and no noise beyond it. */
    private static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** A fraction to three places: the checkpoint and the printed line say the same crop. */
    private static double round(int pixels, int of) {
        return Math.round(1000.0 * pixels / of) / 1000.0;
    }
}
