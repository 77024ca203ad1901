package dev.embody.bench;

import dev.embody.actuation.MqttLink;
import dev.embody.actuation.RobotLimits;
import dev.embody.actuation.RobotTopics;
import dev.embody.sim.SimRobot;
import dev.embody.sim.TableWorld;

import java.io.IOException;

/** The simulated tabletop robot as a stand-in for a real one (sim-robot): commands, state, e-stop and camera frames over an MQTT link. */
public final class SimRobotServer implements AutoCloseable {

    private final SimRobot robot;

    private SimRobotServer(SimRobot robot) {
        this.robot = robot;
    }

    /**
     * @param seed     where things are on the table
     * @param limits   the limits the robot enforces itself, whoever sends the command
     * @param realtime on the wall clock, or in simulated time (each command's motion at once)
     */
    public static SimRobotServer start(MqttLink link, String id, long seed, RobotLimits limits, boolean realtime) throws IOException {
        return new SimRobotServer(new SimRobot(new TableWorld(seed), link, RobotTopics.of(id), limits, realtime));
    }

    /** The first level of its topics (its own are PREFIX/ID/...). */
    public String topicsPrefix() {
        return robot.topics().prefix();
    }

    @Override
    public void close() {
        robot.close();
    }
}
