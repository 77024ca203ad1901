package dev.embody.loop;

import java.util.Base64;

/**
 * A frame in brief: a 16x9 grey thumbnail (area-sampled, one byte a cell). Memory recalls past screens by it, and
 * pixel-change reflection compares it with earlier ones, on any target: it needs no parser.
 */
public record ImageSignature(byte[] cells) {

    public static final int COLS = 16;
    public static final int ROWS = 9;
    /** Pixels sampled per thumbnail cell side at most: a 1080p frame costs the same as a 640x360 one. */
    private static final int SAMPLES = 8;

    public ImageSignature {
        if (cells.length != COLS * ROWS) {
            throw new IllegalArgumentException("an image signature has " + COLS * ROWS + " cells, got " + cells.length);
        }
    }

    public static ImageSignature of(Frame f) {
        byte[] out = new byte[COLS * ROWS];
        byte[] bgr = f.bgr();
        int w = f.width(), h = f.height();
        for (int r = 0; r < ROWS; r++) {
            int y0 = r * h / ROWS, y1 = Math.max(y0 + 1, (r + 1) * h / ROWS);
            int sy = Math.max(1, (y1 - y0) / SAMPLES);
            for (int c = 0; c < COLS; c++) {
                int x0 = c * w / COLS, x1 = Math.max(x0 + 1, (c + 1) * w / COLS);
                int sx = Math.max(1, (x1 - x0) / SAMPLES);
                long sum = 0;
                int n = 0;
                for (int y = y0; y < y1; y += sy) {
                    int i = (y * w + x0) * 3;
                    for (int x = x0; x < x1; x += sx, i += 3 * sx) {
                        // Rec. 601 luma, in integers
                        sum += (29 * (bgr[i] & 0xff) + 150 * (bgr[i + 1] & 0xff) + 77 * (bgr[i + 2] & 0xff)) >> 8;
                        n++;
                    }
                }
                out[r * COLS + c] = (byte) (sum / n);
            }
        }
        return new ImageSignature(out);
    }

    /** Mean absolute difference per cell, 0 (the same) to 1 (black against white everywhere). */
    public double distance(ImageSignature other) {
        long d = 0;
        for (int i = 0; i < cells.length; i++) {
            d += Math.abs((cells[i] & 0xff) - (other.cells[i] & 0xff));
        }
        return d / (255.0 * cells.length);
    }

    /**
     * The share of cells that changed by more than {@code threshold} (0..1 of full scale) inside a box given as
     * fractions of the frame (x0, y0, x1, y1); the whole frame is (0, 0, 1, 1).
     */
    public double changed(ImageSignature other, double threshold, double x0, double y0, double x1, double y1) {
        int c0 = clamp((int) Math.floor(x0 * COLS), COLS), c1 = clamp((int) Math.ceil(x1 * COLS) - 1, COLS);
        int r0 = clamp((int) Math.floor(y0 * ROWS), ROWS), r1 = clamp((int) Math.ceil(y1 * ROWS) - 1, ROWS);
        int n = 0, changed = 0;
        for (int r = r0; r <= r1; r++) {
            for (int c = c0; c <= c1; c++) {
                int i = r * COLS + c;
                n++;
                if (Math.abs((cells[i] & 0xff) - (other.cells[i] & 0xff)) > threshold * 255) {
                    changed++;
                }
            }
        }
        return n == 0 ? 0 : changed / (double) n;
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size - 1, v));
    }

    public String encoded() {
        return Base64.getEncoder().encodeToString(cells);
    }

    public static ImageSignature decode(String text) {
        return new ImageSignature(Base64.getDecoder().decode(text));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageSignature s && java.util.Arrays.equals(cells, s.cells);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(cells);
    }

    @Override
    public String toString() {
        return "look:" + encoded();
    }
}
