package dev.embody.planning;

import java.util.Arrays;
import java.util.List;

/**
 * An extra a profile may add to the learned policy's input, computed from the compact input alone (so a dataset built
 * from recordings gives exactly what inference computes). Only the grid game declares these: its player is the one
 * blue thing on screen, and its task points at the waypoint where the path first turns.
 */
public sealed interface InputFeature {

    String name();

    int channels();

    /** Writes its planes ({@link #channels()} x height x width floats) at {@code offset}. */
    void write(PolicyInput in, float[] dst, int offset);

    List<String> NAMES = List.of("target", "waypoint", "player", "position", Reading.DETAIL, Reading.SCREEN_ONLY);

    static InputFeature named(String name) {
        return switch (name) {
            case "target" -> new Target();
            case "waypoint" -> new Waypoint();
            case "player" -> new Player();
            case "position" -> new Position();
            case Reading.DETAIL, Reading.SCREEN_ONLY -> new Reading(name);
            default -> throw new IllegalArgumentException("no input feature '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        };
    }

    /**
     * Where the task points (its target, or the profile's waypoint towards it), as the offset from each pixel and a
     * blob: a correction "head that way" is then learnable by a small network.
     */
    record Target() implements InputFeature {
        public String name() {
            return "target";
        }

        public int channels() {
            return 3;
        }

        public void write(PolicyInput in, float[] dst, int offset) {
            if (!in.hasTarget()) {
                return;
            }
            int w = in.width(), h = in.height(), n = w * h;
            float cx = in.targetX() * w, cy = in.targetY() * h;
            float scale = Math.max(w, h) / 4f;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = y * w + x;
                    float dx = cx - (x + 0.5f), dy = cy - (y + 0.5f);
                    dst[offset + p] = clamp(dx / scale);
                    dst[offset + n + p] = clamp(dy / scale);
                    dst[offset + 2 * n + p] = (float) Math.exp(-(dx * dx + dy * dy) / 2);
                }
            }
        }
    }

    /**
     * Each pixel's own place, as two planes from -1 to 1 (x, then y): convolutions see the same thing the same way
     * wherever it is, and a game decided by where something is (an obstacle two columns before the player, not ten)
     * needs the place said (CoordConv).
     */
    record Position() implements InputFeature {
        public String name() {
            return "position";
        }

        public int channels() {
            return 2;
        }

        public void write(PolicyInput in, float[] dst, int offset) {
            int w = in.width(), h = in.height(), n = w * h;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    dst[offset + y * w + x] = w == 1 ? 0 : 2f * x / (w - 1) - 1;
                    dst[offset + n + y * w + x] = h == 1 ? 0 : 2f * y / (h - 1) - 1;
                }
            }
        }
    }

    /**
     * An extra with no planes of its own that changes how the input is read; being named, a checkpoint records it with
     * its spec, and a policy reads its input the way it was trained to.
     * <ul>
     *   <li>{@value #DETAIL}: the frames are shrunk keeping each cell's most distinct pixel (the one farthest from the
     *       background) instead of its average ({@link PolicyInput#downscale(dev.embody.loop.Frame, int, int,
     *       InputSpec.Crop, boolean)}), where things thinner than a cell decide the command;</li>
     *   <li>{@value #SCREEN_ONLY}: the policy reads the screen alone, neither the task's words nor its own previous
     *       command ({@link PolicyInput#writeContext}). Both are made by whoever acts: recorded while a person played, the
     *       subtask carried memory's "on a screen like this person chose wait" and the previous command was the person's;
     *       at play they are the policy's own, and a policy that learned "after a wait, wait" (a shooting game's waits
     *       follow waits while its shot flies) waited for good once it waited.</li>
     * </ul>
     */
    record Reading(String name) implements InputFeature {
        public static final String DETAIL = "detail", SCREEN_ONLY = "screen_only";

        public int channels() {
            return 0;
        }

        public void write(PolicyInput in, float[] dst, int offset) {
            // its effect is on how the frames or the context are read, not on planes
        }
    }

    /**
     * The grid game's target planes, pointing not at the task's target but at the waypoint where the A* path to it over
     * the perceived terrain first turns ({@link ScenePlannerPolicy#waypoint}): most corrections are detours around a
     * wall, which are moves toward the waypoint. The encoder puts the waypoint where the target goes.
     */
    record Waypoint() implements InputFeature {
        public String name() {
            return "waypoint";
        }

        public int channels() {
            return 3;
        }

        public void write(PolicyInput in, float[] dst, int offset) {
            new Target().write(in, dst, offset);
        }
    }

    /**
     * The grid game's player, found from the pixels (the one blue thing on screen): its position inside its cell and
     * the offset from it to where the task points, as constant planes, so the net need not infer them from a blur.
     */
    record Player() implements InputFeature {
        /** The agent's colour; a pixel's "blueness" is B - max(R, G), which only the player has. */
        private static final int BLUENESS_FLOOR = 15;

        public String name() {
            return "player";
        }

        public int channels() {
            return 4;
        }

        public void write(PolicyInput in, float[] dst, int offset) {
            float[] me = position(in);
            if (me == null) {
                return;
            }
            int n = in.width() * in.height();
            float fx = me[0] - (float) Math.floor(me[0]) - 0.5f, fy = me[1] - (float) Math.floor(me[1]) - 0.5f;
            Arrays.fill(dst, offset, offset + n, 2 * fx);
            Arrays.fill(dst, offset + n, offset + 2 * n, 2 * fy);
            if (in.hasTarget()) {
                float cx = in.targetX() * in.width(), cy = in.targetY() * in.height();
                Arrays.fill(dst, offset + 2 * n, offset + 3 * n, clamp((cx - me[0]) / 4));
                Arrays.fill(dst, offset + 3 * n, offset + 4 * n, clamp((cy - me[1]) / 4));
            }
        }

        /** The player's centre in pixels of the downscaled newest frame (x, y), from the blueness centroid; null when absent. */
        public static float[] position(PolicyInput in) {
            int w = in.width(), n = w * in.height();
            byte[] px = in.pixels();
            double sx = 0, sy = 0, sw = 0;
            for (int p = 0; p < n; p++) {
                int r = px[p] & 0xff, g = px[n + p] & 0xff, b = px[2 * n + p] & 0xff;
                int s = b - Math.max(r, g) - BLUENESS_FLOOR;
                if (s > 0) {
                    sx += s * (p % w + 0.5);
                    sy += s * (p / w + 0.5);
                    sw += s;
                }
            }
            return sw == 0 ? null : new float[]{(float) (sx / sw), (float) (sy / sw)};
        }
    }

    private static float clamp(float v) {
        return Math.max(-1f, Math.min(1f, v));
    }
}
