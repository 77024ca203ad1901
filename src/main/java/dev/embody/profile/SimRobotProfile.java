package dev.embody.profile;

import dev.embody.actuation.EmbeddedBroker;
import dev.embody.actuation.MqttLink;
import dev.embody.actuation.MqttOptions;
import dev.embody.actuation.MqttCameraSource;
import dev.embody.actuation.MqttRobotTarget;
import dev.embody.actuation.RobotLimits;
import dev.embody.actuation.RobotTopics;
import dev.embody.loop.Frame;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Target;
import dev.embody.sim.ChessboardViews;
import dev.embody.sim.Markers;
import dev.embody.sim.SimCamera;
import dev.embody.sim.SimRobot;
import dev.embody.sim.TableWorld;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulated tabletop robot: the robot profile's modules and skills, an embedded broker unless a broker is given,
 * and the robot in-process (still talking only MQTT) unless it runs as its own process ({@code sim: external}).
 * In-process it runs in simulated time (physics per command) unless realtime. The scorer reads the simulator's true
 * state; the agent sees only camera frames.
 */
public final class SimRobotProfile extends RobotProfile {

    public static final String NAME = "sim-robot";
    private static final Logger log = LoggerFactory.getLogger(SimRobotProfile.class);

    private final boolean external;
    private EmbeddedBroker broker;

    public SimRobotProfile(Config config, boolean external) {
        super(config);
        this.external = external;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Target open(EpisodeSpec spec) throws Exception {
        MqttOptions options = config.mqtt();
        if (options == null) {
            synchronized (this) {
                if (broker == null) {
                    broker = EmbeddedBroker.start();
                }
            }
            options = MqttOptions.of(broker.url(), null).withVersion(EmbeddedBroker.PROTOCOL);
        }
        if (external) {
            return new MqttRobotTarget(name(), options, config.topics(), limits(), config.ackTimeout(), spec.realtime(), null, null);
        }
        TableWorld world = new TableWorld(spec.seed());
        MqttLink robotLink = MqttLink.connect(options.withClientId("embody-simrobot-" + config.topics().id() + "-" + Long.toHexString(System.nanoTime() & 0xffffff)));
        RobotLimits limits = limits(); // the robot enforces the agent's limits itself, as a real controller would
        SimRobot robot;
        try {
            robot = new SimRobot(world, robotLink, config.topics(), limits, spec.realtime());
        } catch (IOException | RuntimeException e) {
            robotLink.close();
            throw e;
        }
        boolean push = spec.goal().text().contains("block") || spec.goal().text().contains("push");
        long limitNanos = spec.timeLimit().toNanos();
        MqttRobotTarget target;
        try {
            target = new MqttRobotTarget(name(), options, config.topics(), limits, config.ackTimeout(), spec.realtime(),
                    () -> outcome(world, push, limitNanos), () -> score(world));
        } catch (Exception e) {
            robot.close();
            robotLink.close();
            throw e;
        }
        target.addFact("seed", spec.seed());
        target.addFact("sim", "in-process");
        target.onClose(() -> {
            robot.close();
            robotLink.close();
        });
        return target;
    }

    private static Outcome outcome(TableWorld w, boolean push, long limitNanos) {
        if (w.reached() && (!push || w.blockOnGoal())) {
            return Outcome.SUCCESS;
        }
        return w.timeNanos() > limitNanos ? Outcome.TIMEOUT : Outcome.RUNNING;
    }

    private static Map<String, Object> score(TableWorld w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reached", w.reached());
        m.put("block_on_goal", w.blockOnGoal());
        m.put("sim_s", Math.round(w.timeNanos() / 1e7) / 100.0);
        m.put("line", String.format(Locale.ROOT, "reached=%s block_on_goal=%s to_target_m=%.3f sim_s=%.2f", w.reached(), w.blockOnGoal(),
                Math.hypot(w.x() - w.targetX(), w.y() - w.targetY()), w.timeNanos() / 1e9));
        return m;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = super.describe();
        m.put("sim", external ? "external" : "in-process");
        return m;
    }

    /** Chessboard views rendered through the simulated table camera, and that camera's true intrinsics to check a fit against. */
    public record RenderedViews(List<Frame> views, double fx, double fy, double cx, double cy) {
    }

    /** {@code count} views of a COLSxROWS board of {@code square}-metre squares, as {@code calibrate camera --synthetic} takes them. */
    public static RenderedViews chessboardViews(int cols, int rows, double square, int count) {
        SimCamera truth = SimCamera.tableCamera();
        return new RenderedViews(ChessboardViews.render(truth, cols, rows, square, count, 7), truth.fx(), truth.fy(), truth.cx(), truth.cy());
    }

    /** The simulated table's markers: id -> (x, y) on the table in metres. */
    public static Map<Integer, double[]> tableMarkers() {
        Map<Integer, double[]> known = new LinkedHashMap<>();
        for (double[] m : Markers.TABLE) {
            known.put((int) m[0], new double[]{m[1], m[2]});
        }
        return known;
    }

    /**
     * A frame from the simulated robot's camera, taken over MQTT through an embedded broker as from a real robot, with
     * where the robot, the target and the block really are (metres) to check a table calibration by.
     */
    public record TableShot(Frame frame, long index, String topic, String protocol, Map<String, double[]> truth, double tableWidth, double tableDepth) {
    }

    public static TableShot tableShot() throws Exception {
        TableWorld world = new TableWorld(1);
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             MqttLink robotLink = MqttLink.connect(MqttOptions.of(broker.url(), "embody-calibrate-robot").withVersion(EmbeddedBroker.PROTOCOL));
             SimRobot robot = new SimRobot(world, robotLink, RobotTopics.of("calib"), false);
             MqttLink link = MqttLink.connect(MqttOptions.of(broker.url(), "embody-calibrate").withVersion(EmbeddedBroker.PROTOCOL))) {
            MqttCameraSource source = new MqttCameraSource(link, robot.topics().camera(), Duration.ofSeconds(5), null);
            Observation o = source.next();
            Map<String, double[]> truth = new LinkedHashMap<>();
            truth.put("robot", new double[]{world.x(), world.y()});
            truth.put("target", new double[]{world.targetX(), world.targetY()});
            truth.put("block", new double[]{world.blockX(), world.blockY()});
            return new TableShot(o.frame(), o.index(), robot.topics().camera(), link.protocol(), truth, TableWorld.WIDTH, TableWorld.DEPTH);
        }
    }

    @Override
    public synchronized void close() {
        if (broker != null) {
            broker.close();
            broker = null;
            log.debug("embedded broker stopped");
        }
    }
}
