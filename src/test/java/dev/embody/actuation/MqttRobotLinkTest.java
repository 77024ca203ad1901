package dev.embody.actuation;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The robot link against a real Mosquitto (MQTT 5) and against the embedded HiveMQ CE (MQTT 3.1.1, as the sim robot speaks to it). */
@Tag("external")
class MqttRobotLinkTest {

    @TempDir
    Path tmp;

    /** Either broker, restartable on its port. */
    private interface Broker extends AutoCloseable {
        String url();

        String version();

        void restart() throws Exception;
    }

    private Broker broker(String kind) throws Exception {
        if (kind.equals("mosquitto")) {
            Mosquitto m = Mosquitto.start(tmp.resolve("mosquitto"));
            return new Broker() {
                public String url() { return m.url(); }
                public String version() { return "5"; }
                public void restart() throws Exception { m.restart(300); }
                public void close() throws Exception { m.close(); }
            };
        }
        EmbeddedBroker e = EmbeddedBroker.start();
        return new Broker() {
            public String url() { return e.url(); }
            public String version() { return EmbeddedBroker.PROTOCOL; }
            public void restart() throws Exception { e.stop(); Thread.sleep(300); e.restart(); }
            public void close() { e.close(); }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"mosquitto", "embedded"})
    void aCommandMakesTheRoundTripAndMovesTheRobotOnce(String kind) throws Exception {
        try (Broker b = broker(kind); RobotRig rig = new RobotRig(b.url(), b.version(), "rt", 3, false)) {
            double x0 = rig.world.x(), y0 = rig.world.y();
            RobotMessages.Ack ack = rig.agent().send(new RobotMessages.Command(null, "move", "forward", 0.05, null, null, null, null));
            assertThat(ack.status()).isEqualTo("done");
            assertThat(ack.frameSeq()).isNotNull();
            assertThat(rig.robot.executed()).containsExactlyElementsOf(rig.agent().acknowledged());
            assertThat(Math.hypot(rig.world.x() - x0, rig.world.y() - y0)).isCloseTo(0.05, within(0.006));
            // a frame taken after the command comes back on the camera topic
            Observation o = rig.target.frames().next();
            assertThat(o.frame().width()).isEqualTo(640);
        }
    }

    @Test
    void limitsAreEnforcedBeforeACommandLeaves() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.start(); RobotRig rig = new RobotRig(b.url(), "3.1.1", "lim", 3, false)) {
            rig.agent().send(new RobotMessages.Command(null, "turn", "left", null, null, 5.0, null, null)); // a state has arrived by now
            int before = rig.robot.received().size();
            assertThatThrownBy(() -> rig.agent().send(new RobotMessages.Command(null, "move", "forward", 0.5, null, null, null, null)))
                    .hasMessageContaining("move of 0.500 m is outside");
            // straight at the table's edge: whichever way it faces, 0.3 m from the middle of a 0.78 m workspace may be
            // fine, so aim at the edge on purpose
            rig.world.placeRobot(0.80, 0.30, 0);
            rig.agent().send(new RobotMessages.Command(null, "turn", "left", null, null, 1.0, null, null)); // the new pose is published
            assertThatThrownBy(() -> rig.agent().send(new RobotMessages.Command(null, "move", "forward", 0.10, null, null, null, null)))
                    .hasMessageContaining("leave the workspace");
            assertThat(rig.robot.received()).hasSize(before + 1); // only the turn left; the refused moves never did
        }
    }

    /**
     * A scripted robot (a probe link, not the simulator) that answers a command before it reports its new pose, as a
     * broker may deliver them: MQTT keeps order within a topic only (HiveMQ sends a waiting QoS 1 ack ahead of a
     * waiting QoS 0 state). The agent checks the next move against the state that goes with the ack's frame.
     */
    @Test
    void aMoveIsCheckedAgainstTheStateOfTheLastAckEvenWhenTheAckComesFirst() throws Exception {
        // frame 1: the middle of the table, where a 0.10 m move forward stays inside
        try (ScriptedRobot robot = new ScriptedRobot("order", state(0.45, 0.30, 1))) {
            robot.answer((c, n) -> {
                long frame = n + 1;
                robot.ack(c, frame);
                if (n == 1) {
                    Thread.sleep(300); // the state of frame 2 (at the table's edge) comes well after its ack
                    robot.state(state(0.80, 0.30, frame));
                } // frame 3's state never comes
            });
            // the default ack timeout: the state of frame 2 has 2.7 s to come, however loaded the machine
            MqttRobotActuator agent = robot.agent();
            agent.send(new RobotMessages.Command(null, "turn", "left", null, null, 1.0, null, null));
            assertThatThrownBy(() -> agent.send(new RobotMessages.Command(null, "move", "forward", 0.10, null, null, null, null)))
                    .hasMessageContaining("leave the workspace");
            assertThat(agent.pose()[0]).isEqualTo(0.80);

            agent.send(new RobotMessages.Command(null, "turn", "left", null, null, 1.0, null, null));
            assertThatThrownBy(() -> agent.send(new RobotMessages.Command(null, "move", "back", 0.05, null, null, null, null)))
                    .hasMessageContaining("last state (frame 2) predates its last ack (frame 3)");
            assertThat(robot.commands).as("the refused moves never left").containsExactly("turn", "turn");
        }
    }

    @Test
    void aRobotThatRestartsIsCheckedFromItsNewlyNumberedStates() throws Exception {
        AtomicLong frame = new AtomicLong(5);
        try (ScriptedRobot robot = new ScriptedRobot("restart", state(0.45, 0.30, frame.get()))) {
            robot.answer((c, n) -> {
                long f = frame.incrementAndGet();
                robot.state(state(0.45, 0.30, f));
                robot.ack(c, f);
            });
            MqttRobotActuator agent = robot.agent();
            agent.send(new RobotMessages.Command(null, "turn", "left", null, null, 1.0, null, null));   // acked at frame 6
            // the robot restarts: its frames are numbered from 1 again, a little to the left
            frame.set(1);
            robot.state(state(0.40, 0.30, 1));
            long until = System.nanoTime() + 10_000_000_000L;
            while (agent.pose()[0] != 0.40 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(agent.pose()[0]).as("the restarted robot's first state").isEqualTo(0.40);
            agent.send(new RobotMessages.Command(null, "move", "forward", 0.05, null, null, null, null));  // acked at frame 2
            assertThat(robot.commands).as("the move was checked from the new state and sent").containsExactly("turn", "move");
        }
    }

    /**
     * A scripted robot (a probe link, not the simulator) on the embedded broker, answering commands in the order a test
     * writes: MQTT keeps order within a topic only (HiveMQ sends a waiting QoS 1 ack ahead of a waiting QoS 0 state), so
     * the tests publish state and ack in either order. Its agent waits the default 3 s for a state.
     */
    private static final class ScriptedRobot implements AutoCloseable {

        interface Answer {
            /** Answers the n-th command (from 1). */
            void on(RobotMessages.Command c, int n) throws Exception;
        }

        final RobotTopics topics = RobotTopics.of("order");
        final List<String> commands = Collections.synchronizedList(new ArrayList<>());
        private final java.util.concurrent.ExecutorService answers = java.util.concurrent.Executors.newSingleThreadExecutor();
        private final EmbeddedBroker broker;
        private final MqttLink robot, agentLink;

        ScriptedRobot(String name, byte[] firstState) throws Exception {
            broker = EmbeddedBroker.start();
            robot = MqttLink.connect(MqttOptions.of(broker.url(), "test-" + name + "-robot").withVersion("5"));
            agentLink = MqttLink.connect(MqttOptions.of(broker.url(), "test-" + name + "-agent").withVersion("5"));
            state(firstState);
        }

        void answer(Answer a) throws Exception {
            robot.subscribe(topics.cmd(), 1, (topic, p) -> answers.execute(() -> {
                try {
                    RobotMessages.Command c = RobotMessages.readCommand(p);
                    commands.add(c.op());
                    a.on(c, commands.size());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }

        void state(byte[] state) throws Exception {
            robot.publish(topics.state(), state, 0, true);
        }

        void ack(RobotMessages.Command c, long frame) throws Exception {
            robot.publish(topics.ack(), RobotMessages.write(new RobotMessages.Ack(c.id(), "done", null, frame, null)), 1, false);
        }

        MqttRobotActuator agent() throws Exception {
            return new MqttRobotActuator(agentLink, topics, RobotLimits.load(Path.of("calibration/robot/limits.yaml")), Duration.ofSeconds(3), false);
        }

        @Override
        public void close() throws Exception {
            answers.shutdownNow();
            try (broker; robot; agentLink) {
                // closed in reverse: the links, then the broker
            }
        }
    }

    private static byte[] state(double x, double y, long frame) {
        return RobotMessages.write(new RobotMessages.State("order", x, y, 0, false, false, 0, 0, frame));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mosquitto", "embedded"})
    void theEpisodeGoesOnWhenTheBrokerRestartsAndNoCommandRunsTwice(String kind) throws Exception {
        try (Broker b = broker(kind); RobotRig rig = new RobotRig(b.url(), b.version(), "rs", 11, false)) {
            AtomicReference<Thread> restarter = new AtomicReference<>();
            AtomicLong restartedAt = new AtomicLong(-1);
            List<Long> steps = Collections.synchronizedList(new ArrayList<>());
            AgentLoop loop = rig.loop(300, new StepListener() {
                @Override
                public void onStep(Step step, Observation observation) {
                    steps.add(step.index());
                    if (step.index() == 3) {
                        Thread t = new Thread(() -> {
                            try {
                                b.restart();
                                restartedAt.set(steps.size());
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        restarter.set(t);
                        t.start();
                    }
                }
            });
            AgentLoop.EpisodeResult r = loop.run();
            restarter.get().join(10_000);
            assertThat(restartedAt.get()).as("the broker came back while the episode ran").isPositive();
            assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.SUCCESS);
            assertThat(steps.size()).as("steps after the restart").isGreaterThan((int) restartedAt.get());
            List<String> executed = rig.robot.executed();
            assertThat(Set.copyOf(executed)).as("no command executed twice").hasSameSizeAs(executed);
            for (String id : rig.agent().acknowledged()) {
                assertThat(Collections.frequency(executed, id)).as("command " + id + " executed exactly once").isEqualTo(1);
            }
        }
    }

    @Test
    void aBrokerThatWantsAPasswordLetsInOnlyTheRightOne() throws Exception {
        try (Mosquitto m = Mosquitto.startWithPassword(tmp.resolve("mosquitto-pw"), "lab", "s3cret")) {
            MqttOptions wrong = MqttOptions.of(m.url(), "test-wrong").withVersion("5").withCredentials("lab", "nope".toCharArray());
            assertThatThrownBy(() -> MqttLink.connect(wrong).close()).isInstanceOf(java.io.IOException.class).hasMessageContaining("cannot connect");
            MqttOptions right = MqttOptions.of(m.url(), "test-right").withVersion("5").withCredentials("lab", "s3cret".toCharArray());
            try (MqttLink a = MqttLink.connect(right); MqttLink b = MqttLink.connect(right.withClientId("test-right-2"))) {
                java.util.concurrent.CompletableFuture<String> got = new java.util.concurrent.CompletableFuture<>();
                b.subscribe("embody/robots/pw/state", 1, (t, p) -> got.complete(new String(p)));
                a.publish("embody/robots/pw/state", "{\"id\":\"pw\"}".getBytes(), 1, false);
                assertThat(got.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("{\"id\":\"pw\"}");
            }
        }
    }
}
