package dev.embody.actuation;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON on a robot's topics (see README "Robots over MQTT"), and its (de)serialisation. */
public final class RobotMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RobotMessages() {
    }

    /**
     * A command. {@code op}: move (direction forward|back, distance_m, speed_mps), turn (direction left|right, angle_deg,
     * speed_dps; left is counter-clockwise seen from above) or stop. The id makes it idempotent: a robot executes an id
     * once and answers a resend with the first ack.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Command(@JsonProperty("id") String id, @JsonProperty("op") String op,
                          @JsonProperty("direction") String direction,
                          @JsonProperty("distance_m") Double distanceM, @JsonProperty("speed_mps") Double speedMps,
                          @JsonProperty("angle_deg") Double angleDeg, @JsonProperty("speed_dps") Double speedDps,
                          @JsonProperty("sent_ms") Long sentMs) {

        public static Command stop(String id) {
            return new Command(id, "stop", null, null, null, null, null, System.currentTimeMillis());
        }

        /** Signed metres along the heading (back is negative); 0 for other ops. */
        public double signedDistance() {
            return "move".equals(op) && distanceM != null ? ("back".equals(direction) ? -distanceM : distanceM) : 0;
        }

        /** Signed degrees, counter-clockwise positive (left); 0 for other ops. */
        public double signedAngle() {
            return "turn".equals(op) && angleDeg != null ? ("right".equals(direction) ? -angleDeg : angleDeg) : 0;
        }
    }

    /** The robot's answer to a command: done, stopped (cut short by stop or e-stop) or refused, with why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Ack(@JsonProperty("id") String id, @JsonProperty("status") String status,
                      @JsonProperty("detail") String detail, @JsonProperty("frame_seq") Long frameSeq,
                      @JsonProperty("duplicate") Boolean duplicate) {
    }

    /**
     * The robot's own view of itself, in table metres and degrees (counter-clockwise from +x). {@code frameSeq}: the
     * camera frame published with it (the number an ack names), so the agent can tell a state from before a command's
     * effect from one after it; null from a robot that does not number its states.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record State(@JsonProperty("id") String id, @JsonProperty("x") double x, @JsonProperty("y") double y,
                        @JsonProperty("heading_deg") double headingDeg, @JsonProperty("moving") boolean moving,
                        @JsonProperty("estopped") boolean estopped, @JsonProperty("executed") long executed,
                        @JsonProperty("t_ns") long tNanos, @JsonProperty("frame_seq") Long frameSeq) {
    }

    /** An e-stop: the robot halts and refuses motion until a message with reset=true. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Estop(@JsonProperty("reason") String reason, @JsonProperty("reset") Boolean reset) {
        public boolean isReset() {
            return Boolean.TRUE.equals(reset);
        }
    }

    /** The most a command (or an ack, a state, an e-stop) may weigh: a real one is under 200 bytes. */
    public static final int MAX_COMMAND_BYTES = 4096;
    private static final int MAX_ID_CHARS = 128;
    private static final java.util.Set<String> STATUSES = java.util.Set.of("done", "stopped", "refused");

    /** A payload that is not what its topic carries; the message says what is wrong, and {@link #id} whose it was. */
    public static final class Malformed extends IOException {
        private final String id;

        Malformed(String id, String message) {
            super(message);
            this.id = id;
        }

        /** The command's id when it had a usable one (so the answer can carry it), else null. */
        public String id() {
            return id;
        }
    }

    /** A command as a robot must check it: a JSON object under 4 KB, a string id, JSON numbers (never strings). */
    public static Command readCommand(byte[] payload) throws Malformed {
        com.fasterxml.jackson.databind.node.ObjectNode o = object(payload, "a command");
        JsonNode id = o.get("id");
        if (id == null || !id.isTextual() || id.asText().isEmpty() || id.asText().length() > MAX_ID_CHARS) {
            throw new Malformed(null, "a command needs an id (a string of 1 to " + MAX_ID_CHARS + " characters)");
        }
        String i = id.asText();
        return new Command(i, text(o, "op", i), text(o, "direction", i), number(o, "distance_m", i), number(o, "speed_mps", i),
                number(o, "angle_deg", i), number(o, "speed_dps", i), o.hasNonNull("sent_ms") && o.get("sent_ms").canConvertToLong() ? o.get("sent_ms").asLong() : null);
    }

    /** An ack as the agent accepts it: a JSON object whose status is done, stopped or refused. */
    public static Ack readAck(byte[] payload) throws Malformed {
        com.fasterxml.jackson.databind.node.ObjectNode o = object(payload, "an ack");
        String status = text(o, "status", null);
        if (status == null || !STATUSES.contains(status)) {
            throw new Malformed(null, "an ack's status must be done, stopped or refused, got " + o.get("status"));
        }
        Long seq = frameSeq(o, "an ack");
        JsonNode dup = o.get("duplicate");
        return new Ack(text(o, "id", null), status, text(o, "detail", null), seq, dup != null && dup.isBoolean() ? dup.asBoolean() : null);
    }

    /** The optional frame_seq of an ack or a state: a whole number >= 0, or null when absent. */
    private static Long frameSeq(com.fasterxml.jackson.databind.node.ObjectNode o, String what) throws Malformed {
        JsonNode seq = o.get("frame_seq");
        if (seq == null || seq.isNull()) {
            return null;
        }
        if (!(seq.canConvertToLong() && seq.isIntegralNumber() && seq.asLong() >= 0)) {
            throw new Malformed(null, what + "'s frame_seq must be a whole number >= 0, got " + seq);
        }
        return seq.asLong();
    }

    /** A state as the agent accepts it: x, y and heading_deg finite numbers, frame_seq (if any) a whole number >= 0. */
    public static State readState(byte[] payload) throws Malformed {
        com.fasterxml.jackson.databind.node.ObjectNode o = object(payload, "a state");
        double[] pose = new double[3];
        String[] fields = {"x", "y", "heading_deg"};
        for (int k = 0; k < 3; k++) {
            Double v = number(o, fields[k], null);
            if (v == null || !Double.isFinite(v)) {
                throw new Malformed(null, "a state needs a finite number for '" + fields[k] + "', got " + o.get(fields[k]));
            }
            pose[k] = v;
        }
        return new State(text(o, "id", null), pose[0], pose[1], pose[2], o.path("moving").asBoolean(false), o.path("estopped").asBoolean(false),
                o.path("executed").asLong(0), o.path("t_ns").asLong(0), frameSeq(o, "a state"));
    }

    /**
     * An e-stop as both sides read it: nothing at all, or a JSON object with an optional reason and an optional reset
     * that is true or false. Only {@code "reset": true} releases; the caller takes anything unreadable as an e-stop.
     */
    public static Estop readEstop(byte[] payload) throws Malformed {
        if (payload.length == 0) {
            return new Estop(null, null);
        }
        com.fasterxml.jackson.databind.node.ObjectNode o = object(payload, "an e-stop");
        JsonNode reset = o.get("reset");
        if (reset != null && !reset.isNull() && !reset.isBoolean()) {
            throw new Malformed(null, "'reset' must be true or false, got " + reset);
        }
        JsonNode reason = o.get("reason");
        return new Estop(reason == null || reason.isNull() ? null : reason.asText(), reset == null || reset.isNull() ? null : reset.asBoolean());
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode object(byte[] payload, String what) throws Malformed {
        if (payload.length == 0) {
            throw new Malformed(null, what + " must be a JSON object, got nothing");
        }
        if (payload.length > MAX_COMMAND_BYTES) {
            throw new Malformed(null, what + " is at most " + MAX_COMMAND_BYTES + " bytes, got " + payload.length);
        }
        JsonNode n;
        try {
            n = JSON.readTree(payload);
        } catch (IOException e) {
            throw new Malformed(null, "not JSON: " + shown(payload));
        }
        if (!(n instanceof com.fasterxml.jackson.databind.node.ObjectNode o)) {
            throw new Malformed(null, what + " must be a JSON object, got: " + shown(payload));
        }
        return o;
    }

    /** The start of a payload as text, for a message (never the whole of a megabyte). */
    public static String shown(byte[] payload) {
        String s = new String(payload, 0, Math.min(payload.length, 80), java.nio.charset.StandardCharsets.UTF_8).strip();
        return payload.length > 80 ? s + "..." : s;
    }

    private static String text(com.fasterxml.jackson.databind.node.ObjectNode o, String field, String id) throws Malformed {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Malformed(id, "'" + field + "' must be a string, got " + v);
        }
        return v.asText();
    }

    private static Double number(com.fasterxml.jackson.databind.node.ObjectNode o, String field, String id) throws Malformed {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new Malformed(id, "'" + field + "' must be a number, got " + v);
        }
        return v.asDouble();
    }

    public static byte[] write(Object message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectMapper json() {
        return JSON;
    }
}
