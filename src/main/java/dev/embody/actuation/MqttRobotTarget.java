package dev.embody.actuation;

import dev.embody.loop.Actuator;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Outcome;
import dev.embody.loop.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A robot reached only over MQTT: commands through {@link MqttRobotActuator}, frames from its camera topic. An e-stop
 * on the robot's estop topic ends the episode (outcome STOPPED, the reason in the score's "estop"), and so does any
 * message there that is not a valid reset (an e-stop channel fails safe); Ctrl-C stops the robot at once through a shutdown
 * hook, before the loop has even noticed. A simulator may add its scorer; a real robot has none.
 */
public final class MqttRobotTarget implements Target {

    private static final Logger log = LoggerFactory.getLogger(MqttRobotTarget.class);

    private final String name;
    private final MqttLink link;
    private final MqttRobotActuator actuator;
    private final MqttCameraSource camera;
    private FrameSource frames;
    private final Supplier<Outcome> scorer;
    private final Supplier<Map<String, Object>> score;
    private final Map<String, Object> facts;
    private final Thread ctrlC;
    private final java.util.List<Runnable> onClose = new java.util.ArrayList<>();
    /** The robot's pose as the last frame was handed out: the state that frame shows. */
    private volatile double[] poseAtFrame;

    public MqttRobotTarget(String name, MqttOptions options, RobotTopics topics, RobotLimits limits, Duration ackTimeout,
                           boolean realtime, Supplier<Outcome> scorer, Supplier<Map<String, Object>> score) throws IOException {
        this.name = name;
        this.link = MqttLink.connect(options.withClientId("embody-agent-" + topics.id() + "-" + Long.toHexString(System.nanoTime() & 0xffffff)));
        try {
            this.actuator = new MqttRobotActuator(link, topics, limits, ackTimeout, realtime);
            this.camera = new MqttCameraSource(link, topics.camera(), ackTimeout.plusSeconds(3), actuator::lastFrameSeq);
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
        this.frames = camera;
        this.scorer = scorer;
        this.score = score;
        this.facts = new LinkedHashMap<>();
        facts.put("broker", options.broker());
        facts.put("robot", topics.id());
        facts.put("mqtt", link.protocol());
        facts.put("realtime", realtime);
        // what state() holds, in order: the robot's own report on its state topic
        facts.put("state_names", java.util.List.of("x_m", "y_m", "heading_deg"));
        facts.put("view", "camera");
        this.ctrlC = new Thread(actuator::halt, "robot-stop-" + topics.id());
        Runtime.getRuntime().addShutdownHook(ctrlC);
    }

    public MqttRobotActuator robot() {
        return actuator;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FrameSource frames() {
        FrameSource inner = frames;
        return new FrameSource() {
            @Override
            public dev.embody.loop.Observation next() throws IOException {
                dev.embody.loop.Observation o = inner.next();
                poseAtFrame = actuator.currentPose(); // the state may come just after the frame it goes with
                return o;
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    @Override
    public double[] state() {
        return poseAtFrame;
    }

    /** Looks through another camera (a USB device, a file, an RTSP stream) instead of the robot's camera topic. */
    public void useCamera(FrameSource source, String description) {
        this.frames = source;
        onClose.add(source::close);
        facts.put("camera", description);
    }

    @Override
    public Actuator actuator() {
        return actuator;
    }

    @Override
    public Outcome outcome() {
        if (actuator.estopped()) {
            return Outcome.STOPPED;
        }
        return scorer == null ? Outcome.RUNNING : scorer.get();
    }

    @Override
    public Map<String, Object> describe() {
        return facts;
    }

    /** The scorer's figures, and when an e-stop ended the episode, why ("estop"; also the episode line's ending). */
    @Override
    public Map<String, Object> score() {
        Map<String, Object> m = new LinkedHashMap<>(score == null ? Map.of() : score.get());
        String estop = actuator.estopReason();
        if (estop != null) {
            m.put("estop", estop);
            m.put("ending", estop);
        }
        return m;
    }

    /** Something to close after the link (a simulated robot that lives as long as the episode). */
    public void onClose(Runnable r) {
        onClose.add(r);
    }

    public void addFact(String key, Object value) {
        facts.put(key, value);
    }

    @Override
    public void close() {
        try {
            actuator.releaseAll();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(ctrlC);
            } catch (IllegalStateException e) {
                log.debug("shutting down: the stop hook runs anyway");
            }
            link.close();
            onClose.forEach(Runnable::run);
        }
    }
}
