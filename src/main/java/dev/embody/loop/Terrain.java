package dev.embody.loop;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A coarse grid over the scene, for targets that are grid worlds: which cells are free, blocked (a wall) or a hazard to
 * keep away from, which the profile names (lava in the embedded game). Perceived from pixels for the agent, or made
 * from the true map for a simulator's oracle; path search runs on it either way.
 *
 * @param hazard what a hazard cell is, in the target's words ("lava")
 */
public record Terrain(double originX, double originY, double cellSize, int cols, int rows, byte[] cells, String hazard) {

    public static final byte FREE = 0;
    public static final byte WALL = 1;
    public static final byte HAZARD = 2;

    public Terrain {
        if (cells.length != cols * rows) {
            throw new IllegalArgumentException("terrain of " + cols + "x" + rows + " needs " + cols * rows + " cells, got " + cells.length);
        }
    }

    public Terrain(double originX, double originY, double cellSize, int cols, int rows, byte[] cells) {
        this(originX, originY, cellSize, cols, rows, cells, "hazard");
    }

    public boolean inside(int col, int row) {
        return col >= 0 && row >= 0 && col < cols && row < rows;
    }

    public byte at(int col, int row) {
        return inside(col, row) ? cells[row * cols + col] : WALL;
    }

    public int colOf(double x) {
        return (int) Math.floor((x - originX) / cellSize);
    }

    public int rowOf(double y) {
        return (int) Math.floor((y - originY) / cellSize);
    }

    public double centreX(int col) {
        return originX + (col + 0.5) * cellSize;
    }

    public double centreY(int row) {
        return originY + (row + 0.5) * cellSize;
    }

    public boolean walkable(int col, int row) {
        return at(col, row) == FREE;
    }

    /** Whether a hazard cell lies within {@code radius} cells (Chebyshev) of the given one. */
    public boolean nearHazard(int col, int row, int radius) {
        for (int dr = -radius; dr <= radius; dr++) {
            for (int dc = -radius; dc <= radius; dc++) {
                if (inside(col + dc, row + dr) && at(col + dc, row + dr) == HAZARD) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Steps (4-connected, free cells only) from the given cell to every cell; -1 where unreachable. */
    public int[] distancesFrom(int col, int row) {
        int[] dist = new int[cols * rows];
        Arrays.fill(dist, -1);
        if (!inside(col, row)) {
            return dist;
        }
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        dist[row * cols + col] = 0;
        queue.add(row * cols + col);
        int[][] moves = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        while (!queue.isEmpty()) {
            int cell = queue.poll();
            int c = cell % cols, r = cell / cols;
            for (int[] m : moves) {
                int nc = c + m[0], nr = r + m[1];
                if (walkable(nc, nr) && dist[nr * cols + nc] < 0) {
                    dist[nr * cols + nc] = dist[cell] + 1;
                    queue.add(nr * cols + nc);
                }
            }
        }
        return dist;
    }

    public int count(byte kind) {
        int n = 0;
        for (byte b : cells) {
            if (b == kind) {
                n++;
            }
        }
        return n;
    }
}
