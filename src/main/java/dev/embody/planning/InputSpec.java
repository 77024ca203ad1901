package dev.embody.planning;

import java.util.List;
import java.util.Locale;

/**
 * What a learned policy reads, as its profile sets it: the frame downscaled to {@code width} x {@code height}, the last
 * {@code frames} frames stacked (motion matters in games), a hashed bag of the task's words, the previous command, and
 * the optional extras only one target can compute ({@link InputFeature}: the grid game's waypoint and player planes).
 * A checkpoint stores its spec; a policy refuses to load where the profile's spec differs. A profile may {@code crop}
 * the frame first, to the part where the game is decided (a calibration's policy.input.crop), so a small input
 * keeps the detail that matters. Where {@code normalisation} is set (statistics of the training data, per input channel),
 * every plane is centred on its channel's mean and scaled by its spread, at train and at run time alike; where it is
 * null (every checkpoint written before it), a pixel reads its level over 255, as it always did.
 */
public record InputSpec(int width, int height, int frames, int words, List<String> features, Crop crop, Normalisation normalisation) {

    /**
     * Per input channel ({@link #channels()}, in plane order), the mean and the standard deviation of what it read over
     * the training examples: a white terminal reads about 1.0 everywhere with its glyphs faint dips, and a network fed
     * that learns the glyphs slowly, if at all (LeRobot's dataset stats and normalize_inputs do the same).
     */
    public record Normalisation(List<Double> mean, List<Double> std) {
        public Normalisation {
            mean = List.copyOf(mean);
            std = List.copyOf(std);
            if (mean.size() != std.size() || mean.isEmpty()) {
                throw new IllegalArgumentException("normalisation needs a mean and a std per input channel, got " + mean.size() + " and " + std.size());
            }
            for (int i = 0; i < std.size(); i++) {
                if (!Double.isFinite(mean.get(i)) || !(std.get(i) > 0) || !Double.isFinite(std.get(i))) {
                    throw new IllegalArgumentException("normalisation of channel " + i + ": mean must be a number and std above 0, got "
                            + mean.get(i) + " and " + std.get(i));
                }
            }
        }

        /** Centres and scales {@code mean.size()} planes of {@code plane} values each, from {@code offset}, in place. */
        public void apply(float[] dst, int offset, int plane) {
            for (int c = 0, at = offset; c < mean.size(); c++) {
                float m = mean.get(c).floatValue(), inv = (float) (1 / std.get(c));
                for (int end = at + plane; at < end; at++) {
                    dst[at] = (dst[at] - m) * inv;
                }
            }
        }
    }

    /**
     * The part of the frame read, as fractions of its width and height (0..1).
     */
    public record Crop(double x, double y, double width, double height) {
        public Crop {
            if (!(x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= 1 + 1e-9 && y + height <= 1 + 1e-9)) {
                throw new IllegalArgumentException("crop must lie inside the frame (fractions 0..1), got x=" + x + " y=" + y + " width=" + width + " height=" + height);
            }
        }
    }

    public InputSpec(int width, int height, int frames, int words, List<String> features) {
        this(width, height, frames, words, features, null, null);
    }

    public InputSpec(int width, int height, int frames, int words, List<String> features, Crop crop) {
        this(width, height, frames, words, features, crop, null);
    }

    public InputSpec {
        if (width < 4 || height < 4 || width > 256 || height > 256) {
            throw new IllegalArgumentException("input size must be 4..256 pixels a side, got " + width + "x" + height);
        }
        if (frames < 1 || frames > 8) {
            throw new IllegalArgumentException("frames must be 1..8, got " + frames);
        }
        if (words < 1 || words > 1024) {
            throw new IllegalArgumentException("words must be 1..1024, got " + words);
        }
        features = List.copyOf(features);
        int channels = 3 * frames;
        for (String f : features) {
            channels += InputFeature.named(f).channels(); // throws naming the known ones
        }
        if (normalisation != null && normalisation.mean().size() != channels) {
            throw new IllegalArgumentException("normalisation has " + normalisation.mean().size() + " channels; the input has " + channels);
        }
    }

    /** A plain pixel input: no extras. */
    public static InputSpec pixels(int width, int height, int frames) {
        return new InputSpec(width, height, frames, 32, List.of());
    }

    public InputSpec withFeatures(List<String> extras) {
        return new InputSpec(width, height, frames, words, extras, crop);
    }

    public InputSpec withCrop(Crop c) {
        return new InputSpec(width, height, frames, words, features, c, normalisation);
    }

    /** The same input read with these statistics (null: levels over 255). */
    public InputSpec withNormalisation(Normalisation n) {
        return new InputSpec(width, height, frames, words, features, crop, n);
    }

    /** Image planes the network sees: RGB per stacked frame, then each feature's planes. */
    public int channels() {
        int c = 3 * frames;
        for (String f : features) {
            c += InputFeature.named(f).channels();
        }
        return c;
    }

    public int plane() {
        return width * height;
    }

    /** Whether an input was read for this spec (its size and frame count; features are computed at batch time). */
    public boolean matches(PolicyInput in) {
        return in.width() == width && in.height() == height && in.frames() == frames;
    }

    /** "64x36x3 words=32 +waypoint,player": what a refusal names. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%dx%d pixels x %d frame(s), %d word slots%s%s", width, height, frames, words,
                features.isEmpty() ? "" : ", extras " + String.join("+", features),
                crop == null ? "" : String.format(Locale.ROOT, ", of the frame's part x=%.2f y=%.2f %.2fx%.2f", crop.x(), crop.y(), crop.width(), crop.height()))
                + (normalisation == null ? "" : ", normalised per channel");
    }
}
