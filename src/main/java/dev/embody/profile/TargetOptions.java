package dev.embody.profile;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a target is and how to reach it, as a person gives it on the command line or an episode's meta.json recorded
 * it; each profile turns the parts it needs into its own typed configuration (and says which part is missing or wrong).
 *
 * @param calibration desktop: the program's calibration file; robots: the calibration folder; null: the profile's default
 * @param skills      the skills folder; null: the profile's (a desktop calibration names its own)
 * @param broker      robots: the MQTT broker URL; null: an embedded one (sim-robot) or none (replay)
 * @param sim         sim-robot: "in-process" or "external"
 * @param camera      robot: a camera to look through instead of its MQTT topic
 */
public record TargetOptions(Path calibration, Path skills, String broker, String robotId, String mqttUser, String mqttPassword,
                            String mqttVersion, Path mqttTrustStore, Duration ackTimeout, String sim, String camera) {

    public static TargetOptions defaults() {
        return new TargetOptions(null, null, null, "r1", null, null, "auto", null, Duration.ofSeconds(3), "in-process", null);
    }

    public TargetOptions withCalibration(Path p) {
        return new TargetOptions(p, skills, broker, robotId, mqttUser, mqttPassword, mqttVersion, mqttTrustStore, ackTimeout, sim, camera);
    }

    public TargetOptions withSkills(Path p) {
        return new TargetOptions(calibration, p, broker, robotId, mqttUser, mqttPassword, mqttVersion, mqttTrustStore, ackTimeout, sim, camera);
    }

    public TargetOptions withBroker(String url) {
        return new TargetOptions(calibration, skills, url, robotId, mqttUser, mqttPassword, mqttVersion, mqttTrustStore, ackTimeout, sim, camera);
    }

    public TargetOptions withRobotId(String id) {
        return new TargetOptions(calibration, skills, broker, id, mqttUser, mqttPassword, mqttVersion, mqttTrustStore, ackTimeout, sim, camera);
    }

    public TargetOptions withSim(String mode) {
        return new TargetOptions(calibration, skills, broker, robotId, mqttUser, mqttPassword, mqttVersion, mqttTrustStore, ackTimeout, mode, camera);
    }
}
