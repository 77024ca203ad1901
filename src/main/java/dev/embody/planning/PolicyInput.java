package dev.embody.planning;

import dev.embody.loop.Frame;
import dev.embody.loop.Task;

import java.util.Locale;

/**
 * What the learned policy sees at one step, already compact: the frame downscaled to {@link #WIDTH}x{@link #HEIGHT}
 * RGB (area average), where the task points (its target, as a fraction of the frame, or NaN), the task's words, and
 * the previous command's text (or null). Datasets store exactly this, so training sees what inference sees.
 */
public record PolicyInput(byte[] pixels, float targetX, float targetY, String taskText, String previous) {

    public static final int WIDTH = 32;
    public static final int HEIGHT = 18;
    /** Hashed bag of words over the task text. */
    public static final int WORDS = 32;

    public PolicyInput {
        if (pixels.length != 3 * WIDTH * HEIGHT) {
            throw new IllegalArgumentException("pixels must be 3x" + HEIGHT + "x" + WIDTH + ", got " + pixels.length + " bytes");
        }
    }

    public static PolicyInput of(Frame frame, Task task, Object previous, double sceneWidth, double sceneHeight) {
        float tx = Float.NaN, ty = Float.NaN;
        if (task.hasTarget()) {
            tx = (float) (task.targetX() / sceneWidth);
            ty = (float) (task.targetY() / sceneHeight);
        }
        return new PolicyInput(downscale(frame), tx, ty, task.kind() + " " + task.subtask(), previous == null ? null : previous.toString());
    }

    /**
     * With the perceived scene: where the task points is the waypoint on the path to its target
     * ({@link ScenePlannerPolicy#waypoint}), when the scene has the terrain to find one.
     */
    public static PolicyInput of(Frame frame, Task task, Object previous, dev.embody.loop.Scene scene) {
        java.util.Optional<double[]> w = ScenePlannerPolicy.waypoint(scene, task);
        if (w.isPresent()) {
            Task toward = new Task(task.goal(), task.kind(), task.subtask(), task.targetKind(), w.get()[0], w.get()[1]);
            return of(frame, toward, previous, scene.width(), scene.height());
        }
        return of(frame, task, previous, scene.width(), scene.height());
    }

    public boolean hasTarget() {
        return !Float.isNaN(targetX) && !Float.isNaN(targetY);
    }

    /** Area-average downscale to 32x18, channel-major R, G, B; any frame size. */
    public static byte[] downscale(Frame f) {
        byte[] out = new byte[3 * WIDTH * HEIGHT];
        byte[] src = f.bgr();
        int w = f.width(), h = f.height();
        for (int y = 0; y < HEIGHT; y++) {
            int y0 = y * h / HEIGHT, y1 = Math.max(y0 + 1, (y + 1) * h / HEIGHT);
            for (int x = 0; x < WIDTH; x++) {
                int x0 = x * w / WIDTH, x1 = Math.max(x0 + 1, (x + 1) * w / WIDTH);
                long b = 0, g = 0, r = 0;
                for (int yy = y0; yy < y1; yy++) {
                    int i = (yy * w + x0) * 3;
                    for (int xx = x0; xx < x1; xx++, i += 3) {
                        b += src[i] & 0xff;
                        g += src[i + 1] & 0xff;
                        r += src[i + 2] & 0xff;
                    }
                }
                int n = (y1 - y0) * (x1 - x0);
                int p = y * WIDTH + x;
                out[p] = (byte) (r / n);
                out[WIDTH * HEIGHT + p] = (byte) (g / n);
                out[2 * WIDTH * HEIGHT + p] = (byte) (b / n);
            }
        }
        return out;
    }

    /**
     * Number of image channels: RGB; the offset from each pixel to the target (x, y) and a target blob; then constant
     * planes: the player's position inside its cell (x, y) and the offset from the player to the target (x, y), both
     * found from the pixels (the agent's blue), so the net need not infer them from a blurred cell.
     */
    public static final int CHANNELS = 10;

    /** The agent's colour; a pixel's "blueness" is B - max(R, G), which only the agent has. */
    private static final int BLUENESS_FLOOR = 15;

    /** The player's centre in pixel units of the downscaled frame (x, y), from the blueness centroid; null when absent. */
    public float[] player() {
        int n = WIDTH * HEIGHT;
        double sx = 0, sy = 0, sw = 0;
        for (int p = 0; p < n; p++) {
            int r = pixels[p] & 0xff, g = pixels[n + p] & 0xff, b = pixels[2 * n + p] & 0xff;
            int s = b - Math.max(r, g) - BLUENESS_FLOOR;
            if (s > 0) {
                sx += s * (p % WIDTH + 0.5);
                sy += s * (p / WIDTH + 0.5);
                sw += s;
            }
        }
        return sw == 0 ? null : new float[]{(float) (sx / sw), (float) (sy / sw)};
    }

    /** Writes this input's image channels into {@code dst} at {@code offset} (CHANNELS x HEIGHT x WIDTH floats). */
    public void writeImage(float[] dst, int offset) {
        int n = WIDTH * HEIGHT;
        for (int i = 0; i < 3 * n; i++) {
            dst[offset + i] = (pixels[i] & 0xff) / 255f;
        }
        float[] me = player();
        if (me != null) {
            float fx = me[0] - (float) Math.floor(me[0]) - 0.5f, fy = me[1] - (float) Math.floor(me[1]) - 0.5f;
            java.util.Arrays.fill(dst, offset + 6 * n, offset + 7 * n, 2 * fx);
            java.util.Arrays.fill(dst, offset + 7 * n, offset + 8 * n, 2 * fy);
        }
        if (!hasTarget()) {
            return;
        }
        float cx = targetX * WIDTH, cy = targetY * HEIGHT;
        if (me != null) {
            java.util.Arrays.fill(dst, offset + 8 * n, offset + 9 * n, clamp((cx - me[0]) / 4));
            java.util.Arrays.fill(dst, offset + 9 * n, offset + 10 * n, clamp((cy - me[1]) / 4));
        }
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int p = y * WIDTH + x;
                float dx = (cx - (x + 0.5f)) / 8, dy = (cy - (y + 0.5f)) / 8;
                dst[offset + 3 * n + p] = clamp(dx);
                dst[offset + 4 * n + p] = clamp(dy);
                float d2 = (cx - x - 0.5f) * (cx - x - 0.5f) + (cy - y - 0.5f) * (cy - y - 0.5f);
                dst[offset + 5 * n + p] = (float) Math.exp(-d2 / 2);
            }
        }
    }

    private static float clamp(float v) {
        return Math.max(-1f, Math.min(1f, v));
    }

    /**
     * The context vector: a hashed bag of the task's words (numbers dropped: coordinates are in the image channels), then
     * the previous command one-hot over {@code commands} (last slot: none or unknown).
     */
    public void writeContext(float[] dst, int offset, java.util.List<String> commands) {
        for (String word : taskText.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (!word.isEmpty()) {
                dst[offset + Math.floorMod(word.hashCode(), WORDS)] = 1f;
            }
        }
        int prev = previous == null ? -1 : commands.indexOf(previous);
        dst[offset + WORDS + (prev < 0 ? commands.size() : prev)] = 1f;
    }

    public static int contextSize(int commands) {
        return WORDS + commands + 1;
    }
}
