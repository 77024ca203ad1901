package dev.embody.sim;

import dev.embody.loop.Terrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * One arena of the simulated game: a grid of free, wall and lava cells with coins, a flag and the player's start,
 * generated from a seed and a difficulty (1 easy .. 3 hard), always solvable.
 */
public record Level(long seed, int difficulty, Terrain terrain, List<int[]> coins, int[] flag, int[] start) {

    public static final int CELL = 20;
    public static final int COLS = 32;
    public static final int ROWS = 17;
    /** The arena sits under a 20-pixel HUD band in the 640x360 frame. */
    public static final int TOP = 20;

    public static Level generate(long seed, int difficulty) {
        if (difficulty < 1 || difficulty > 3) {
            throw new IllegalArgumentException("difficulty must be 1, 2 or 3, got " + difficulty);
        }
        SplittableRandom seeds = new SplittableRandom(seed * 31 + difficulty);
        for (int attempt = 0; attempt < 500; attempt++) {
            Level level = tryGenerate(seed, difficulty, new Random(seeds.nextLong()));
            if (level != null) {
                return level;
            }
        }
        throw new IllegalStateException("no solvable level for seed " + seed + " at difficulty " + difficulty);
    }

    private static Level tryGenerate(long seed, int difficulty, Random rnd) {
        byte[] cells = new byte[COLS * ROWS];
        for (int c = 0; c < COLS; c++) {
            cells[c] = Terrain.WALL;
            cells[(ROWS - 1) * COLS + c] = Terrain.WALL;
        }
        for (int r = 0; r < ROWS; r++) {
            cells[r * COLS] = Terrain.WALL;
            cells[r * COLS + COLS - 1] = Terrain.WALL;
        }
        int walls = 4 + 3 * difficulty;
        for (int i = 0; i < walls; i++) {
            boolean horizontal = rnd.nextBoolean();
            int len = 3 + rnd.nextInt(3 + 2 * difficulty);
            int c0 = 2 + rnd.nextInt(COLS - 4), r0 = 2 + rnd.nextInt(ROWS - 4);
            for (int k = 0; k < len; k++) {
                int c = horizontal ? c0 + k : c0, r = horizontal ? r0 : r0 + k;
                if (c > 0 && r > 0 && c < COLS - 1 && r < ROWS - 1) {
                    cells[r * COLS + c] = Terrain.WALL;
                }
            }
        }
        int patches = 2 + 3 * difficulty;
        for (int i = 0; i < patches; i++) {
            int c = 2 + rnd.nextInt(COLS - 4), r = 2 + rnd.nextInt(ROWS - 4);
            int size = 1 + rnd.nextInt(2 + difficulty);
            for (int k = 0; k < size; k++) {
                if (cells[r * COLS + c] == Terrain.FREE) {
                    cells[r * COLS + c] = Terrain.HAZARD;
                }
                if (rnd.nextBoolean()) {
                    c = Math.max(1, Math.min(COLS - 2, c + (rnd.nextBoolean() ? 1 : -1)));
                } else {
                    r = Math.max(1, Math.min(ROWS - 2, r + (rnd.nextBoolean() ? 1 : -1)));
                }
            }
        }
        Terrain terrain = new Terrain(0, TOP, CELL, COLS, ROWS, cells, "lava");
        List<int[]> free = new ArrayList<>();
        for (int r = 1; r < ROWS - 1; r++) {
            for (int c = 1; c < COLS - 1; c++) {
                if (terrain.walkable(c, r) && !terrain.nearHazard(c, r, 1)) {
                    free.add(new int[]{c, r});
                }
            }
        }
        int coinCount = Math.min(6, 2 + difficulty);
        if (free.size() < coinCount + 2) {
            return null;
        }
        java.util.Collections.shuffle(free, rnd);
        int[] start = free.get(0);
        int[] flag = free.get(1);
        List<int[]> coins = new ArrayList<>(free.subList(2, 2 + coinCount));
        int[] dist = terrain.distancesFrom(start[0], start[1]);
        if (dist[flag[1] * COLS + flag[0]] < 4) {
            return null;
        }
        for (int[] coin : coins) {
            if (dist[coin[1] * COLS + coin[0]] < 2) {
                return null;
            }
        }
        return new Level(seed, difficulty, terrain, List.copyOf(coins), flag, start);
    }
}
