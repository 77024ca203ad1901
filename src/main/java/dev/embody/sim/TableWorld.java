package dev.embody.sim;

import java.util.Random;

/**
 * The simulated tabletop, 0.9 x 0.6 m: a round differential-drive robot (radius 5 cm), a target marker, a block
 * (pushed when the robot runs into it) and a goal zone, placed from a seed. Motion has a little seeded noise (a few
 * percent in distance and angle), as wheels do. Positions in metres, headings in radians counter-clockwise from +x.
 * Not thread-safe: the robot node owns it.
 */
public final class TableWorld {

    public static final double WIDTH = 0.9;
    public static final double DEPTH = 0.6;
    public static final double ROBOT_RADIUS = 0.05;
    public static final double BLOCK_HALF = 0.03;
    public static final double GOAL_HALF = 0.06;
    /** The robot has reached the target when its centre is this close to the target's. */
    public static final double REACH = 0.05;

    private final long seed;
    private final Random noise;
    private double x, y, heading;
    private final double targetX, targetY;
    private double blockX, blockY;
    private final double goalX, goalY;
    private long timeNanos;
    private boolean reached;

    public TableWorld(long seed) {
        this.seed = seed;
        Random r = new Random(seed * 7919 + 17);
        this.noise = new Random(seed * 31 + 5);
        double[] robot = place(r, new double[0][], 0.15);
        x = robot[0];
        y = robot[1];
        heading = r.nextDouble() * 2 * Math.PI - Math.PI;
        double[] target = place(r, new double[][]{robot}, 0.25);
        targetX = target[0];
        targetY = target[1];
        double[] goal = place(r, new double[][]{robot, target}, 0.18);
        goalX = goal[0];
        goalY = goal[1];
        double[] block = placeNear(r, goal, new double[][]{robot, target}, 0.15);
        blockX = block[0];
        blockY = block[1];
    }

    private static double[] place(Random r, double[][] others, double minGap) {
        for (int i = 0; i < 1000; i++) {
            double px = 0.12 + r.nextDouble() * (WIDTH - 0.24), py = 0.12 + r.nextDouble() * (DEPTH - 0.24);
            boolean ok = true;
            for (double[] o : others) {
                ok &= Math.hypot(px - o[0], py - o[1]) >= minGap;
            }
            if (ok) {
                return new double[]{px, py};
            }
        }
        throw new IllegalStateException("cannot place things on the table");
    }

    /** The block starts 10-18 cm from the goal, away from the table's edges, clear of the rest. */
    private static double[] placeNear(Random r, double[] goal, double[][] others, double minGap) {
        for (int i = 0; i < 1000; i++) {
            double a = r.nextDouble() * 2 * Math.PI, d = 0.12 + r.nextDouble() * 0.06;
            double px = goal[0] + d * Math.cos(a), py = goal[1] + d * Math.sin(a);
            if (px < 0.14 || px > WIDTH - 0.14 || py < 0.14 || py > DEPTH - 0.14) {
                continue;
            }
            boolean ok = true;
            for (double[] o : others) {
                ok &= Math.hypot(px - o[0], py - o[1]) >= minGap;
            }
            if (ok) {
                return new double[]{px, py};
            }
        }
        return place(r, others, minGap);
    }

    public long seed() {
        return seed;
    }

    /**
     * Drives straight by {@code distance} metres (negative: backwards) at {@code speed}, in 5 mm slices; the table's
     * edge stops the robot, and the block is pushed ahead of it. {@code halted} is asked between slices.
     *
     * @return the metres actually covered
     */
    public double move(double distance, double speed, java.util.function.BooleanSupplier halted, SliceClock clock) throws InterruptedException {
        motion(distance, speed, "move", "m/s");
        double actual = distance * (1 + 0.03 * noise.nextGaussian());
        double drift = Math.toRadians(0.8 * noise.nextGaussian());
        int slices = Math.max(1, (int) Math.ceil(Math.abs(actual) / 0.005));
        double step = actual / slices, covered = 0;
        for (int i = 0; i < slices; i++) {
            if (halted.getAsBoolean()) {
                break;
            }
            double nx = x + step * Math.cos(heading), ny = y + step * Math.sin(heading);
            if (nx < ROBOT_RADIUS || nx > WIDTH - ROBOT_RADIUS || ny < ROBOT_RADIUS || ny > DEPTH - ROBOT_RADIUS) {
                break;
            }
            x = nx;
            y = ny;
            heading += drift / slices;
            push();
            covered += Math.abs(step);
            timeNanos += (long) (Math.abs(step) / speed * 1e9);
            updateReached();
            clock.slice(Math.abs(step) / speed);
        }
        return covered;
    }

    /** Turns in place by {@code radians} (counter-clockwise positive) at {@code speed} rad/s, in 2 degree slices. */
    public double turn(double radians, double speed, java.util.function.BooleanSupplier halted, SliceClock clock) throws InterruptedException {
        motion(radians, speed, "turn", "rad/s");
        double actual = radians * (1 + 0.03 * noise.nextGaussian());
        int slices = Math.max(1, (int) Math.ceil(Math.abs(actual) / Math.toRadians(2)));
        double step = actual / slices, turned = 0;
        for (int i = 0; i < slices; i++) {
            if (halted.getAsBoolean()) {
                break;
            }
            heading = wrap(heading + step);
            turned += Math.abs(step);
            timeNanos += (long) (Math.abs(step) / speed * 1e9);
            clock.slice(Math.abs(step) / speed);
        }
        return turned;
    }

    /** The pose stays finite whatever is asked: NaN or infinite amounts and speeds not above 0 are refused. */
    private static void motion(double amount, double speed, String what, String unit) {
        if (!Double.isFinite(amount) || !(Double.isFinite(speed) && speed > 0)) {
            throw new IllegalArgumentException(what + " of " + amount + " at " + speed + " " + unit + ": needs a finite amount and a finite speed above 0");
        }
    }

    /** How a motion slice spends time: not at all in simulated time, on the wall clock in real time. */
    public interface SliceClock {
        SliceClock SIMULATED = seconds -> { };

        void slice(double seconds) throws InterruptedException;
    }

    /** The block is a square seen by the robot as a disc: overlap pushes it out along the line between centres. */
    private void push() {
        double reach = ROBOT_RADIUS + BLOCK_HALF * 1.1;
        double dx = blockX - x, dy = blockY - y, d = Math.hypot(dx, dy);
        if (d < reach && d > 1e-9) {
            double k = (reach - d) / d;
            blockX = clamp(blockX + dx * k, BLOCK_HALF, WIDTH - BLOCK_HALF);
            blockY = clamp(blockY + dy * k, BLOCK_HALF, DEPTH - BLOCK_HALF);
        }
    }

    private void updateReached() {
        if (Math.hypot(x - targetX, y - targetY) <= REACH) {
            reached = true;
        }
    }

    public void advance(double seconds) {
        timeNanos += (long) (seconds * 1e9);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static double wrap(double a) {
        while (a > Math.PI) {
            a -= 2 * Math.PI;
        }
        while (a <= -Math.PI) {
            a += 2 * Math.PI;
        }
        return a;
    }

    public double x() {
        return x;
    }

    public double y() {
        return y;
    }

    public double heading() {
        return heading;
    }

    public double targetX() {
        return targetX;
    }

    public double targetY() {
        return targetY;
    }

    public double blockX() {
        return blockX;
    }

    public double blockY() {
        return blockY;
    }

    public double goalX() {
        return goalX;
    }

    public double goalY() {
        return goalY;
    }

    public long timeNanos() {
        return timeNanos;
    }

    /** Whether the robot has been on the target at any time. */
    public boolean reached() {
        return reached;
    }

    /** The block's centre lies inside the goal zone. */
    public boolean blockOnGoal() {
        return Math.abs(blockX - goalX) <= GOAL_HALF && Math.abs(blockY - goalY) <= GOAL_HALF;
    }

    /** Puts the robot somewhere (tests and calibration runs). */
    public void placeRobot(double px, double py, double headingRad) {
        x = px;
        y = py;
        heading = wrap(headingRad);
        updateReached();
    }
}
