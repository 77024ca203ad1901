package dev.embody.actuation;

import dev.embody.curation.TagCuration;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Outcome;
import dev.embody.loop.StepListener;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.CameraIntrinsics;
import dev.embody.perception.TableHomography;
import dev.embody.perception.TableSceneParser;
import dev.embody.planning.RobotScenePlanner;
import dev.embody.reflection.RobotMotionReflection;
import dev.embody.sim.SimRobot;
import dev.embody.sim.TableWorld;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.RobotTaskInference;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One simulated robot and one agent on a broker, as `./run live --target sim-robot` builds them: the robot a node on
 * its own MQTT connection, the agent seeing it only through camera frames and driving it only through commands.
 */
final class RobotRig implements AutoCloseable {

    final TableWorld world;
    final MqttLink robotLink;
    final SimRobot robot;
    final MqttRobotTarget target;
    final TableSceneParser parser;

    RobotRig(String broker, String version, String id, long seed, boolean realtime) throws Exception {
        this(broker, version, id, new TableWorld(seed), realtime);
    }

    RobotRig(String broker, String version, String id, TableWorld world, boolean realtime) throws Exception {
        this.world = world;
        MqttOptions o = MqttOptions.of(broker, null).withVersion(version);
        robotLink = MqttLink.connect(o.withClientId("test-robot-" + id + "-" + System.nanoTime()));
        RobotLimits limits = RobotLimits.load(Path.of("calibration/robot/limits.yaml"));
        robot = new SimRobot(world, robotLink, RobotTopics.of(id), limits, realtime);
        target = new MqttRobotTarget("sim-robot", o, RobotTopics.of(id), limits,
                Duration.ofSeconds(3), realtime, () -> world.reached() ? Outcome.SUCCESS : Outcome.RUNNING, null);
        parser = new TableSceneParser(CameraIntrinsics.load(Path.of("calibration/robot/camera.yaml")),
                TableHomography.load(Path.of("calibration/robot/homography.yaml")), TableSceneParser.DEFAULT_KINDS, TableWorld.WIDTH, TableWorld.DEPTH);
    }

    AgentLoop loop(int maxSteps, StepListener listener) throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills/robot"));
        // the robot profile's modules, over this rig's own robot and broker
        Modules modules = new dev.embody.profile.RobotProfile(dev.embody.profile.RobotProfile.Config.of(dev.embody.profile.TargetOptions.defaults()))
                .modules(library);
        AgentLoop.Builder b = AgentLoop.builder().target(target).library(library).modules(modules)
                .memory(EpisodicMemory.inMemory()).goal(new Goal("reach the target marker")).maxSteps(maxSteps);
        if (listener != null) {
            b.listener(listener);
        }
        return b.build();
    }

    MqttRobotActuator agent() {
        return target.robot();
    }

    @Override
    public void close() {
        target.close();
        robot.close();
        robotLink.close();
        parser.close();
    }
}
