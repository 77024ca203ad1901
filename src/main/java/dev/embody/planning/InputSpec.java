package dev.embody.planning;

import java.util.List;
import java.util.Locale;

/**
 * What a learned policy reads, as its profile sets it: the frame downscaled to {@code width} x {@code height}, the last
 * {@code frames} frames stacked (motion matters in games), a hashed bag of the task's words, the previous command, and
 * the optional extras only one target can compute ({@link InputFeature}: the grid game's waypoint and player planes).
 * A checkpoint stores its spec; a policy refuses to load where the profile's spec differs. A profile may {@code crop}
 * the frame first, to the part where the game is decided (a calibration's policy.input.crop), so a small input
 * keeps the detail that matters.
 */
public record InputSpec(int width, int height, int frames, int words, List<String> features, Crop crop) {

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
        this(width, height, frames, words, features, null);
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
        for (String f : features) {
            InputFeature.named(f); // throws naming the known ones
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
        return new InputSpec(width, height, frames, words, features, c);
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
                crop == null ? "" : String.format(Locale.ROOT, ", of the frame's part x=%.2f y=%.2f %.2fx%.2f", crop.x(), crop.y(), crop.width(), crop.height()));
    }
}
