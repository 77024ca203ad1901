package dev.embody.reflection;

import dev.embody.loop.Entity;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.SelfReflection;
import dev.embody.loop.Step;

import java.util.Locale;
import java.util.Optional;

/**
 * Self-reflection for a robot seen by a camera: how far the robot's marker moved and turned since the last step, and
 * whether a drive command went nowhere (stuck against the table's edge or e-stopped). Progress: closer to the task's
 * target point.
 */
public final class RobotMotionReflection implements SelfReflection {

    private static final double MIN_MOVE = 0.003;

    @Override
    public Reflection reflect(Step last, Observation now, Scene scene, Memory memory) {
        Optional<Entity> robot = scene.first("robot");
        if (last == null) {
            return new Reflection(false, 0, false, 0, false, false, robot.isPresent() ? "first step" : "first step; robot not seen");
        }
        Optional<Entity> before = last.scene().first("robot");
        if (robot.isEmpty() || before.isEmpty()) {
            return new Reflection(false, 0, false, 0, false, false, "cannot tell: robot not seen " + (robot.isEmpty() ? "now" : "before"));
        }
        double d = Math.hypot(robot.get().x() - before.get().x(), robot.get().y() - before.get().y());
        double turned = Math.toDegrees(Math.abs(wrap(heading(scene) - heading(last.scene()))));
        boolean drove = "move".equals(last.command().skill())
                || ("nudge".equals(last.command().skill()) && last.sent().stream().anyMatch(s -> s.contains("\"move\"")));
        boolean stuck = drove && d < MIN_MOVE && !last.interrupted();
        int stuckSteps = stuck ? last.reflection().stuckSteps() + 1 : 0;
        boolean progress = false;
        if (last.task().hasTarget()) {
            double was = before.get().distanceTo(last.task().targetX(), last.task().targetY());
            double is = robot.get().distanceTo(last.task().targetX(), last.task().targetY());
            progress = is < was - MIN_MOVE;
        }
        String why = stuck ? "tried " + last.command() + " but did not move" + (stuckSteps > 1 ? " (" + stuckSteps + " times)" : "")
                : String.format(Locale.ROOT, "moved %.3f m, turned %.0f deg%s", d, turned, progress ? "; closer to the target" : "");
        return new Reflection(d >= MIN_MOVE || turned >= 1, d, stuck, stuckSteps, progress, false, why);
    }

    private static double heading(Scene s) {
        Optional<Entity> r = s.first("robot"), f = s.first("robot_front");
        return r.isEmpty() || f.isEmpty() ? 0 : Math.atan2(f.get().y() - r.get().y(), f.get().x() - r.get().x());
    }

    private static double wrap(double a) {
        return Math.atan2(Math.sin(a), Math.cos(a));
    }
}
