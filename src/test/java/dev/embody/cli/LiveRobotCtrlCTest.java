package dev.embody.cli;

import dev.embody.actuation.MqttLink;
import dev.embody.actuation.MqttOptions;
import dev.embody.actuation.RobotTopics;
import dev.embody.sim.SimRobot;
import dev.embody.sim.TableWorld;
import dev.embody.testkit.EmbodyProcess;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `./run live --target robot --broker ...` in its own JVM drives a robot on the wall clock (the simulated one, here in
 * the test's JVM, on a real Mosquitto); Ctrl-C (SIGINT) stops the robot within a step, seen from the robot's side.
 */
@Tag("external")
class LiveRobotCtrlCTest {

    @TempDir
    Path tmp;

    @Test
    void ctrlCStopsTheRobotWithinOneStep() throws Exception {
        Path work = tmp.resolve("work");
        EmbodyProcess.copyProjectFolders(work, "skills", "calibration");
        try (Mosquitto m = Mosquitto.start(tmp.resolve("mosquitto"));
             MqttLink link = MqttLink.connect(MqttOptions.of(m.url(), "test-robot-cc"));
             SimRobot robot = new SimRobot(new TableWorld(5), link, RobotTopics.of("cc"), true);
             EmbodyProcess agent = EmbodyProcess.cli(work, Map.of(), "live", "--target", "robot", "--broker", m.url(), "--robot-id", "cc",
                     "--episodes", "1", "--no-record", "--max-steps", "400")) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!(robot.executed().size() >= 2 && robot.moving()) && System.nanoTime() < end && agent.process().isAlive()) {
                Thread.sleep(5);
            }
            assertThat(robot.moving()).as("the agent drives the robot; agent stderr: %s", agent.stderr()).isTrue();
            agent.interrupt();
            int code = agent.waitFor(30);
            assertThat(code).as(agent.stderr()).isEqualTo(Main.INTERRUPTED);
            assertThat(robot.received()).anyMatch(id -> id.contains("stop"));
            assertThat(robot.moving()).isFalse();
            // the motion under way when Ctrl-C came was cut short within one 100 ms step (10 cm/s, 90 deg/s)
            assertThat(robot.movedInHaltedMotion()).isLessThan(0.012);
        }
    }
}
