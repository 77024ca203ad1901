package dev.embody.planning;

import dev.embody.loop.Frame;

import java.util.List;
import java.util.Locale;

/**
 * What the learned policy sees at one step, kept compact (datasets hold thousands): the last frames downscaled
 * (area average), newest first, each channel-major R, G, B; where the task points, as a fraction of the frame (or NaN);
 * the task's words; the previous command's text (or null). The network's planes are expanded from it at batch time by
 * {@link #writeImage} and {@link #writeContext}, by the same code for training and inference.
 */
public record PolicyInput(byte[] pixels, int width, int height, int frames, float targetX, float targetY, String taskText, String previous) {

    public PolicyInput {
        if (pixels.length != 3 * frames * width * height) {
            throw new IllegalArgumentException("pixels must be " + frames + "x3x" + height + "x" + width + ", got " + pixels.length + " bytes");
        }
    }

    public boolean hasTarget() {
        return !Float.isNaN(targetX) && !Float.isNaN(targetY);
    }

    /** The newest frame's RGB planes. */
    public byte[] newest() {
        return java.util.Arrays.copyOf(pixels, 3 * width * height);
    }

    /** Area-average downscale to width x height, channel-major R, G, B; any frame size. */
    public static byte[] downscale(Frame f, int width, int height) {
        return downscale(f, width, height, null);
    }

    /** As {@link #downscale(Frame, int, int)}, of the part of the frame a crop names (null: all of it). */
    public static byte[] downscale(Frame f, int width, int height, InputSpec.Crop crop) {
        return downscale(f, width, height, crop, false);
    }

    /**
     * As {@link #downscale(Frame, int, int, InputSpec.Crop)}; with {@code detail}, each input pixel is the one pixel of its
     * cell farthest from the frame's background colour (its commonest), not the cell's average: a thing thinner than a
     * cell keeps its own colour (a one-column missile in a cell of 14x19 screen pixels averaged to a twentieth of itself
     * and left a policy unable to see whether it flew), where the average keeps only where a big thing's edge lies.
     */
    public static byte[] downscale(Frame f, int width, int height, InputSpec.Crop crop, boolean detail) {
        byte[] out = new byte[3 * width * height];
        byte[] src = f.bgr();
        int fw = f.width(), n = width * height;
        int ox = crop == null ? 0 : (int) Math.round(crop.x() * fw), oy = crop == null ? 0 : (int) Math.round(crop.y() * f.height());
        int w = crop == null ? fw : Math.max(1, Math.min(fw - ox, (int) Math.round(crop.width() * fw)));
        int h = crop == null ? f.height() : Math.max(1, Math.min(f.height() - oy, (int) Math.round(crop.height() * f.height())));
        int[] background = detail ? background(src, fw, ox, oy, w, h) : null;
        for (int y = 0; y < height; y++) {
            int y0 = oy + y * h / height, y1 = Math.max(y0 + 1, oy + (y + 1) * h / height);
            for (int x = 0; x < width; x++) {
                int x0 = ox + x * w / width, x1 = Math.max(x0 + 1, ox + (x + 1) * w / width);
                int p = y * width + x;
                if (background != null) {
                    int far = -1, at = 0;
                    for (int yy = y0; yy < y1; yy++) {
                        int i = (yy * fw + x0) * 3;
                        for (int xx = x0; xx < x1; xx++, i += 3) {
                            int d = Math.abs((src[i] & 0xff) - background[0]) + Math.abs((src[i + 1] & 0xff) - background[1])
                                    + Math.abs((src[i + 2] & 0xff) - background[2]);
                            if (d > far) {
                                far = d;
                                at = i;
                            }
                        }
                    }
                    out[p] = src[at + 2];
                    out[n + p] = src[at + 1];
                    out[2 * n + p] = src[at];
                    continue;
                }
                long b = 0, g = 0, r = 0;
                for (int yy = y0; yy < y1; yy++) {
                    int i = (yy * fw + x0) * 3;
                    for (int xx = x0; xx < x1; xx++, i += 3) {
                        b += src[i] & 0xff;
                        g += src[i + 1] & 0xff;
                        r += src[i + 2] & 0xff;
                    }
                }
                int k = (y1 - y0) * (x1 - x0);
                out[p] = (byte) (r / k);
                out[n + p] = (byte) (g / k);
                out[2 * n + p] = (byte) (b / k);
            }
        }
        return out;
    }

    /** The commonest colour (B, G, R) of a part of a frame, to 16 levels a channel, from every other pixel of every other row. */
    static int[] background(byte[] src, int fw, int ox, int oy, int w, int h) {
        int[] counts = new int[4096];
        int best = 0;
        for (int y = oy; y < oy + h; y += 2) {
            for (int x = ox, i = (y * fw + ox) * 3; x < ox + w; x += 2, i += 6) {
                int bin = ((src[i] & 0xf0) << 4) | (src[i + 1] & 0xf0) | ((src[i + 2] & 0xf0) >> 4);
                if (++counts[bin] > counts[best]) {
                    best = bin;
                }
            }
        }
        return new int[]{((best >> 8) & 0xf) * 16 + 8, ((best >> 4) & 0xf) * 16 + 8, (best & 0xf) * 16 + 8};
    }

    /**
     * Writes the image planes the spec asks for ({@link InputSpec#channels()} x height x width floats) at {@code offset}:
     * levels over 255 and the features' planes, then centred and scaled where the spec carries a normalisation.
     */
    public void writeImage(InputSpec spec, float[] dst, int offset) {
        int planes = 3 * frames * width * height;
        for (int i = 0; i < planes; i++) {
            dst[offset + i] = (pixels[i] & 0xff) / 255f;
        }
        int at = offset + planes;
        for (String name : spec.features()) {
            InputFeature f = InputFeature.named(name);
            f.write(this, dst, at);
            at += f.channels() * width * height;
        }
        if (spec.normalisation() != null) {
            spec.normalisation().apply(dst, offset, width * height); // the one place, for training and inference alike
        }
    }

    /**
     * The context vector: a hashed bag of the task's words (numbers dropped: coordinates are in the image planes), then
     * the previous command one-hot over {@code commands} (last slot: none or unknown). With {@code screen_only} in the
     * spec, neither: only the none slot.
     */
    public void writeContext(InputSpec spec, float[] dst, int offset, List<String> commands) {
        if (spec.features().contains(InputFeature.Reading.SCREEN_ONLY)) {
            dst[offset + spec.words() + commands.size()] = 1f; // as a step with no previous command and no words
            return;
        }
        for (String word : taskText.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (!word.isEmpty()) {
                dst[offset + Math.floorMod(word.hashCode(), spec.words())] = 1f;
            }
        }
        int prev = previous == null ? -1 : commands.indexOf(previous);
        dst[offset + spec.words() + (prev < 0 ? commands.size() : prev)] = 1f;
    }

    public static int contextSize(InputSpec spec, int commands) {
        return spec.words() + commands + 1;
    }
}
