package dev.embody.actuation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.embody.file.BadFileException;
import dev.embody.file.YamlDocument;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * What a command may ask of the robot, checked on both sides of the broker (by the agent before a command leaves, and
 * by the robot before it moves): top and bottom speeds (a faster request is slowed to the top speed, a slower one is
 * refused: it would take for ever), the longest single move and turn, and the workspace rectangle (table metres) the
 * robot's centre must stay in. Every number must be finite; anything else is refused with the reason. Read from
 * {@code calibration/robot/limits.yaml}.
 */
public record RobotLimits(double maxSpeedMps, double maxTurnDps, double maxDistanceM, double maxAngleDeg,
                          double defaultSpeedMps, double defaultTurnDps, double minSpeedMps, double minTurnDps,
                          double xMin, double yMin, double xMax, double yMax) {

    private static final List<String> KEYS = List.of("max_speed_mps", "max_turn_dps", "max_distance_m", "max_angle_deg",
            "default_speed_mps", "default_turn_dps", "min_speed_mps", "min_turn_dps", "workspace");
    private static final List<String> WORKSPACE_KEYS = List.of("x_min", "y_min", "x_max", "y_max");

    public RobotLimits {
        for (double v : new double[]{maxSpeedMps, maxTurnDps, maxDistanceM, maxAngleDeg, defaultSpeedMps, defaultTurnDps, minSpeedMps, minTurnDps}) {
            if (!(Double.isFinite(v) && v > 0)) {
                throw new IllegalArgumentException("robot limits must be finite and above 0, got " + v);
            }
        }
        if (!(minSpeedMps <= defaultSpeedMps && defaultSpeedMps <= maxSpeedMps && minTurnDps <= defaultTurnDps && defaultTurnDps <= maxTurnDps)) {
            throw new IllegalArgumentException("robot speeds must be min <= default <= max");
        }
        if (!(Double.isFinite(xMin) && Double.isFinite(yMin) && Double.isFinite(xMax) && Double.isFinite(yMax) && xMin < xMax && yMin < yMax)) {
            throw new IllegalArgumentException("the workspace must be finite and not empty");
        }
    }

    /** Limits that fit the simulated 0.9 x 0.6 m table (the shipped limits.yaml). */
    public static final RobotLimits SIM_TABLE = new RobotLimits(0.20, 180, 0.30, 180, 0.10, 90, 0.002, 1.8, 0.06, 0.06, 0.84, 0.54);

    public static RobotLimits load(Path file) throws BadFileException {
        YamlDocument doc = YamlDocument.read(file);
        JsonNode n = doc.root();
        unknownKeys(doc, n, "", KEYS, "");
        double maxSpeed = positive(doc, n, "max_speed_mps", "top speed, m/s");
        double maxTurn = positive(doc, n, "max_turn_dps", "top turn rate, deg/s");
        double maxDistance = positive(doc, n, "max_distance_m", "the longest single move, metres");
        double maxAngle = positive(doc, n, "max_angle_deg", "the largest single turn, degrees");
        double defaultSpeed = n.has("default_speed_mps") ? atMost(doc, n, "default_speed_mps", maxSpeed, "max_speed_mps") : maxSpeed / 2;
        double defaultTurn = n.has("default_turn_dps") ? atMost(doc, n, "default_turn_dps", maxTurn, "max_turn_dps") : maxTurn / 2;
        // slower than 1/100 of the top speed, a 30 cm move takes minutes: a typo, not an intent
        double minSpeed = n.has("min_speed_mps") ? atMost(doc, n, "min_speed_mps", defaultSpeed, "default_speed_mps") : Math.min(defaultSpeed, maxSpeed / 100);
        double minTurn = n.has("min_turn_dps") ? atMost(doc, n, "min_turn_dps", defaultTurn, "default_turn_dps") : Math.min(defaultTurn, maxTurn / 100);
        JsonNode ws = n.get("workspace");
        if (ws == null) {
            throw doc.error("", "'workspace' is missing ({x_min, y_min, x_max, y_max} in table metres)");
        }
        if (!ws.isObject()) {
            throw doc.error("/workspace", "'workspace' must be {x_min, y_min, x_max, y_max} in table metres");
        }
        unknownKeys(doc, ws, "/workspace", WORKSPACE_KEYS, " in workspace");
        double xMin = finite(doc, ws, "/workspace", "x_min"), yMin = finite(doc, ws, "/workspace", "y_min");
        double xMax = finite(doc, ws, "/workspace", "x_max"), yMax = finite(doc, ws, "/workspace", "y_max");
        if (xMin >= xMax) {
            throw doc.error("/workspace/x_max", "workspace is empty: x_min " + ws.get("x_min").asText() + " must be below x_max " + ws.get("x_max").asText());
        }
        if (yMin >= yMax) {
            throw doc.error("/workspace/y_max", "workspace is empty: y_min " + ws.get("y_min").asText() + " must be below y_max " + ws.get("y_max").asText());
        }
        return new RobotLimits(maxSpeed, maxTurn, maxDistance, maxAngle, defaultSpeed, defaultTurn, minSpeed, minTurn, xMin, yMin, xMax, yMax);
    }

    private static void unknownKeys(YamlDocument doc, JsonNode n, String at, List<String> known, String where) throws BadFileException {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw doc.error(at + "/" + k, "unknown key '" + k + "'" + where + " (expected " + String.join(", ", known) + ")");
            }
        }
    }

    private static double number(YamlDocument doc, JsonNode n, String at, String field) throws BadFileException {
        JsonNode v = n.get(field);
        if (!v.isNumber()) {
            throw doc.error(at + "/" + field, "'" + field + "' must be a number, got '" + v.asText() + "'");
        }
        return v.asDouble();
    }

    private static double finite(YamlDocument doc, JsonNode n, String at, String field) throws BadFileException {
        if (!n.has(field)) {
            throw doc.error(at, "'" + field + "' is missing from the workspace (table metres)");
        }
        double v = number(doc, n, at, field);
        if (!Double.isFinite(v)) {
            throw doc.error(at + "/" + field, "'" + field + "' must be a finite number, got " + n.get(field).asText());
        }
        return v;
    }

    private static double positive(YamlDocument doc, JsonNode n, String field, String what) throws BadFileException {
        if (!n.has(field)) {
            throw doc.error("", "'" + field + "' is missing (" + what + ")");
        }
        double v = number(doc, n, "", field);
        if (!(Double.isFinite(v) && v > 0)) {
            throw doc.error("/" + field, "'" + field + "' must be a finite number above 0, got " + n.get(field).asText());
        }
        return v;
    }

    private static double atMost(YamlDocument doc, JsonNode n, String field, double max, String maxField) throws BadFileException {
        double v = positive(doc, n, field, "");
        if (v > max) {
            throw doc.error("/" + field, "'" + field + "' " + n.get(field).asText() + " is above " + maxField + " " + max);
        }
        return v;
    }

    public boolean inside(double x, double y) {
        return x >= xMin && x <= xMax && y >= yMin && y <= yMax;
    }

    /**
     * The command as it may leave (or be executed): speeds filled in or slowed to the limits, a stop stripped of any
     * motion; or a refusal naming the limit. NaN, infinities, zero and negative numbers never pass.
     *
     * @param pose the robot's pose {x, y, heading_deg}, or null when none is known (then no move passes)
     */
    public RobotMessages.Command enforce(RobotMessages.Command c, double[] pose) throws LimitExceeded {
        if (c.op() == null) {
            throw new LimitExceeded("a command needs an op (move, turn or stop)");
        }
        switch (c.op()) {
            case "stop":
                return new RobotMessages.Command(c.id(), "stop", null, null, null, null, null, c.sentMs());
            case "move": {
                if (!"forward".equals(c.direction()) && !"back".equals(c.direction())) {
                    throw new LimitExceeded("move needs direction forward or back, got " + c.direction());
                }
                double d = amount(c.distanceM(), "move needs distance_m", "distance_m");
                if (d <= 0 || d > maxDistanceM) {
                    throw new LimitExceeded(String.format(Locale.ROOT, "move of %.3f m is outside (0, %.3f] m", d, maxDistanceM));
                }
                double v = speed(c.speedMps(), defaultSpeedMps, minSpeedMps, maxSpeedMps, "speed_mps", "m/s");
                if (pose == null) {
                    throw new LimitExceeded("no pose heard from the robot yet: the workspace cannot be checked");
                }
                if (!(Double.isFinite(pose[0]) && Double.isFinite(pose[1]) && Double.isFinite(pose[2]))) {
                    throw new LimitExceeded(String.format(Locale.ROOT, "the robot's last reported pose (%.3f, %.3f, %.1f deg) is not finite: the workspace cannot be checked",
                            pose[0], pose[1], pose[2]));
                }
                double h = Math.toRadians(pose[2]);
                double s = "back".equals(c.direction()) ? -d : d;
                double x = pose[0] + s * Math.cos(h), y = pose[1] + s * Math.sin(h);
                if (!inside(x, y)) {
                    throw new LimitExceeded(String.format(Locale.ROOT, "move would leave the workspace: (%.3f, %.3f) is outside x %.2f..%.2f, y %.2f..%.2f",
                            x, y, xMin, xMax, yMin, yMax));
                }
                return new RobotMessages.Command(c.id(), c.op(), c.direction(), d, v, null, null, c.sentMs());
            }
            case "turn": {
                if (!"left".equals(c.direction()) && !"right".equals(c.direction())) {
                    throw new LimitExceeded("turn needs direction left or right, got " + c.direction());
                }
                double a = amount(c.angleDeg(), "turn needs angle_deg", "angle_deg");
                if (a <= 0 || a > maxAngleDeg) {
                    throw new LimitExceeded(String.format(Locale.ROOT, "turn of %.1f deg is outside (0, %.1f] deg", a, maxAngleDeg));
                }
                double w = speed(c.speedDps(), defaultTurnDps, minTurnDps, maxTurnDps, "speed_dps", "deg/s");
                return new RobotMessages.Command(c.id(), c.op(), c.direction(), null, null, a, w, c.sentMs());
            }
            default:
                throw new LimitExceeded("unknown op '" + c.op() + "' (expected move, turn or stop)");
        }
    }

    private static double amount(Double v, String missing, String field) throws LimitExceeded {
        if (v == null) {
            throw new LimitExceeded(missing);
        }
        if (!Double.isFinite(v)) {
            throw new LimitExceeded(field + " must be a finite number, got " + v);
        }
        return v;
    }

    private static double speed(Double v, double dflt, double min, double max, String field, String unit) throws LimitExceeded {
        if (v == null) {
            return dflt;
        }
        if (!Double.isFinite(v)) {
            throw new LimitExceeded(field + " must be a finite number, got " + v);
        }
        if (v <= 0) {
            throw new LimitExceeded(field + " must be above 0, got " + v);
        }
        if (v < min) {
            throw new LimitExceeded(String.format(Locale.ROOT, "%s %.4f is below the slowest allowed, %.4f %s", field, v, min, unit));
        }
        return Math.min(v, max);
    }

    /** A command that would break a limit; it never leaves, and a robot does not execute it. */
    public static final class LimitExceeded extends Exception {
        public LimitExceeded(String message) {
            super(message);
        }
    }
}
