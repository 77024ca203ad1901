package dev.embody.actuation;

/**
 * The topics of one robot, under {@code <prefix>/<id>/} (prefix {@code embody/robots} by default):
 * {@code cmd} (agent to robot, QoS 1), {@code ack} (robot to agent, QoS 1), {@code state} (robot, QoS 0, retained),
 * {@code estop} (anyone to robot and agent, QoS 1) and {@code camera} (JPEG frames, QoS 0). The README gives the JSON.
 */
public record RobotTopics(String prefix, String id) {

    public static final String DEFAULT_PREFIX = "embody/robots";

    public RobotTopics {
        if (id == null || !id.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("robot id must be letters, digits, '-' or '_', got '" + id + "'");
        }
        prefix = prefix == null || prefix.isBlank() ? DEFAULT_PREFIX : prefix.replaceAll("/+$", "");
    }

    public static RobotTopics of(String id) {
        return new RobotTopics(DEFAULT_PREFIX, id);
    }

    public String cmd() {
        return prefix + "/" + id + "/cmd";
    }

    public String ack() {
        return prefix + "/" + id + "/ack";
    }

    public String state() {
        return prefix + "/" + id + "/state";
    }

    public String estop() {
        return prefix + "/" + id + "/estop";
    }

    public String camera() {
        return prefix + "/" + id + "/camera";
    }

    /**
     * A skill's topic, one of this robot's own: "cmd", "estop"... under {@code <prefix>/<id>/}. Nothing else resolves
     * (not a full topic, '..', a wildcard or '$'), so no skill, taught or proposed, reaches another robot.
     *
     * @throws IllegalArgumentException the topic is not one of this robot's own
     */
    public String resolve(String topic) {
        String why = dev.embody.skill.TargetPrimitives.topicRefusal(topic);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        return prefix + "/" + id + "/" + topic;
    }
}
