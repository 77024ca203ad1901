package dev.embody.planning;

import dev.embody.loop.Terrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

/** A* over a terrain's free cells, 4-connected, with a surcharge for cells next to lava so paths keep their distance. */
public final class GridPaths {

    private static final int[][] MOVES = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};

    private GridPaths() {
    }

    /**
     * The cheapest path from one cell to another, both ends included, or an empty list when there is none.
     *
     * @param lavaPenalty extra cost of stepping onto a cell next to lava
     */
    public static List<int[]> find(Terrain t, int fromCol, int fromRow, int toCol, int toRow, double lavaPenalty) {
        if (!t.inside(fromCol, fromRow) || !t.inside(toCol, toRow) || !t.walkable(toCol, toRow)) {
            return List.of();
        }
        int n = t.cols() * t.rows();
        double[] cost = new double[n];
        Arrays.fill(cost, Double.MAX_VALUE);
        int[] parent = new int[n];
        Arrays.fill(parent, -1);
        int start = fromRow * t.cols() + fromCol, goal = toRow * t.cols() + toCol;
        cost[start] = 0;
        PriorityQueue<double[]> open = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]) != 0 ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        open.add(new double[]{h(fromCol, fromRow, toCol, toRow), start});
        boolean[] closed = new boolean[n];
        while (!open.isEmpty()) {
            int cell = (int) open.poll()[1];
            if (closed[cell]) {
                continue;
            }
            closed[cell] = true;
            if (cell == goal) {
                break;
            }
            int c = cell % t.cols(), r = cell / t.cols();
            for (int[] m : MOVES) {
                int nc = c + m[0], nr = r + m[1];
                if (!t.walkable(nc, nr)) {
                    continue;
                }
                int next = nr * t.cols() + nc;
                double step = 1 + (t.nearHazard(nc, nr, 1) ? lavaPenalty : 0);
                if (cost[cell] + step < cost[next]) {
                    cost[next] = cost[cell] + step;
                    parent[next] = cell;
                    open.add(new double[]{cost[next] + h(nc, nr, toCol, toRow), next});
                }
            }
        }
        if (cost[goal] == Double.MAX_VALUE) {
            return List.of();
        }
        List<int[]> path = new ArrayList<>();
        for (int cell = goal; cell != -1; cell = parent[cell]) {
            path.add(new int[]{cell % t.cols(), cell / t.cols()});
        }
        Collections.reverse(path);
        return path;
    }

    private static double h(int c, int r, int tc, int tr) {
        return Math.abs(c - tc) + Math.abs(r - tr);
    }
}
