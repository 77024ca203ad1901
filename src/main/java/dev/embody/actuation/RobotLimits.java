package dev.embody.actuation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.embody.loop.BadFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a command may ask of the robot, checked before it leaves: top speeds (a faster request is slowed to the top
 * speed), the longest single move and turn, and the workspace rectangle (table metres) the robot's centre must stay
 * in. Read from {@code calibration/robot/limits.yaml}.
 */
public record RobotLimits(double maxSpeedMps, double maxTurnDps, double maxDistanceM, double maxAngleDeg,
                          double defaultSpeedMps, double defaultTurnDps,
                          double xMin, double yMin, double xMax, double yMax) {

    /** Limits that fit the simulated 0.9 x 0.6 m table. */
    public static final RobotLimits SIM_TABLE = new RobotLimits(0.20, 180, 0.30, 180, 0.10, 90, 0.03, 0.03, 0.87, 0.57);

    public static RobotLimits load(Path file) throws BadFileException {
        JsonNode n;
        try {
            n = new ObjectMapper(new YAMLFactory()).readTree(dev.embody.loop.TextFile.read(file));
        } catch (IOException e) {
            throw new BadFileException(file, 0, "cannot read robot limits: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new BadFileException(file, 1, "expected a mapping with max_speed_mps, max_turn_dps, max_distance_m, max_angle_deg, workspace");
        }
        JsonNode ws = n.get("workspace");
        if (ws == null || !ws.isObject()) {
            throw new BadFileException(file, 0, "'workspace' must be {x_min, y_min, x_max, y_max} in metres");
        }
        RobotLimits l = new RobotLimits(num(file, n, "max_speed_mps"), num(file, n, "max_turn_dps"), num(file, n, "max_distance_m"),
                num(file, n, "max_angle_deg"), n.has("default_speed_mps") ? num(file, n, "default_speed_mps") : num(file, n, "max_speed_mps") / 2,
                n.has("default_turn_dps") ? num(file, n, "default_turn_dps") : num(file, n, "max_turn_dps") / 2,
                num(file, ws, "x_min"), num(file, ws, "y_min"), num(file, ws, "x_max"), num(file, ws, "y_max"));
        if (l.xMin >= l.xMax || l.yMin >= l.yMax) {
            throw new BadFileException(file, 0, "workspace is empty: x_min < x_max and y_min < y_max are expected");
        }
        return l;
    }

    private static double num(Path file, JsonNode n, String field) throws BadFileException {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber() || v.asDouble() < 0) {
            throw new BadFileException(file, 0, "'" + field + "' must be a non-negative number");
        }
        return v.asDouble();
    }

    public boolean inside(double x, double y) {
        return x >= xMin && x <= xMax && y >= yMin && y <= yMax;
    }

    /**
     * The command as it may leave: speeds filled in or slowed to the limits; or a refusal naming the limit.
     *
     * @param pose the robot's last reported pose {x, y, heading_deg}, or null when none was heard yet
     */
    public RobotMessages.Command enforce(RobotMessages.Command c, double[] pose) throws LimitExceeded {
        switch (c.op()) {
            case "stop":
                return c;
            case "move": {
                if (!"forward".equals(c.direction()) && !"back".equals(c.direction())) {
                    throw new LimitExceeded("move needs direction forward or back, got " + c.direction());
                }
                double d = c.distanceM() == null ? 0 : c.distanceM();
                if (d <= 0 || d > maxDistanceM) {
                    throw new LimitExceeded(String.format(Locale.ROOT, "move of %.3f m is outside (0, %.3f] m", d, maxDistanceM));
                }
                double v = c.speedMps() == null ? defaultSpeedMps : Math.min(c.speedMps(), maxSpeedMps);
                if (pose != null) {
                    double h = Math.toRadians(pose[2]);
                    double s = c.signedDistance();
                    double x = pose[0] + s * Math.cos(h), y = pose[1] + s * Math.sin(h);
                    if (!inside(x, y)) {
                        throw new LimitExceeded(String.format(Locale.ROOT, "move would leave the workspace: (%.3f, %.3f) is outside x %.2f..%.2f, y %.2f..%.2f",
                                x, y, xMin, xMax, yMin, yMax));
                    }
                }
                return new RobotMessages.Command(c.id(), c.op(), c.direction(), d, v, null, null, c.sentMs());
            }
            case "turn": {
                if (!"left".equals(c.direction()) && !"right".equals(c.direction())) {
                    throw new LimitExceeded("turn needs direction left or right, got " + c.direction());
                }
                double a = c.angleDeg() == null ? 0 : c.angleDeg();
                if (a <= 0 || a > maxAngleDeg) {
                    throw new LimitExceeded(String.format(Locale.ROOT, "turn of %.1f deg is outside (0, %.1f] deg", a, maxAngleDeg));
                }
                double w = c.speedDps() == null ? defaultTurnDps : Math.min(c.speedDps(), maxTurnDps);
                return new RobotMessages.Command(c.id(), c.op(), c.direction(), null, null, a, w, c.sentMs());
            }
            default:
                throw new LimitExceeded("unknown op '" + c.op() + "' (expected move, turn or stop)");
        }
    }

    /** A command that would break a limit; it never leaves. */
    public static final class LimitExceeded extends Exception {
        public LimitExceeded(String message) {
            super(message);
        }
    }
}
