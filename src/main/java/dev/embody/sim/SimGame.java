package dev.embody.sim;

import dev.embody.loop.Frame;
import dev.embody.loop.Goal;
import dev.embody.loop.Outcome;
import dev.embody.loop.Terrain;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The embedded top-down game. It takes only key events (arrows and WASD, pressed and released) and moves the player
 * continuously while a key is held; time passes only through {@link #advance(Duration)}, so a headless run takes
 * simulated time and a window drives it with the wall clock. Touching lava fails, meeting the goal succeeds, the time
 * limit ends it. Thread-safe: a window's key listener and the game's timer may call it from different threads.
 */
public final class SimGame {

    /** The game's two goals. */
    public static final Goal COLLECT_COINS = new Goal("collect all coins");
    public static final Goal REACH_FLAG = new Goal("reach the flag");


    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;
    /** Player speed in pixels per second; a tick moves it exactly one pixel. */
    public static final int SPEED = 100;
    private static final long TICK_NANOS = 1_000_000_000L / SPEED;
    public static final int PLAYER_RADIUS = 6;
    public static final int COIN_RADIUS = 5;

    static final Color BACKGROUND = new Color(28, 28, 32);
    static final Color WALL = new Color(125, 125, 125);
    static final Color LAVA = new Color(235, 70, 20);
    static final Color COIN = new Color(245, 200, 30);
    static final Color FLAG = new Color(40, 190, 70);
    static final Color PLAYER = new Color(40, 110, 245);

    private final Level level;
    private final Goal goal;
    private final long limitNanos;
    private final List<int[]> coins;
    private final Set<Integer> held = new HashSet<>();
    private final BufferedImage canvas = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    private final BufferedImage background;
    private int px;
    private int py;
    private long nanos;
    private long pendingNanos;
    private int collected;
    private Outcome outcome = Outcome.RUNNING;
    private String ending = "";
    private long distance;

    public SimGame(Level level, Goal goal, Duration timeLimit) {
        this.level = level;
        this.goal = goal;
        this.limitNanos = timeLimit.toNanos();
        this.coins = new ArrayList<>(level.coins());
        Terrain t = level.terrain();
        this.px = (int) t.centreX(level.start()[0]);
        this.py = (int) t.centreY(level.start()[1]);
        this.background = drawBackground();
    }

    public static SimGame of(long seed, int difficulty, Goal goal, Duration limit) {
        return new SimGame(Level.generate(seed, difficulty), goal, limit);
    }

    public synchronized void keyDown(int keyCode) {
        held.add(keyCode);
    }

    public synchronized void keyUp(int keyCode) {
        held.remove(keyCode);
    }

    public synchronized Set<Integer> heldKeys() {
        return Set.copyOf(held);
    }

    /** Lets game time pass, in ticks of 10 ms; the player moves while keys are held. */
    public synchronized void advance(Duration d) {
        pendingNanos += d.toNanos();
        while (pendingNanos >= TICK_NANOS && outcome == Outcome.RUNNING) {
            pendingNanos -= TICK_NANOS;
            tick();
        }
        if (outcome.finished()) {
            pendingNanos = 0;
        }
    }

    private void tick() {
        nanos += TICK_NANOS;
        int dx = (pressed(KeyEvent.VK_RIGHT, KeyEvent.VK_D) ? 1 : 0) - (pressed(KeyEvent.VK_LEFT, KeyEvent.VK_A) ? 1 : 0);
        int dy = (pressed(KeyEvent.VK_DOWN, KeyEvent.VK_S) ? 1 : 0) - (pressed(KeyEvent.VK_UP, KeyEvent.VK_W) ? 1 : 0);
        if (dx != 0 && !blocked(px + dx, py)) {
            px += dx;
            distance++;
        }
        if (dy != 0 && !blocked(px, py + dy)) {
            py += dy;
            distance++;
        }
        if (touches(px, py, Terrain.HAZARD, 1)) {
            end(Outcome.FAILURE, "touched lava");
            return;
        }
        coins.removeIf(c -> {
            double cx = level.terrain().centreX(c[0]), cy = level.terrain().centreY(c[1]);
            if (Math.hypot(cx - px, cy - py) <= PLAYER_RADIUS + COIN_RADIUS) {
                collected++;
                return true;
            }
            return false;
        });
        boolean atFlag = level.terrain().colOf(px) == level.flag()[0] && level.terrain().rowOf(py) == level.flag()[1];
        if (goal.equals(SimGame.REACH_FLAG) ? atFlag : coins.isEmpty()) {
            end(Outcome.SUCCESS, goal.equals(SimGame.REACH_FLAG) ? "reached the flag" : "collected all coins");
        } else if (nanos >= limitNanos) {
            end(Outcome.TIMEOUT, "time is up");
        }
    }

    private boolean pressed(int a, int b) {
        return held.contains(a) || held.contains(b);
    }

    private boolean blocked(int x, int y) {
        return touches(x, y, Terrain.WALL, 0);
    }

    /** Whether the player's box at (x, y), shrunk by {@code inset} pixels, overlaps a cell of the given kind. */
    private boolean touches(int x, int y, byte kind, int inset) {
        Terrain t = level.terrain();
        int r = PLAYER_RADIUS - inset;
        int c0 = t.colOf(x - r), c1 = t.colOf(x + r - 1), r0 = t.rowOf(y - r), r1 = t.rowOf(y + r - 1);
        for (int row = r0; row <= r1; row++) {
            for (int col = c0; col <= c1; col++) {
                if (t.at(col, row) == kind) {
                    return true;
                }
            }
        }
        return false;
    }

    private void end(Outcome o, String why) {
        outcome = o;
        ending = why;
    }

    /** Stops the game from outside (an operator's stop, Ctrl-C) unless it already ended. */
    public synchronized void stop(Outcome o, String why) {
        if (!outcome.finished()) {
            end(o, why);
        }
    }

    /** The 640x360 frame a player sees. */
    public synchronized Frame render() {
        Graphics2D g = canvas.createGraphics();
        g.drawImage(background, 0, 0, null);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Terrain t = level.terrain();
        g.setColor(COIN);
        for (int[] c : coins) {
            int cx = (int) t.centreX(c[0]), cy = (int) t.centreY(c[1]);
            g.fillOval(cx - COIN_RADIUS, cy - COIN_RADIUS, 2 * COIN_RADIUS, 2 * COIN_RADIUS);
        }
        g.setColor(PLAYER);
        g.fillOval(px - PLAYER_RADIUS, py - PLAYER_RADIUS, 2 * PLAYER_RADIUS, 2 * PLAYER_RADIUS);
        g.setColor(Color.WHITE);
        g.setFont(GameFont.bold(13));
        g.drawString(String.format("%s   coins %d/%d   time %5.1fs   %s", goal, collected, level.coins().size(),
                nanos / 1e9, outcome == Outcome.RUNNING ? "" : outcome.label().toUpperCase()), 8, 15);
        g.dispose();
        byte[] data = ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
        return new Frame(WIDTH, HEIGHT, data.clone());
    }

    private BufferedImage drawBackground() {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(BACKGROUND);
        Terrain t = level.terrain();
        g.fillRect(0, Level.TOP, WIDTH, HEIGHT - Level.TOP);
        for (int r = 0; r < t.rows(); r++) {
            for (int c = 0; c < t.cols(); c++) {
                byte kind = t.at(c, r);
                if (kind != Terrain.FREE) {
                    g.setColor(kind == Terrain.WALL ? WALL : LAVA);
                    g.fillRect((int) (t.originX() + c * t.cellSize()), (int) (t.originY() + r * t.cellSize()), (int) t.cellSize(), (int) t.cellSize());
                }
            }
        }
        int fx = (int) (t.originX() + level.flag()[0] * t.cellSize()), fy = (int) (t.originY() + level.flag()[1] * t.cellSize());
        g.setColor(new Color(200, 200, 200));
        g.setStroke(new BasicStroke(2));
        g.drawLine(fx + 5, fy + 3, fx + 5, fy + 18);
        g.setColor(FLAG);
        g.fillPolygon(new int[]{fx + 6, fx + 17, fx + 6}, new int[]{fy + 3, fy + 7, fy + 11}, 3);
        g.dispose();
        return img;
    }

    public synchronized Outcome outcome() {
        return outcome;
    }

    public synchronized String ending() {
        return ending;
    }

    public Level level() {
        return level;
    }

    public Goal goal() {
        return goal;
    }

    public synchronized int coinsCollected() {
        return collected;
    }

    public synchronized List<int[]> coinsLeft() {
        return List.copyOf(coins);
    }

    public synchronized int playerX() {
        return px;
    }

    public synchronized int playerY() {
        return py;
    }

    public synchronized long timeNanos() {
        return nanos;
    }

    public synchronized long distanceTravelled() {
        return distance;
    }

    /** What a target that plays this game says of it (Target.describe): the level, the goal, whether on the wall clock. */
    Map<String, Object> describe(boolean realtime) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", level().seed());
        m.put("difficulty", level().difficulty());
        m.put("goal", goal().text());
        m.put("coins", level().coins().size());
        m.put("realtime", realtime);
        return m;
    }

    /** The game's score for a target's Target.score, with how it ended as the target tells it; the target may add more. */
    Map<String, Object> score(String ending) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("coins", coinsCollected());
        m.put("coins_total", level().coins().size());
        m.put("game_s", Math.round(timeNanos() / 1e7) / 100.0);
        m.put("ending", ending);
        return m;
    }
}
