package dev.embody.actuation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.cli.Main;
import dev.embody.correction.MqttCorrections;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Intervention;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.sim.TableWorld;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Whatever anyone on the broker publishes, on a real Mosquitto: commands to the simulated robot, acks, states and
 * camera frames to the agent, e-stops to both, corrections to the agent. Each case says what must be answered and
 * what must (not) happen: the robot stays finite, on the table and inside its limits; the agent keeps stepping or
 * stops safely.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("external")
class MqttBadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private Mosquitto broker;
    private RobotRig rig;
    private MqttLink probe;
    private final BlockingQueue<JsonNode> acks = new LinkedBlockingQueue<>();

    @BeforeAll
    void start() throws Exception {
        broker = Mosquitto.start(tmp.resolve("mosquitto"));
        rig = new RobotRig(broker.url(), "5", "bx", 21, false);
        probe = MqttLink.connect(MqttOptions.of(broker.url(), "test-probe-" + System.nanoTime()).withVersion("5"));
        probe.subscribe(rig.robot.topics().ack(), 1, (t, p) -> {
            try {
                acks.add(JSON.readTree(p));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    void stop() throws Exception {
        probe.close();
        rig.close();
        broker.close();
    }

    /** Publishes a command as anyone could, and returns the robot's answer to it (id null: an answer without id). */
    private JsonNode answer(byte[] payload, String id) throws Exception {
        acks.clear();
        probe.publish(rig.robot.topics().cmd(), payload, 1, false);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            JsonNode a = acks.poll(100, TimeUnit.MILLISECONDS);
            if (a != null && (id == null ? !a.hasNonNull("id") : id.equals(a.path("id").asText(null)))) {
                return a;
            }
        }
        throw new AssertionError("no answer from the robot to " + new String(payload, 0, Math.min(payload.length, 100), StandardCharsets.UTF_8));
    }

    private void assertTheRobotIsOnTheTable() {
        TableWorld w = rig.world;
        assertThat(Double.isFinite(w.x()) && Double.isFinite(w.y()) && Double.isFinite(w.heading())).as("a finite pose").isTrue();
        assertThat(w.x()).isBetween(TableWorld.ROBOT_RADIUS, TableWorld.WIDTH - TableWorld.ROBOT_RADIUS);
        assertThat(w.y()).isBetween(TableWorld.ROBOT_RADIUS, TableWorld.DEPTH - TableWorld.ROBOT_RADIUS);
    }

    Stream<Arguments> badCommands() {
        String huge = "{\"id\":\"b-huge\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":0.05,\"pad\":\"";
        huge = huge + "x".repeat(1024 * 1024 - huge.length() - 2) + "\"}";
        return Stream.of(
                arguments("not JSON", "hello", null, "not JSON: hello"),
                arguments("a JSON array", "[1,2]", null, "a command must be a JSON object, got: [1,2]"),
                arguments("nothing", "", null, "a command must be a JSON object, got nothing"),
                arguments("1 MB", huge, null, "a command is at most 4096 bytes, got 1048576"),
                arguments("no id", "{\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":0.05}", null, "a command needs an id (a string of 1 to 128 characters)"),
                arguments("a number for an id", "{\"id\":7,\"op\":\"stop\"}", null, "a command needs an id (a string of 1 to 128 characters)"),
                arguments("an id of 200 characters", "{\"id\":\"" + "i".repeat(200) + "\",\"op\":\"stop\"}", null, "a command needs an id (a string of 1 to 128 characters)"),
                arguments("NaN as a string", "{\"id\":\"b-nan\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":\"NaN\"}", "b-nan", "'distance_m' must be a number, got \"NaN\""),
                arguments("a number as a string", "{\"id\":\"b-str\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":\"0.05\"}", "b-str", "'distance_m' must be a number, got \"0.05\""),
                arguments("an infinite angle", "{\"id\":\"b-inf\",\"op\":\"turn\",\"direction\":\"left\",\"angle_deg\":1e400}", "b-inf", "angle_deg must be a finite number, got Infinity"),
                arguments("100 m at 1e9 m/s", "{\"id\":\"b-far\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":100,\"speed_mps\":1e9}", "b-far", "move of 100.000 m is outside (0, 0.300] m"),
                arguments("a negative move", "{\"id\":\"b-neg\",\"op\":\"move\",\"direction\":\"back\",\"distance_m\":-0.05}", "b-neg", "move of -0.050 m is outside (0, 0.300] m"),
                arguments("zero speed", "{\"id\":\"b-zero\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":0.05,\"speed_mps\":0}", "b-zero", "speed_mps must be above 0, got 0.0"),
                arguments("a negative turn rate", "{\"id\":\"b-negw\",\"op\":\"turn\",\"direction\":\"right\",\"angle_deg\":10,\"speed_dps\":-90}", "b-negw", "speed_dps must be above 0, got -90.0"),
                arguments("a crawl", "{\"id\":\"b-slow\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":0.05,\"speed_mps\":1e-9}", "b-slow", "speed_mps 0.0000 is below the slowest allowed, 0.0020 m/s"),
                arguments("no direction", "{\"id\":\"b-nodir\",\"op\":\"move\"}", "b-nodir", "move needs direction forward or back, got null"),
                arguments("no distance", "{\"id\":\"b-nodist\",\"op\":\"move\",\"direction\":\"forward\"}", "b-nodist", "move needs distance_m"),
                arguments("no op", "{\"id\":\"b-noop\"}", "b-noop", "a command needs an op (move, turn or stop)"),
                arguments("a number for an op", "{\"id\":\"b-opnum\",\"op\":3}", "b-opnum", "'op' must be a string, got 3"),
                arguments("an unknown op", "{\"id\":\"b-fly\",\"op\":\"fly\"}", "b-fly", "unknown op 'fly' (expected move, turn or stop)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommands")
    void theRobotRefusesABadCommandItselfAndStaysWhereItWas(String what, String payload, String id, String detail) throws Exception {
        double x = rig.world.x(), y = rig.world.y(), h = rig.world.heading();
        JsonNode a = answer(payload.getBytes(StandardCharsets.UTF_8), id);
        assertThat(a.path("status").asText()).isEqualTo("refused");
        assertThat(a.path("detail").asText()).isEqualTo(detail);
        assertThat(rig.world.x()).isEqualTo(x);
        assertThat(rig.world.y()).isEqualTo(y);
        assertThat(rig.world.heading()).isEqualTo(h);
        assertTheRobotIsOnTheTable();
        if (id != null) {
            assertThat(rig.robot.executed()).doesNotContain(id);
        }
    }

    @Test
    void theRobotSlowsATooFastMoveAndRefusesOneThatLeavesItsWorkspace() throws Exception {
        rig.world.placeRobot(0.45, 0.30, 0);
        long t0 = rig.world.timeNanos();
        JsonNode fast = answer("{\"id\":\"b-fast\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":0.05,\"speed_mps\":1e9}".getBytes(), "b-fast");
        assertThat(fast.path("status").asText()).isEqualTo("done");
        assertThat(fast.path("detail").asText()).isEqualTo("slowed to 0.200 m/s");
        assertThat(rig.world.x()).isCloseTo(0.50, within(0.01));
        assertThat((rig.world.timeNanos() - t0) / 1e9).as("sim seconds: 5 cm at 0.2 m/s").isCloseTo(0.25, within(0.03));

        rig.world.placeRobot(0.80, 0.30, 0);
        JsonNode edge = answer("{\"id\":\"b-edge\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":0.10}".getBytes(), "b-edge");
        assertThat(edge.path("status").asText()).isEqualTo("refused");
        assertThat(edge.path("detail").asText()).isEqualTo("move would leave the workspace: (0.900, 0.300) is outside x 0.06..0.84, y 0.06..0.54");
        assertThat(rig.world.x()).isEqualTo(0.80);
        assertTheRobotIsOnTheTable();
    }

    @Test
    void aRealtimeMotionAtTheSlowestSpeedStillStopsAtOnceAndAZeroSpeedOneNeverStarts() throws Exception {
        TableWorld world = new TableWorld(24);
        world.placeRobot(0.45, 0.30, 0);
        try (RobotRig rt = new RobotRig(broker.url(), "5", "brt", world, true)) {
            BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
            try (MqttLink direct = MqttLink.connect(MqttOptions.of(broker.url(), "test-rt-" + System.nanoTime()).withVersion("5"))) {
                direct.subscribe(rt.robot.topics().ack(), 1, (topic, p) -> {
                    try {
                        answers.add(JSON.readTree(p));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                // zero speed once made the robot sleep for ever, deaf to stop and e-stop: now it is refused at once
                direct.publish(rt.robot.topics().cmd(), "{\"id\":\"rt-0\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":0.05,\"speed_mps\":0}".getBytes(), 1, false);
                JsonNode zero = answers.poll(5, TimeUnit.SECONDS);
                assertThat(zero).isNotNull();
                assertThat(zero.path("status").asText()).isEqualTo("refused");
                assertThat(rt.robot.moving()).isFalse();

                // 5 cm at the slowest allowed speed, 2 mm/s: 25 s on the wall clock, each 5 mm slice 2.5 s long
                direct.publish(rt.robot.topics().cmd(), "{\"id\":\"rt-1\",\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":0.05,\"speed_mps\":0.002}".getBytes(), 1, false);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!rt.robot.moving() && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                assertThat(rt.robot.moving()).isTrue();
                Thread.sleep(300);
                long stopSent = System.nanoTime();
                direct.publish(rt.robot.topics().cmd(), "{\"id\":\"rt-stop\",\"op\":\"stop\"}".getBytes(), 1, false);
                JsonNode moveAck = null;
                while (moveAck == null && System.nanoTime() - stopSent < TimeUnit.SECONDS.toNanos(5)) {
                    JsonNode a = answers.poll(100, TimeUnit.MILLISECONDS);
                    if (a != null && "rt-1".equals(a.path("id").asText())) {
                        moveAck = a;
                    }
                }
                double waited = (System.nanoTime() - stopSent) / 1e9;
                assertThat(moveAck).as("the move's answer after the stop").isNotNull();
                assertThat(moveAck.path("status").asText()).isEqualTo("stopped");
                assertThat(waited).as("seconds from stop to the stopped motion's answer").isLessThan(1.0);
                assertThat(rt.robot.moving()).isFalse();
            }
        }
    }

    @Test
    void garbageStatesAcksAndFramesAreNotUnderstoodAndTheAgentGoesOn() throws Exception {
        RobotTopics t = rig.robot.topics();
        MqttRobotActuator agent = rig.agent();
        long before = agent.messagesNotUnderstood();
        for (String state : List.of("{\"id\":\"bx\",\"x\":\"NaN\",\"y\":0.3,\"heading_deg\":0}", "{\"id\":\"bx\",\"x\":1e400,\"y\":0.3,\"heading_deg\":0}",
                "{\"id\":\"bx\"}", "not json", "{\"id\":\"bx\",\"x\":0.3,\"y\":0.3,\"heading_deg\":0,\"frame_seq\":-2}")) {
            probe.publish(t.state(), state.getBytes(), 0, false);
        }
        for (String ack : List.of("not json", "{\"id\":\"x\",\"status\":\"bogus\"}", "{\"id\":\"x\",\"status\":\"done\",\"frame_seq\":-1}", "[]")) {
            probe.publish(t.ack(), ack.getBytes(), 1, false);
        }
        awaitCount(agent, before + 9);
        double[] pose = agent.pose();
        assertThat(pose).as("the last pose the robot reported is kept").isNotNull();
        assertThat(Double.isFinite(pose[0]) && Double.isFinite(pose[1]) && Double.isFinite(pose[2])).isTrue();

        // a camera topic with garbage on it (retained, as frames are): the agent waits for the next real frame
        probe.publish(t.camera(), "not a jpeg".getBytes(), 0, true);
        probe.publish(t.camera(), new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3}, 0, true);
        Observation o = rig.target.frames().next();
        assertThat(o.frame().width()).isEqualTo(640);

        rig.world.placeRobot(0.45, 0.30, 0);
        RobotMessages.Ack ack = agent.send(new RobotMessages.Command(null, "move", "forward", 0.02, null, null, null, null));
        assertThat(ack.status()).isEqualTo("done");
    }

    private static void awaitCount(MqttRobotActuator agent, long count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (agent.messagesNotUnderstood() < count && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(agent.messagesNotUnderstood()).as("messages the agent did not understand").isEqualTo(count);
    }

    @Test
    void garbageOnTheEstopTopicStopsBothSidesAndOnlyARealResetReleasesThem() throws Exception {
        try (RobotRig es = new RobotRig(broker.url(), "5", "bes", 22, false)) {
            RobotTopics t = es.robot.topics();
            probe.publish(t.estop(), "garbage".getBytes(), 1, false);
            awaitEstop(es, true);
            assertThat(es.target.outcome()).isEqualTo(Outcome.STOPPED);
            assertThat(es.target.score().get("estop")).isEqualTo("e-stop on embody/robots/bes/estop: payload not understood (not JSON: garbage), taken as an e-stop");
            assertThatThrownBy(() -> es.agent().send(new RobotMessages.Command(null, "turn", "left", null, null, 5.0, null, null)))
                    .hasMessageContaining("e-stopped");

            // a string is not a reset: both stay stopped (and the robot says so to whoever asks it to move)
            probe.publish(t.estop(), "{\"reset\":\"true\"}".getBytes(), 1, false);
            Thread.sleep(300);
            assertThat(es.robot.estopped()).isTrue();
            assertThat(es.agent().estopped()).isTrue();
            MqttLink direct = MqttLink.connect(MqttOptions.of(broker.url(), "test-direct-" + System.nanoTime()).withVersion("5"));
            try (direct) {
                BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
                direct.subscribe(t.ack(), 1, (topic, p) -> {
                    try {
                        answers.add(JSON.readTree(p));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                direct.publish(t.cmd(), "{\"id\":\"bes-1\",\"op\":\"turn\",\"direction\":\"left\",\"angle_deg\":5}".getBytes(), 1, false);
                JsonNode a = answers.poll(10, TimeUnit.SECONDS);
                assertThat(a).isNotNull();
                assertThat(a.path("status").asText()).isEqualTo("refused");
                assertThat(a.path("detail").asText()).startsWith("e-stopped:");
            }

            probe.publish(t.estop(), "{\"reset\":true}".getBytes(), 1, false);
            awaitEstop(es, false);
            assertThat(es.agent().send(new RobotMessages.Command(null, "turn", "left", null, null, 5.0, null, null)).status()).isEqualTo("done");
        }
    }

    private static void awaitEstop(RobotRig r, boolean set) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((r.robot.estopped() != set || r.agent().estopped() != set) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(r.robot.estopped()).as("robot e-stopped").isEqualTo(set);
        assertThat(r.agent().estopped()).as("agent e-stopped").isEqualTo(set);
    }

    /**
     * Whatever a skill's publish names, the agent's actuator sends only to its own robot's topics, and a motion command
     * passes the limits on every topic, not only on cmd: nothing reaches another robot, nothing unchecked leaves.
     */
    @Test
    void theAgentSendsOnlyToItsOwnRobotAndEveryMotionPassesTheLimits() throws Exception {
        List<String> elsewhere = new CopyOnWriteArrayList<>();
        probe.subscribe("embody/robots/r8/#", 1, (t, p) -> elsewhere.add(t));
        probe.subscribe(rig.robot.topics().cmd() + "/#", 1, (t, p) -> elsewhere.add(t));
        List<String> lights = new CopyOnWriteArrayList<>();
        String mine = rig.robot.topics().cmd().replaceAll("/cmd$", "");
        probe.subscribe(mine + "/lights", 1, (t, p) -> lights.add(new String(p, StandardCharsets.UTF_8)));
        MqttRobotActuator agent = rig.agent();
        String wild = "{\"op\":\"move\",\"direction\":\"forward\",\"distance_m\":100,\"speed_mps\":1e9}";
        for (String topic : List.of("embody/robots/r8/cmd", "../r8/cmd", "cmd/x", "+", "#", "$SYS/x", "")) {
            assertThatThrownBy(() -> agent.publish(topic, wild)).as(topic).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + topic + "' is not one of this robot's own topics");
        }
        assertThatThrownBy(() -> agent.publish("lights", wild)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("command refused before sending: move of 100.000 m is outside (0, 0.300] m");
        assertThatThrownBy(() -> agent.publish("lights", "{\"op\":\"spin\"}")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown op 'spin'");
        for (String report : List.of("ack", "state", "camera")) {
            assertThatThrownBy(() -> agent.publish(report, "{\"id\":\"bx\",\"x\":0.45,\"y\":0.3,\"heading_deg\":0}")).as(report)
                    .hasMessageContaining("'" + report + "' is where the robot reports to the agent");
        }
        assertThatThrownBy(() -> agent.publish("estop", "{\"reset\":true}")).hasMessageContaining("a skill may not reset robot bx's e-stop");
        assertThat(agent.estopped()).isFalse();
        agent.publish("lights", "{\"colour\":\"red\"}");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lights.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(lights).as("what is no motion still goes to the robot's own topic").containsExactly("{\"colour\":\"red\"}");
        assertThat(elsewhere).as("nothing reached another robot or a sub-topic").isEmpty();
        assertTheRobotIsOnTheTable();
    }

    @Test
    void garbageOnTheEstopTopicEndsTheEpisodeAsStoppedWithTheReason() throws Exception {
        try (RobotRig es = new RobotRig(broker.url(), "5", "bep", 23, false)) {
            AgentLoop loop = es.loop(300, new StepListener() {
                @Override
                public void onStep(Step step, Observation observation) {
                    if (step.index() == 2) {
                        try {
                            probe.publish(es.robot.topics().estop(), new byte[]{(byte) 0xC3, 0x28}, 1, false);
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            });
            AgentLoop.EpisodeResult r = loop.run();
            assertThat(r.outcome()).isEqualTo(Outcome.STOPPED);
            assertThat(r.steps()).isLessThan(300);
            assertThat(es.target.score().get("estop").toString()).contains("payload not understood").contains("taken as an e-stop");
            // the robot hears the same message on its own connection: it may come a moment after the agent's
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!es.robot.estopped() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(es.robot.estopped()).isTrue();
            assertThat(es.robot.moving()).isFalse();
        }
    }

    @Test
    void aLiveSessionEndedByAnEstopSaysSoAndDoesNotExitZero() throws Exception {
        // the agent and its in-process robot on this broker; someone publishes garbage on estop once the robot is up
        String estop = "embody/robots/blive/estop";
        Thread operator = new Thread(() -> {
            try (MqttLink l = MqttLink.connect(MqttOptions.of(broker.url(), "test-operator-" + System.nanoTime()).withVersion("5"))) {
                // the first ack: the robot and the agent are both up and listening, and the episode has just begun
                java.util.concurrent.CountDownLatch up = new java.util.concurrent.CountDownLatch(1);
                l.subscribe("embody/robots/blive/ack", 1, (topic, p) -> up.countDown());
                if (up.await(60, TimeUnit.SECONDS)) {
                    l.publish(estop, "{oops".getBytes(), 1, false);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        operator.start();
        CliRun r = CliRun.of("live", "--target", "sim-robot", "--broker", broker.url(), "--robot-id", "blive", "--realtime",
                "--episodes", "3", "--max-steps", "2000", "--episodes-dir", tmp.resolve("eps").toString(), "--memory", tmp.resolve("mem").toString());
        operator.join(10_000);
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.ESTOPPED);
        assertThat(r.out()).contains("episode 1/3").contains("outcome=stopped")
                .contains("e-stop on " + estop + ": payload not understood (not JSON: {oops), taken as an e-stop");
        assertThat(r.out()).doesNotContain("episode 2/3");
    }

    @Test
    void correctionsThatAreNotTextOrComeTooFastAreRefusedWithAReason() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        OperatorInbox inbox = new OperatorInbox();
        List<Intervention> applied = new CopyOnWriteArrayList<>();
        inbox.observe(applied::add);
        BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
        try (MqttCorrections channel = MqttCorrections.connect(broker.url(), "bad-input", () -> new dev.embody.correction.CorrectionParser(lib), inbox)) {
            probe.subscribe(channel.topic() + "/understood", 1, (t, p) -> {
                try {
                    replies.add(JSON.readTree(p));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertThat(refusal(channel, replies, new byte[]{(byte) 0xC3, 0x28})).isEqualTo("not UTF-8 text (2 bytes)");
            assertThat(refusal(channel, replies, new byte[0])).isEqualTo("empty: a correction is 1 to 1000 bytes of UTF-8 text");
            assertThat(refusal(channel, replies, "a".repeat(1001).getBytes())).isEqualTo("1001 bytes: a correction is 1 to 1000 bytes of UTF-8 text");
            assertThat(applied).isEmpty();

            // a flood: the first ten are heard (the burst), the rest refused until the bucket fills again
            long t0 = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                // the client itself allows only so many QoS 1 messages unacknowledged: on a loaded machine it says so, and
                // a sender waits for its window (what the flood is about is the agent's bucket, not Paho's)
                while (true) {
                    try {
                        probe.publish(channel.topic(), "go left".getBytes(), 1, false);
                        break;
                    } catch (java.io.IOException e) {
                        if (!String.valueOf(e.getMessage()).contains("Too many publishes in progress")) {
                            throw e;
                        }
                        Thread.sleep(5);
                    }
                }
            }
            List<JsonNode> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                JsonNode reply = replies.poll(10, TimeUnit.SECONDS);
                assertThat(reply).as("an answer to every correction").isNotNull();
                answers.add(reply);
            }
            double seconds = (System.nanoTime() - t0) / 1e9; // the bucket refills while they are being heard
            int refused = 0, heard = 0;
            for (JsonNode reply : answers) {
                if (reply.has("refused")) {
                    assertThat(reply.path("refused").asText()).isEqualTo("too many corrections: at most 5 a second (10 at once); this one was not applied");
                    assertThat(reply.path("applied").asBoolean()).isFalse();
                    refused++;
                } else {
                    heard++;
                }
            }
            assertThat(heard).isBetween(10, 10 + (int) Math.ceil(seconds * 5) + 1);
            assertThat(refused).isEqualTo(40 - heard);
            assertThat(applied).hasSize(heard);
        }
    }

    private String refusal(MqttCorrections channel, BlockingQueue<JsonNode> replies, byte[] payload) throws Exception {
        probe.publish(channel.topic(), payload, 1, false);
        JsonNode reply = replies.poll(10, TimeUnit.SECONDS);
        assertThat(reply).as("an answer on understood").isNotNull();
        assertThat(reply.path("applied").asBoolean()).isFalse();
        return reply.path("refused").asText();
    }
}
