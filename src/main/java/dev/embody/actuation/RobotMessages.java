package dev.embody.actuation;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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

    /** The robot's own view of itself, in table metres and degrees (counter-clockwise from +x). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record State(@JsonProperty("id") String id, @JsonProperty("x") double x, @JsonProperty("y") double y,
                        @JsonProperty("heading_deg") double headingDeg, @JsonProperty("moving") boolean moving,
                        @JsonProperty("estopped") boolean estopped, @JsonProperty("executed") long executed,
                        @JsonProperty("t_ns") long tNanos) {
    }

    /** An e-stop: the robot halts and refuses motion until a message with reset=true. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Estop(@JsonProperty("reason") String reason, @JsonProperty("reset") Boolean reset) {
        public boolean isReset() {
            return Boolean.TRUE.equals(reset);
        }
    }

    public static byte[] write(Object message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(byte[] payload, Class<T> type) throws IOException {
        if (payload.length == 0) {
            return JSON.readValue("{}", type);
        }
        return JSON.readValue(payload, type);
    }

    static ObjectMapper json() {
        return JSON;
    }
}
