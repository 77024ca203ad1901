package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.skill.SkillCall;

import java.util.Locale;
import java.util.Optional;

/**
 * The baseline planner for a tabletop robot, from the scene in table metres: turn toward the point the task names
 * until the bearing error is small for the distance, then drive; the amounts are the skills' (turn 5/15/45 deg,
 * move 1/3/10 cm), chosen to fit the error. Pushing: drive to the spot behind the block on the line from the goal
 * (around the block if it is in the way), face the goal, and push.
 */
public final class RobotScenePlanner implements Policy {

    private static final double[] TURN_DEG = {5, 15, 45};
    private static final double[] MOVE_M = {0.01, 0.03, 0.10};
    private static final String[] AMOUNTS = {"small", "medium", "large"};
    /** Centre of the robot to centre of the block when touching, metres. */
    private static final double CONTACT = 0.05 + 0.03;

    @Override
    public String name() {
        return "robot-scene-planner";
    }

    @Override
    public Decision plan(PlanningContext c) {
        Task task = c.task();
        Scene s = c.scene();
        Optional<Entity> robot = s.first("robot"), front = s.first("robot_front");
        if (task.done() || !task.hasTarget() || robot.isEmpty() || front.isEmpty()) {
            return pick(c, SkillCall.of("stop"), task.done() ? "done: " + task.subtask() : "nothing to drive to: " + task.subtask());
        }
        double rx = robot.get().x(), ry = robot.get().y();
        double heading = Math.atan2(front.get().y() - ry, front.get().x() - rx);
        if ("push".equals(task.kind())) {
            return push(c, s, rx, ry, heading, task.targetX(), task.targetY());
        }
        return driveTo(c, rx, ry, heading, task.targetX(), task.targetY(), 0.0, "target");
    }

    private Decision push(PlanningContext c, Scene s, double rx, double ry, double heading, double gx, double gy) {
        Optional<Entity> block = s.first("block");
        if (block.isEmpty()) {
            return pick(c, SkillCall.of("stop"), "the block is out of sight");
        }
        double bx = block.get().x(), by = block.get().y();
        double ux = gx - bx, uy = gy - by, left = Math.hypot(ux, uy);
        ux /= left;
        uy /= left;
        // where the robot is relative to the block, along the push line (a) and across it (b)
        double a = (rx - bx) * ux + (ry - by) * uy, b = -(rx - bx) * uy + (ry - by) * ux;
        double push = Math.atan2(uy, ux);
        boolean behind = a < -CONTACT + 0.02 && a > -CONTACT - 0.06 && Math.abs(b) < 0.015;
        if (behind) {
            double err = wrap(push - heading);
            if (Math.abs(err) > Math.toRadians(6)) {
                return turn(c, err, "face the goal behind the block");
            }
            return move(c, left + (-a - CONTACT), "push the block toward the goal, " + fmt(left) + " m to go");
        }
        double px = bx - ux * (CONTACT + 0.03), py = by - uy * (CONTACT + 0.03);
        // go around the block if it lies near the straight way to the spot behind it
        if (segmentDistance(bx, by, rx, ry, px, py) < CONTACT + 0.02 && a > -CONTACT) {
            // diagonally behind the block, on the robot's side: from there the way to the spot is clear
            double side = b >= 0 ? 1 : -1;
            double wx = bx - uy * side * 0.13 - ux * 0.10, wy = by + ux * side * 0.13 - uy * 0.10;
            return driveTo(c, rx, ry, heading, wx, wy, 0.0, "waypoint beside the block");
        }
        if (Math.hypot(px - rx, py - ry) < 0.012) {
            return turn(c, wrap(push - heading), "at the spot behind the block: face the goal");
        }
        return driveTo(c, rx, ry, heading, px, py, 0.0, "spot behind the block");
    }

    private Decision driveTo(PlanningContext c, double rx, double ry, double heading, double tx, double ty, double stopShort, String what) {
        double d = Math.hypot(tx - rx, ty - ry) - stopShort;
        double err = wrap(Math.atan2(ty - ry, tx - rx) - heading);
        double tolerance = Math.max(Math.toRadians(4), Math.min(Math.toRadians(20), Math.atan2(0.012, Math.max(d, 1e-3))));
        if (d < 0.008) {
            return pick(c, SkillCall.of("stop"), "at the " + what);
        }
        if (Math.abs(err) > tolerance) {
            return turn(c, err, String.format(Locale.ROOT, "face the %s: %.0f deg off, %.3f m away", what, Math.toDegrees(err), d));
        }
        return move(c, d, String.format(Locale.ROOT, "drive to the %s, %.3f m away", what, d));
    }

    private Decision turn(PlanningContext c, double err, String why) {
        double deg = Math.abs(Math.toDegrees(err));
        int best = 0;
        for (int i = 1; i < TURN_DEG.length; i++) {
            if (Math.abs(TURN_DEG[i] - deg) < Math.abs(TURN_DEG[best] - deg)) {
                best = i;
            }
        }
        return pick(c, SkillCall.of("turn", "direction", err > 0 ? "left" : "right", "amount", AMOUNTS[best]), why);
    }

    private Decision move(PlanningContext c, double d, String why) {
        int best = 0;
        for (int i = 1; i < MOVE_M.length; i++) {
            if (MOVE_M[i] <= d + 0.004) {
                best = i;
            }
        }
        return pick(c, SkillCall.of("move", "direction", "forward", "amount", AMOUNTS[best]), why);
    }

    /** The planner's choice if curation offered it, else the nearest offered command of the same skill, else stop. */
    private Decision pick(PlanningContext c, SkillCall want, String why) {
        if (c.candidates().contains(want)) {
            return Decision.of(want, name(), why);
        }
        for (SkillCall cand : c.candidates()) {
            if (cand.skill().equals(want.skill()) && cand.args().getOrDefault("direction", "").equals(want.args().getOrDefault("direction", ""))) {
                return Decision.of(cand, name(), why + " (nearest offered command)");
            }
        }
        SkillCall fallback = c.candidates().stream().filter(x -> x.skill().equals("stop")).findFirst()
                .orElse(c.candidates().isEmpty() ? want : c.candidates().get(0));
        return Decision.of(fallback, name(), why + " (wanted " + want + ", not offered)");
    }

    private static double segmentDistance(double px, double py, double ax, double ay, double bx, double by) {
        double vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len2));
        return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
    }

    private static double wrap(double a) {
        return Math.atan2(Math.sin(a), Math.cos(a));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
