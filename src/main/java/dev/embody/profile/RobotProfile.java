package dev.embody.profile;

import dev.embody.actuation.MqttOptions;
import dev.embody.actuation.MqttRobotTarget;
import dev.embody.actuation.RobotLimits;
import dev.embody.actuation.RobotTopics;
import dev.embody.correction.StickMapping;
import dev.embody.curation.TagCuration;
import dev.embody.file.BadFileException;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Target;
import dev.embody.perception.CameraIntrinsics;
import dev.embody.perception.CameraSources;
import dev.embody.perception.TableHomography;
import dev.embody.perception.TableSceneParser;
import dev.embody.planning.RobotScenePlanner;
import dev.embody.reflection.RobotMotionReflection;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.RobotTaskInference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real robot over MQTT: commands and e-stop on its topics, frames from its camera topic (or a camera of its own),
 * positions in table metres through the calibration folder (camera.yaml, homography.yaml, limits.yaml). The loop runs
 * on the wall clock. Its modules read ArUco markers (robot, target, block, goal) and plan turns and drives.
 */
public class RobotProfile implements Profile {

    public static final String NAME = "robot";
    public static final Path DEFAULT_CALIBRATION = Path.of("calibration", "robot");

    /**
     * @param mqtt   how to reach the broker; null when no broker was given (replay and training need none)
     * @param camera a camera to look through (device index, file, rtsp:// URL) instead of the camera topic; or null
     */
    public record Config(Path calibration, Path skills, MqttOptions mqtt, RobotTopics topics, Duration ackTimeout, String camera) {

        public static Config of(TargetOptions o) {
            MqttOptions m = null;
            if (o.broker() != null) {
                m = MqttOptions.of(o.broker(), null).withVersion(o.mqttVersion() == null ? "auto" : o.mqttVersion());
                if (o.mqttUser() != null) {
                    m = m.withCredentials(o.mqttUser(), o.mqttPassword() != null ? o.mqttPassword().toCharArray() : null);
                }
                if (o.mqttTrustStore() != null) {
                    String pass = System.getenv("EMBODY_MQTT_TRUSTSTORE_PASSWORD");
                    m = m.withTrustStore(o.mqttTrustStore(), pass == null ? null : pass.toCharArray());
                }
            }
            return new Config(o.calibration() != null ? o.calibration() : DEFAULT_CALIBRATION,
                    o.skills() != null ? o.skills() : Path.of("skills", "robot"), m, RobotTopics.of(o.robotId() == null ? "r1" : o.robotId()),
                    o.ackTimeout() == null ? Duration.ofSeconds(3) : o.ackTimeout(), o.camera());
        }
    }

    protected final Config config;

    public RobotProfile(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Path skillsDir() {
        return config.skills();
    }

    /** The workspace and speed limits every command is checked against before it leaves. */
    public RobotLimits limits() throws BadFileException {
        Path f = config.calibration().resolve("limits.yaml");
        if (!Files.exists(f)) {
            throw new BadFileException(f, 0, "robot limits are missing (max_speed_mps, max_turn_dps, max_distance_m, max_angle_deg, workspace)");
        }
        return RobotLimits.load(f);
    }

    @Override
    public Modules modules(SkillLibrary library) throws Exception {
        Path dir = config.calibration();
        CameraIntrinsics cam = CameraIntrinsics.load(dir.resolve("camera.yaml"));
        TableHomography h = TableHomography.load(dir.resolve("homography.yaml"));
        RobotLimits l = limits();
        return new Modules(new TableSceneParser(cam, h, TableSceneParser.DEFAULT_KINDS, l.xMax() + l.xMin(), l.yMax() + l.yMin()),
                new RobotMotionReflection(), new RobotTaskInference(), new TagCuration(), new RobotScenePlanner());
    }

    @Override
    public Target open(EpisodeSpec spec) throws Exception {
        if (config.mqtt() == null) {
            throw new IllegalArgumentException("--target robot needs --broker tcp://host:1883 (the broker the robot listens on)");
        }
        MqttRobotTarget t = new MqttRobotTarget(name(), config.mqtt(), config.topics(), limits(), config.ackTimeout(), true, null, null);
        if (config.camera() != null) {
            try {
                t.useCamera(CameraSources.open(config.camera()), config.camera());
            } catch (Exception e) {
                t.close();
                throw e;
            }
        }
        return t;
    }

    @Override
    public Goal defaultGoal() {
        return new Goal(RobotTaskInference.REACH);
    }

    /** The camera's view, two frames: a target in table metres does not fall on the image's pixels (oblique view). */
    @Override
    public dev.embody.planning.InputSpec inputSpec() {
        return new dev.embody.planning.InputSpec(64, 48, 2, 32, java.util.List.of());
    }

    @Override
    public dev.embody.skill.TargetPrimitives primitives() {
        return new dev.embody.skill.TargetPrimitives(name(), dev.embody.actuation.MqttRobotActuator.PRIMITIVES);
    }

    @Override
    public java.util.Set<String> words() {
        return java.util.Set.of("marker", "markers", "block", "target", "zone", "table", "edge", "robot");
    }

    /** The stick drives forward and back and turns a little each step. */
    @Override
    public StickMapping stick(SkillLibrary library) {
        Map<String, SkillCall> m = new LinkedHashMap<>();
        m.put("up", SkillCall.of("move", "direction", "forward", "amount", "small"));
        m.put("down", SkillCall.of("move", "direction", "back", "amount", "small"));
        m.put("left", SkillCall.of("turn", "direction", "left", "amount", "small"));
        m.put("right", SkillCall.of("turn", "direction", "right", "amount", "small"));
        return StickMapping.of(library, m);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("calibration", config.calibration().toString());
        m.put("skills", config.skills().toString());
        m.put("robot_id", config.topics().id());
        return m;
    }
}
