package dev.embody.testkit;

import dev.embody.loop.Frame;

/**
 * A character terminal's picture as its grid of cells: a terminal emulator (xterm) draws every character in a cell of
 * the same size, inside a thin border. A cell's ink is how many of its pixels differ clearly from the background, so a
 * space has none, a '#' many, a '.' a few; no font knowledge needed, whatever the colours.
 *
 * @param columns    cells across (the terminal's COLUMNS)
 * @param rows       cells down (its LINES)
 * @param cellWidth  pixels a cell is wide
 * @param cellHeight pixels a cell is high
 * @param left       pixels of border before the first column
 * @param top        pixels of border above the first row
 */
public record TerminalGrid(int columns, int rows, int cellWidth, int cellHeight, int left, int top) {

    /** Luminance a pixel must differ from the background by to be ink (anti-aliased edges below it are not). */
    private static final int INK_CONTRAST = 96;

    public TerminalGrid {
        if (columns <= 0 || rows <= 0 || cellWidth <= 0 || cellHeight <= 0 || left < 0 || top < 0) {
            throw new IllegalArgumentException("a terminal grid needs positive sizes, got " + columns + "x" + rows + " cells of "
                    + cellWidth + "x" + cellHeight + " at +" + left + "+" + top);
        }
    }

    /**
     * The grid of a terminal of {@code columns} x {@code rows} shown whole in a picture of this size: the cells are as
     * large as fit, the rest is border, split evenly (xterm's internal border).
     */
    public static TerminalGrid fit(int width, int height, int columns, int rows) {
        int cw = width / columns, ch = height / rows;
        if (cw <= 0 || ch <= 0) {
            throw new IllegalArgumentException("a " + width + "x" + height + " picture cannot hold a " + columns + "x" + rows + " terminal");
        }
        return new TerminalGrid(columns, rows, cw, ch, (width - cw * columns) / 2, (height - ch * rows) / 2);
    }

    /** Ink per cell, [row][column]: pixels that stand out from the background (the most common grey of the frame's edge). */
    public int[][] ink(Frame frame) {
        if (frame.width() < left + columns * cellWidth || frame.height() < top + rows * cellHeight) {
            throw new IllegalArgumentException("a " + frame.width() + "x" + frame.height() + " frame is smaller than the terminal grid " + this);
        }
        byte[] p = frame.bgr();
        int w = frame.width();
        int background = background(frame);
        int[][] ink = new int[rows][columns];
        for (int r = 0; r < rows; r++) {
            int[] line = ink[r];
            for (int y = top + r * cellHeight, yEnd = y + cellHeight; y < yEnd; y++) {
                int i = (y * w + left) * 3;
                for (int c = 0; c < columns; c++) {
                    int n = 0;
                    for (int x = 0; x < cellWidth; x++, i += 3) {
                        if (Math.abs(luminance(p, i) - background) > INK_CONTRAST) {
                            n++;
                        }
                    }
                    line[c] += n;
                }
            }
        }
        return ink;
    }

    /** The pixels of one cell's box, as (x, y, width, height) in the frame. */
    public int[] box(int column, int row) {
        return new int[]{left + column * cellWidth, top + row * cellHeight, cellWidth, cellHeight};
    }

    /** Pixels in a cell. */
    public int area() {
        return cellWidth * cellHeight;
    }

    /** The background's luminance: the most common one in the frame (a terminal is mostly blank), from every 7th pixel. */
    static int background(Frame frame) {
        int[] counts = new int[256];
        byte[] p = frame.bgr();
        for (int i = 0; i + 2 < p.length; i += 3 * 7) {
            counts[luminance(p, i)]++;
        }
        int best = 0;
        for (int v = 1; v < 256; v++) {
            if (counts[v] > counts[best]) {
                best = v;
            }
        }
        return best;
    }

    static int luminance(byte[] bgr, int i) {
        return ((bgr[i] & 0xff) * 29 + (bgr[i + 1] & 0xff) * 150 + (bgr[i + 2] & 0xff) * 77) >> 8;
    }
}
