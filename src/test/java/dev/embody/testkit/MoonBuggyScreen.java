package dev.embody.testkit;

import dev.embody.loop.Frame;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads Debian's moon-buggy from the pixels of the xterm it runs in (80x24 cells, as its calibration's launch command
 * opens it): the ground line of '#', the craters (gaps in its top row) rolling toward the buggy from the left, and the
 * buggy itself at the right. Nothing here knows the font: cells are told apart by how much ink they hold. The buggy's
 * shape (the columns of its wheels and of its body) is learned from the screen the first time it is seen standing on
 * the ground, in this session; afterwards it is the buggy wherever that shape stands, on the ground or up to a jump's
 * height above it. The game animates the buggy's glyphs as it rolls and jumps, so its shape is a matter of which cells
 * hold ink, not of which glyphs. While the buggy is missing (it crashed into a crater) {@link View#buggy()} is empty.
 */
public final class MoonBuggyScreen {

    /** The terminal the calibration's launch command opens ({@code xterm -geometry 80x24}). */
    public static final int COLUMNS = 80;
    public static final int ROWS = 24;
    /** How far above its standing row the buggy's body is searched for (a jump lifts it two rows). */
    private static final int JUMP_ROWS = 5;

    /** A crater: the ground's top row is missing from column {@code from} to {@code to}, inclusive. */
    public record Crater(int from, int to) {
        public int width() {
            return to - from + 1;
        }
    }

    /**
     * The buggy: its body's row (its wheels are the row below), and the columns its wheels span (rear first: the
     * ground rolls left to right, so the rear wheel meets a crater first).
     *
     * @param airborne it is above the row it stands on (jumping)
     */
    public record Buggy(int row, int rear, int front, boolean airborne) {
    }

    /**
     * One frame read.
     *
     * @param ground  the ground's top row, or -1 when no ground line is on screen
     * @param craters every gap in that row, left to right
     * @param buggy   where the buggy is, when it is on screen
     */
    public record View(int ground, List<Crater> craters, Optional<Buggy> buggy) {

        /**
         * Cells of solid ground between the nearest crater still to come and the buggy's rear wheel (0: the crater is
         * at the wheel), or empty when none is coming.
         */
        public Optional<Integer> nextCraterDistance() {
            if (buggy.isEmpty()) {
                return Optional.empty();
            }
            int rear = buggy.get().rear();
            Optional<Integer> best = Optional.empty();
            for (Crater c : craters) {
                if (c.to() < rear) {
                    int d = rear - c.to() - 1;
                    if (best.isEmpty() || d < best.get()) {
                        best = Optional.of(d);
                    }
                }
            }
            return best;
        }

        /** The nearest crater still to come, as {@link #nextCraterDistance} measures. */
        public Optional<Crater> nextCrater() {
            return nextCraterDistance().flatMap(d -> craters.stream().filter(c -> c.to() == buggy.get().rear() - d - 1).findFirst());
        }
    }

    private final TerminalGrid grid;
    /** The buggy's shape once seen: its wheels' row standing, its wheels' and its body's columns; standRow -1 until then. */
    private int standRow = -1;
    private int rear;
    private int front;
    private int bodyFrom;
    private int bodyTo;

    public MoonBuggyScreen(int width, int height) {
        this.grid = TerminalGrid.fit(width, height, COLUMNS, ROWS);
    }

    public TerminalGrid grid() {
        return grid;
    }

    /** Whether the buggy's shape has been learned (from a frame where it stood on the ground). */
    public boolean knowsTheBuggy() {
        return standRow >= 0;
    }

    public View read(Frame frame) {
        int[][] ink = grid.ink(frame);
        int ground = ground(ink);
        if (ground < 0) {
            return new View(-1, List.of(), Optional.empty());
        }
        List<Crater> craters = craters(ink[ground]);
        if (standRow < 0) {
            learn(ink, ground);
        }
        return new View(ground, craters, standRow < 0 ? Optional.empty() : find(ink));
    }

    /** The top row of the ground: the highest row in the lower half where most cells are full of ink ('#'). */
    static int ground(int[][] ink) {
        int heavy = 0;
        for (int[] row : ink) {
            for (int v : row) {
                heavy = Math.max(heavy, v);
            }
        }
        for (int r = ROWS / 2; r < ROWS - 1; r++) {
            int full = 0;
            for (int v : ink[r]) {
                full += v * 3 >= heavy ? 1 : 0;
            }
            int below = 0;
            for (int v : ink[r + 1]) {
                below += v * 3 >= heavy ? 1 : 0;
            }
            // the ground is two rows of '#', the lower one never broken
            if (full >= COLUMNS / 2 && below >= COLUMNS * 9 / 10) {
                return r;
            }
        }
        return -1;
    }

    /** Gaps in the ground's top row: cells with next to no ink where the rest of the row is '#'. */
    static List<Crater> craters(int[] row) {
        int[] sorted = row.clone();
        java.util.Arrays.sort(sorted);
        int typical = sorted[sorted.length / 2];
        List<Crater> out = new ArrayList<>();
        int start = -1;
        for (int c = 0; c <= row.length; c++) {
            boolean gap = c < row.length && row[c] * 4 < typical;
            if (gap && start < 0) {
                start = c;
            } else if (!gap && start >= 0) {
                out.add(new Crater(start, c - 1));
                start = -1;
            }
        }
        return out;
    }

    /** Ink that makes a cell count as drawn: more than an anti-aliased edge bleeding in from the next cell. */
    private int inked() {
        return Math.max(2, grid.area() / 40);
    }

    /**
     * Learns the buggy's shape when it stands on the ground: the rightmost run of inked cells just above the ground is
     * its wheels, the inked cells above them its body.
     */
    private void learn(int[][] ink, int ground) {
        int wheels = ground - 1, top = ground - 2;
        if (top < 0) {
            return;
        }
        int threshold = inked();
        int to = -1, from = -1;
        for (int c = COLUMNS - 1; c >= COLUMNS / 2; c--) {
            boolean drawn = ink[wheels][c] >= threshold;
            if (drawn && to < 0) {
                to = c;
            }
            if (to >= 0) {
                if (!drawn) {
                    break;
                }
                from = c;
            }
        }
        // "(/)-(/)": seven cells; anything much shorter or longer is not the buggy standing
        if (to < 0 || to - from + 1 < 5 || to - from + 1 > 10) {
            return;
        }
        int bFrom = -1, bTo = -1;
        for (int c = from; c <= to; c++) {
            if (ink[top][c] >= threshold) {
                bFrom = bFrom < 0 ? c : bFrom;
                bTo = c;
            }
        }
        if (bFrom < 0 || bTo - bFrom + 1 < 2) {
            return;
        }
        // nothing else may stand on the ground to its left in those rows (debris of a crash, the title screen)
        for (int c = COLUMNS / 2; c < from - 1; c++) {
            if (ink[wheels][c] >= threshold || ink[top][c] >= threshold) {
                return;
            }
        }
        this.standRow = wheels;
        this.rear = from;
        this.front = to;
        this.bodyFrom = bFrom;
        this.bodyTo = bTo;
    }

    /**
     * The buggy where its shape stands: a row whose wheel cells are (nearly all) drawn under a row whose body cells are,
     * from the ground up to a jump's height. A crashed buggy sinks into the crater and loses its body: no shape.
     */
    private Optional<Buggy> find(int[][] ink) {
        int threshold = inked();
        for (int r = standRow; r >= Math.max(1, standRow - JUMP_ROWS); r--) {
            int wheels = 0;
            for (int c = rear; c <= front; c++) {
                wheels += ink[r][c] >= threshold ? 1 : 0;
            }
            int body = 0;
            for (int c = bodyFrom; c <= bodyTo; c++) {
                body += ink[r - 1][c] >= threshold ? 1 : 0;
            }
            // landing, the wheels splay ("o.o o.o"): one or two of them may be blank
            if (wheels >= front - rear - 1 && body >= bodyTo - bodyFrom) {
                return Optional.of(new Buggy(r - 1, rear, front, r < standRow));
            }
        }
        return Optional.empty();
    }
}
