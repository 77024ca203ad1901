package dev.embody.cli;

import dev.embody.profile.TargetOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.time.Duration;

/** How to reach a robot over MQTT (a picocli mixin for the commands that drive one). */
final class RobotConnection {

    @Option(names = "--broker", description = "Robots: MQTT broker URL (tcp://host:1883, ssl://host:8883); default: an embedded broker on a free loopback port (sim-robot).")
    String broker;
    @Option(names = "--robot-id", defaultValue = "r1", description = "Robots: the robot's id in its topics embody/robots/<id>/... (default: ${DEFAULT-VALUE}).")
    String robotId;
    @Option(names = "--mqtt-user", description = "Robots: MQTT username.")
    String mqttUser;
    @Option(names = "--mqtt-password", description = "Robots: MQTT password (or the EMBODY_MQTT_PASSWORD environment variable).")
    String mqttPassword;
    @Option(names = "--mqtt-version", defaultValue = "auto", description = "Robots: MQTT protocol 5, 3.1.1 or auto (default: ${DEFAULT-VALUE}).")
    String mqttVersion;
    @Option(names = "--mqtt-truststore", description = "Robots: trust store (JKS/PKCS12) for an ssl:// broker; default: the JVM's.")
    Path mqttTrustStore;
    @Option(names = "--ack-timeout", defaultValue = "3", description = "Robots: seconds a command may go unacknowledged (beyond its motion time) before the step fails (default: ${DEFAULT-VALUE}).")
    double ackTimeout;
    @Option(names = "--camera", description = "robot: camera to look through: a device index (0), a video file, or an rtsp:// / http:// URL; default: the robot's MQTT camera topic.")
    String camera;
    @Option(names = "--sim", defaultValue = "in-process", description = "sim-robot: run the simulated robot in-process, or 'external' (started with ./run sim-robot) (default: ${DEFAULT-VALUE}).")
    String sim;

    /** The target options with these filled in; a malformed one is a command-line error. */
    TargetOptions addTo(CommandSpec spec, TargetOptions base) {
        Options o = Options.of(spec);
        o.broker("--broker", broker);
        o.topicLevel("--robot-id", robotId);
        o.oneOf("--mqtt-version", mqttVersion, Options.MQTT_VERSIONS);
        o.file("--mqtt-truststore", mqttTrustStore);
        o.above("--ack-timeout", ackTimeout, 0, 600, "seconds");
        o.oneOf("--sim", sim, java.util.List.of("in-process", "external"));
        String password = mqttPassword != null ? mqttPassword : System.getenv("EMBODY_MQTT_PASSWORD");
        return new TargetOptions(base.calibration(), base.skills(), broker, robotId, mqttUser, password, mqttVersion, mqttTrustStore,
                Duration.ofMillis((long) (ackTimeout * 1000)), sim, camera);
    }
}
