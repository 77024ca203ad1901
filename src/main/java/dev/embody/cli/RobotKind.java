package dev.embody.cli;

import dev.embody.actuation.MqttOptions;
import dev.embody.actuation.MqttRobotTarget;
import dev.embody.actuation.RobotLimits;
import dev.embody.actuation.RobotTopics;
import dev.embody.loop.BadFileException;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Policy;
import dev.embody.loop.SelfReflection;
import dev.embody.loop.SkillCuration;
import dev.embody.loop.Target;
import dev.embody.loop.TaskInference;
import dev.embody.perception.CameraIntrinsics;
import dev.embody.perception.CameraSources;
import dev.embody.perception.TableHomography;
import dev.embody.perception.TableSceneParser;
import dev.embody.planning.RobotScenePlanner;
import dev.embody.reflection.RobotMotionReflection;
import dev.embody.skill.SkillLibrary;
import dev.embody.skill.TagCuration;
import dev.embody.task.RobotTaskInference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real robot over MQTT (--broker is required): commands and e-stop on its topics, frames from its camera topic,
 * positions through calibration/robot/*.yaml. The loop runs on the wall clock.
 */
class RobotKind implements TargetKind {

    @Override
    public String name() {
        return "robot";
    }

    @Override
    public dev.embody.skill.TargetPrimitives primitives() {
        return new dev.embody.skill.TargetPrimitives(name(), dev.embody.actuation.MqttRobotActuator.PRIMITIVES);
    }

    @Override
    public String skillsFolder() {
        return "robot";
    }

    @Override
    public String defaultGoal() {
        return "reach the target marker";
    }

    @Override
    public Target open(EpisodeSpec spec) throws Exception {
        String broker = spec.options().get("broker");
        if (broker == null) {
            throw new IllegalArgumentException("--target robot needs --broker tcp://host:1883 (the broker the robot listens on)");
        }
        MqttRobotTarget t = new MqttRobotTarget(name(), mqtt(spec, broker), topics(spec), limits(spec), ackTimeout(spec), true, null, null);
        String camera = spec.options().get("camera");
        if (camera != null) {
            try {
                t.useCamera(CameraSources.open(camera), camera);
            } catch (Exception e) {
                t.close();
                throw e;
            }
        }
        return t;
    }

    static MqttOptions mqtt(EpisodeSpec spec, String broker) {
        Map<String, String> o = spec.options();
        MqttOptions m = MqttOptions.of(broker, null).withVersion(o.getOrDefault("mqtt-version", "auto"));
        if (o.containsKey("mqtt-user")) {
            m = m.withCredentials(o.get("mqtt-user"), o.containsKey("mqtt-password") ? o.get("mqtt-password").toCharArray() : null);
        }
        if (o.containsKey("mqtt-truststore")) {
            m = m.withTrustStore(Path.of(o.get("mqtt-truststore")), System.getenv("EMBODY_MQTT_TRUSTSTORE_PASSWORD") == null ? null
                    : System.getenv("EMBODY_MQTT_TRUSTSTORE_PASSWORD").toCharArray());
        }
        return m;
    }

    static RobotTopics topics(EpisodeSpec spec) {
        return RobotTopics.of(spec.options().getOrDefault("robot-id", "r1"));
    }

    static Duration ackTimeout(EpisodeSpec spec) {
        return Duration.ofMillis((long) (Double.parseDouble(spec.options().getOrDefault("ack-timeout", "3")) * 1000));
    }

    static Path calibration(EpisodeSpec spec) {
        return Path.of(spec.options().getOrDefault("calibration", "calibration/robot"));
    }

    static RobotLimits limits(EpisodeSpec spec) throws BadFileException {
        Path f = calibration(spec).resolve("limits.yaml");
        if (!Files.exists(f)) {
            throw new BadFileException(f, 0, "robot limits are missing (max_speed_mps, max_turn_dps, max_distance_m, max_angle_deg, workspace)");
        }
        return RobotLimits.load(f);
    }

    @Override
    public InformationGathering gathering(EpisodeSpec spec) throws Exception {
        Path dir = calibration(spec);
        CameraIntrinsics cam = CameraIntrinsics.load(dir.resolve("camera.yaml"));
        TableHomography h = TableHomography.load(dir.resolve("homography.yaml"));
        RobotLimits l = limits(spec);
        return new TableSceneParser(cam, h, TableSceneParser.DEFAULT_KINDS, l.xMax() + l.xMin(), l.yMax() + l.yMin());
    }

    @Override
    public SelfReflection reflection() {
        return new RobotMotionReflection();
    }

    @Override
    public TaskInference tasks() {
        return new RobotTaskInference();
    }

    @Override
    public SkillCuration curation() {
        return new TagCuration();
    }

    @Override
    public Policy baseline(SkillLibrary library) {
        return new RobotScenePlanner();
    }
}
