package dev.embody.actuation;

import dev.embody.loop.Outcome;
import dev.embody.sim.TableWorld;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** An e-stop published by someone else (mosquitto_pub, as an operator's button would) halts a robot mid-move. */
@Tag("external")
class EstopTest {

    @TempDir
    Path tmp;

    @Test
    void anEstopOverMqttHaltsTheMovingRobotWithinOneStep() throws Exception {
        TableWorld world = new TableWorld(4);
        world.placeRobot(0.25, 0.30, 0);
        try (Mosquitto m = Mosquitto.start(tmp); RobotRig rig = new RobotRig(m.url(), "5", "es", world, true)) {
            // 25 cm at 10 cm/s: 2.5 s on the wall clock
            CompletableFuture<RobotMessages.Ack> move = CompletableFuture.supplyAsync(() ->
                    rig.agent().send(new RobotMessages.Command(null, "move", "forward", 0.25, 0.10, null, null, null)));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!rig.robot.moving() && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(rig.robot.moving()).isTrue();
            Thread.sleep(300);
            Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(m.port()), "-q", "1",
                    "-t", "embody/robots/es/estop", "-m", "{\"reason\":\"operator pressed e-stop\"}").inheritIO().start();
            assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
            RobotMessages.Ack ack = move.get(5, TimeUnit.SECONDS);
            assertThat(ack.status()).isEqualTo("stopped");
            // the agent may hear the e-stop before the robot's motion loop has taken its last slice (CI once saw 5 mm
            // between two reads after the ack): judge the robot once it says it is still
            long still = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (rig.robot.moving() && System.nanoTime() < still) {
                Thread.sleep(5);
            }
            assertThat(rig.robot.moving()).isFalse();
            // from the robot's side: after the e-stop reached it, it covered less than one 100 ms step at 10 cm/s
            assertThat(rig.robot.movedInHaltedMotion()).isLessThan(0.01);
            assertThat(world.x()).isLessThan(0.25 + 0.20);
            double x = world.x();
            Thread.sleep(300);
            assertThat(world.x()).isCloseTo(x, within(1e-9));
            assertThat(rig.robot.moving()).isFalse();
            // the agent saw it too: its episode ends, and no motion leaves while the e-stop holds
            assertThat(rig.target.outcome()).isEqualTo(Outcome.STOPPED);
            assertThatThrownBy(() -> rig.agent().send(new RobotMessages.Command(null, "move", "forward", 0.02, null, null, null, null)))
                    .hasMessageContaining("e-stopped");
        }
    }

    @Test
    void aStopCancelsTheMotionsQueuedBeforeIt_theyNeverStart() throws Exception {
        TableWorld world = new TableWorld(4);
        world.placeRobot(0.25, 0.30, 0);
        try (Mosquitto m = Mosquitto.start(tmp); RobotRig rig = new RobotRig(m.url(), "5", "sq", world, true)) {
            // three 20 cm moves at 10 cm/s queued at once (6 s of motion), then a stop, as a flood then a stop would come
            StringBuilder lines = new StringBuilder();
            for (int i = 1; i <= 3; i++) {
                lines.append("{\"id\":\"q").append(i).append("\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":0.2,\"speed_mps\":0.1}\n");
            }
            publishLines(m, "embody/robots/sq/cmd", lines.toString());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!rig.robot.moving() && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(rig.robot.moving()).isTrue();
            publishLines(m, "embody/robots/sq/cmd", "{\"id\":\"s1\",\"op\":\"stop\"}\n");
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!rig.robot.executed().contains("s1") && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(rig.robot.executed()).contains("s1");
            double x = world.x();
            Thread.sleep(500);
            // the running move was cut short, and the two behind it never ran
            assertThat(world.x()).isCloseTo(x, within(1e-9));
            assertThat(rig.robot.moving()).isFalse();
            assertThat(world.x()).isLessThan(0.25 + 0.2);
            assertThat(rig.robot.executed()).doesNotContain("q2", "q3");
        }
    }

    /** Publishes each line as its own message, as a stranger with mosquitto_pub would. */
    private static void publishLines(Mosquitto m, String topic, String lines) throws Exception {
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(m.port()), "-q", "1",
                "-t", topic, "-l").redirectErrorStream(true).start();
        pub.getOutputStream().write(lines.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        pub.getOutputStream().close();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
}
