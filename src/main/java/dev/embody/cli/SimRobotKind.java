package dev.embody.cli;

import dev.embody.actuation.EmbeddedBroker;
import dev.embody.actuation.MqttLink;
import dev.embody.actuation.MqttOptions;
import dev.embody.actuation.MqttRobotTarget;
import dev.embody.actuation.RobotLimits;
import dev.embody.actuation.RobotTopics;
import dev.embody.loop.Outcome;
import dev.embody.loop.Target;
import dev.embody.sim.SimRobot;
import dev.embody.sim.TableWorld;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The simulated tabletop robot: an embedded broker unless --broker is given, and the robot in-process (still talking
 * only MQTT) unless --sim external. In-process it runs in simulated time (physics per command) unless --realtime.
 * The scorer reads the simulator's true state; the agent sees only camera frames.
 */
final class SimRobotKind extends RobotKind {

    private static final Logger log = LoggerFactory.getLogger(SimRobotKind.class);

    private EmbeddedBroker broker;

    @Override
    public String name() {
        return "sim-robot";
    }

    @Override
    public Target open(EpisodeSpec spec) throws Exception {
        String url = spec.options().get("broker");
        if (url == null) {
            synchronized (this) {
                if (broker == null) {
                    broker = EmbeddedBroker.start();
                }
            }
            url = broker.url();
        }
        MqttOptions options = mqtt(spec, url);
        if (broker != null && url.equals(broker.url()) && options.version().equals("auto")) {
            options = options.withVersion(EmbeddedBroker.PROTOCOL);
        }
        RobotTopics topics = topics(spec);
        if ("external".equals(spec.options().get("sim"))) {
            return new MqttRobotTarget(name(), options, topics, limits(spec), ackTimeout(spec), spec.realtime(), null, null);
        }
        TableWorld world = new TableWorld(spec.seed());
        RobotLimits limits = limits(spec); // the robot enforces the agent's limits itself, as a real controller would
        MqttLink robotLink = MqttLink.connect(options.withClientId("embody-simrobot-" + topics.id() + "-" + Long.toHexString(System.nanoTime() & 0xffffff)));
        SimRobot robot;
        try {
            robot = new SimRobot(world, robotLink, topics, limits, spec.realtime());
        } catch (IOException | RuntimeException e) {
            robotLink.close();
            throw e;
        }
        boolean push = spec.goal().text().contains("block") || spec.goal().text().contains("push");
        long limitNanos = spec.timeLimit().toNanos();
        MqttRobotTarget target;
        try {
            target = new MqttRobotTarget(name(), options, topics, limits, ackTimeout(spec), spec.realtime(),
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
    public synchronized void finish() {
        if (broker != null) {
            broker.close();
            broker = null;
            log.debug("embedded broker stopped");
        }
    }
}
