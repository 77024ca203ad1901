package dev.embody.actuation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.loop.Actuator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a robot over MQTT. A skill's {@code publish} to "cmd" becomes a command with a fresh id, checked against the
 * limits before it leaves, sent at QoS 1, and resent under the same id until the robot acknowledges it (the robot
 * executes an id once, so a resend after a reconnect never moves it twice). No ack within the timeout (plus the
 * motion's own duration) fails the step with {@link CommandTimeout}; it never hangs.
 */
public final class MqttRobotActuator implements Actuator {

    /** The skill primitives it carries out: a robot has no keys or mouse, only commands and time. */
    public static final Set<String> PRIMITIVES = Set.of("publish", "wait", "release_all");
    private static final Logger log = LoggerFactory.getLogger(MqttRobotActuator.class);
    private static final Duration RESEND_EVERY = Duration.ofMillis(400);

    private final MqttLink link;
    private final RobotTopics topics;
    private final RobotLimits limits;
    private final Duration ackTimeout;
    private final boolean realtime;
    private final String idPrefix;
    private final AtomicLong counter = new AtomicLong();
    private final Map<String, CompletableFuture<RobotMessages.Ack>> pending = new ConcurrentHashMap<>();
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();
    private final AtomicLong lastFrameSeq = new AtomicLong(-1);
    private volatile RobotMessages.State state;
    private final Object stateArrived = new Object();
    private final AtomicLong messagesNotUnderstood = new AtomicLong();
    private volatile String estopReason;
    private volatile boolean estopped;
    private volatile boolean halting;
    private volatile boolean sentMotion;

    /** A command the robot did not acknowledge in time: the step fails. */
    public static final class CommandTimeout extends RuntimeException {
        public CommandTimeout(String message) {
            super(message);
        }
    }

    /**
     * @param realtime whether time passes on the wall clock; false for a simulated robot that advances its physics per
     *                 command, where waiting between steps would only waste time
     */
    public MqttRobotActuator(MqttLink link, RobotTopics topics, RobotLimits limits, Duration ackTimeout, boolean realtime) throws IOException {
        this.link = link;
        this.topics = topics;
        this.limits = limits;
        this.ackTimeout = ackTimeout;
        this.realtime = realtime;
        this.idPrefix = topics.id() + "-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        link.subscribe(topics.ack(), 1, (t, p) -> onAck(p));
        link.subscribe(topics.state(), 0, (t, p) -> onState(t, p));
        link.subscribe(topics.estop(), 1, (t, p) -> onEstop(t, p));
    }

    private void onState(String topic, byte[] payload) {
        try {
            RobotMessages.State s = RobotMessages.readState(payload);
            synchronized (stateArrived) {
                RobotMessages.State before = state;
                if (s.frameSeq() != null && before != null && before.frameSeq() != null && s.frameSeq() < before.frameSeq()) {
                    // one topic keeps its order: frames numbered again from lower means the robot restarted, so its
                    // new numbers are the bar (else every move would wait for a frame it will not reach for a while)
                    log.warn("robot {}'s frames start again at {} (after {}): it restarted; moves are checked from its new states",
                            topics.id(), s.frameSeq(), before.frameSeq());
                    lastFrameSeq.set(s.frameSeq());
                }
                state = s;
                stateArrived.notifyAll();
            }
        } catch (RobotMessages.Malformed e) {
            notUnderstood(topic, e.getMessage()); // the last good pose stays
        }
    }

    private void onEstop(String topic, byte[] payload) {
        String reason;
        try {
            RobotMessages.Estop e = RobotMessages.readEstop(payload);
            if (e.isReset()) {
                estopped = false;
                estopReason = null;
                log.warn("e-stop reset on {}", topic);
                return;
            }
            reason = e.reason() == null ? "(no reason given)" : e.reason();
        } catch (RobotMessages.Malformed ex) {
            // an e-stop channel fails safe: what cannot be read as a reset stops the robot
            reason = "payload not understood (" + ex.getMessage() + "), taken as an e-stop";
            messagesNotUnderstood.incrementAndGet();
        }
        estopReason = "e-stop on " + topic + ": " + reason;
        estopped = true;
        log.warn("{}", estopReason);
        pending.values().forEach(f -> f.complete(new RobotMessages.Ack(null, "stopped", "e-stop", null, null)));
    }

    private void onAck(byte[] payload) {
        try {
            RobotMessages.Ack ack = RobotMessages.readAck(payload);
            CompletableFuture<RobotMessages.Ack> f = ack.id() == null ? null : pending.get(ack.id());
            if (f != null) {
                f.complete(ack);
            }
        } catch (RobotMessages.Malformed e) {
            notUnderstood(topics.ack(), e.getMessage());
        }
    }

    /** A message dropped: said in the log (the first few, then every hundredth, so a flood cannot fill the log). */
    private void notUnderstood(String topic, String why) {
        long n = messagesNotUnderstood.incrementAndGet();
        if (n <= 5 || n % 100 == 0) {
            log.warn("not understood on {} (dropped; {} so far): {}", topic, n, why);
        }
    }

    /** Messages on the robot's topics that could not be read and were dropped (an unreadable e-stop still stops). */
    public long messagesNotUnderstood() {
        return messagesNotUnderstood.get();
    }

    /** Why the robot is e-stopped ("e-stop on TOPIC: reason"), or null when it is not. */
    public String estopReason() {
        return estopped ? estopReason : null;
    }

    public RobotTopics topics() {
        return topics;
    }

    /** Ids the robot acknowledged, in order. */
    public List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    /** The camera frame the robot published after the last acknowledged command; a camera source waits for it. */
    public long lastFrameSeq() {
        return lastFrameSeq.get();
    }

    public boolean estopped() {
        return estopped;
    }

    /** The robot's last reported pose {x, y, heading_deg}, or null. */
    public double[] pose() {
        return pose(state);
    }

    private static double[] pose(RobotMessages.State s) {
        return s == null ? null : new double[]{s.x(), s.y(), s.headingDeg()};
    }

    /**
     * The robot's pose once its state has caught up with the last ack (waits up to the ack timeout), else the last
     * reported one: the pose that goes with the frame a camera source hands out after that ack. Null, at once, from a
     * robot that has reported none.
     */
    public double[] currentPose() {
        return state == null ? null : pose(awaitCurrentState());
    }

    /**
     * Whether a state shows the last acknowledged command's effect: it names a frame at least as new as the one the
     * last ack named. MQTT keeps order within a topic only, so the state published just before an ack may come after
     * it (HiveMQ sends a waiting QoS 1 ack ahead of a waiting QoS 0 state); a robot that numbers no states is taken
     * at its word.
     */
    private boolean current(RobotMessages.State s) {
        return s != null && (s.frameSeq() == null || s.frameSeq() >= lastFrameSeq.get());
    }

    /** Fields that make a payload a motion command, whatever topic it is sent to. */
    private static final List<String> COMMAND_FIELDS = List.of("op", "direction", "distance_m", "speed_mps", "angle_deg", "speed_dps");

    /**
     * A skill's publish: to one of this robot's own topics only. A command on "cmd" goes out with a fresh id and waits
     * for its ack; a payload that reads as a motion command on any other topic passes the same limits (and e-stop)
     * before it leaves, so no topic carries an unchecked motion.
     *
     * @throws IllegalArgumentException the topic is not this robot's own, or a command is not JSON
     * @throws IllegalStateException    the limits or an e-stop refused it (nothing was sent)
     */
    @Override
    public void publish(String topic, String payload) {
        String resolved = topics.resolve(topic);
        RobotMessages.Command c = command(payload, resolved.equals(topics.cmd()));
        if (resolved.equals(topics.cmd())) {
            send(c);
            return;
        }
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        if (resolved.equals(topics.estop()) && resets(bytes)) {
            throw new IllegalStateException("a skill may not reset robot " + topics.id() + "'s e-stop: stop always wins; the operator resets it");
        }
        if (c != null) {
            bytes = RobotMessages.write(checked(c));
        }
        try {
            link.publish(resolved, bytes, 1, false);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static boolean resets(byte[] estop) {
        try {
            return RobotMessages.readEstop(estop).isReset();
        } catch (RobotMessages.Malformed e) {
            return false; // what is no reset stops the robot: any skill may send that
        }
    }

    /**
     * The payload as a command; null where it is none (not a JSON object, or one without a command's fields) and
     * {@code required} is false.
     */
    private static RobotMessages.Command command(String payload, boolean required) {
        JsonNode n;
        try {
            n = RobotMessages.json().readTree(payload);
        } catch (IOException e) {
            if (!required) {
                return null;
            }
            throw new IllegalArgumentException("a robot command must be JSON: " + e.getMessage() + ": " + payload);
        }
        if (!(n instanceof ObjectNode o) || (!required && COMMAND_FIELDS.stream().noneMatch(o::has))) {
            if (!required) {
                return null;
            }
            throw new IllegalArgumentException("a robot command must be a JSON object, got: " + payload);
        }
        // skills fill numbers from text slots: "0.05" and 0.05 both count
        return new RobotMessages.Command(null, o.path("op").asText(null), o.path("direction").asText(null),
                number(o, "distance_m"), number(o, "speed_mps"), number(o, "angle_deg"), number(o, "speed_dps"), null);
    }

    private static Double number(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        try {
            return Double.parseDouble(v.asText().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + field + "' must be a number, got '" + v.asText() + "'");
        }
    }

    /** Sends a command and waits for its ack; returns the ack. Refusals and timeouts throw. */
    public RobotMessages.Ack send(RobotMessages.Command raw) {
        boolean motion = !"stop".equals(raw.op());
        RobotMessages.Command c = checked(raw);
        String id = idPrefix + String.format(Locale.ROOT, "%06d", counter.incrementAndGet());
        c = new RobotMessages.Command(id, c.op(), c.direction(), c.distanceM(), c.speedMps(), c.angleDeg(), c.speedDps(), System.currentTimeMillis());
        if (motion) {
            halting = false;
            sentMotion = true;
        }
        Duration limit = ackTimeout.plus(expected(c));
        RobotMessages.Ack ack = exchange(c, limit);
        acknowledged.add(id);
        if (ack.frameSeq() != null) {
            lastFrameSeq.accumulateAndGet(ack.frameSeq(), Math::max);
        }
        if ("refused".equals(ack.status())) {
            throw new IllegalStateException("robot " + topics.id() + " refused " + c.op() + ": " + ack.detail());
        }
        return ack;
    }

    /** The command as the limits let it leave (slowed, filled in), or a refusal: e-stopped, or a limit broken. */
    private RobotMessages.Command checked(RobotMessages.Command raw) {
        if (!"stop".equals(raw.op()) && estopped) {
            throw new IllegalStateException("robot " + topics.id() + " is e-stopped: no motion until the e-stop is reset");
        }
        RobotMessages.State s = state;
        if ("move".equals(raw.op())) {
            // the workspace is checked from the robot's pose after its last command: give that state a moment to come
            s = awaitCurrentState();
            if (s != null && !current(s)) {
                throw new IllegalStateException("command refused before sending: robot " + topics.id() + "'s last state (frame "
                        + s.frameSeq() + ") predates its last ack (frame " + lastFrameSeq.get() + ") after " + ackTimeout.toMillis()
                        + " ms: the workspace cannot be checked from an old pose");
            }
        }
        try {
            return limits.enforce(raw, pose(s));
        } catch (RobotLimits.LimitExceeded e) {
            throw new IllegalStateException("command refused before sending: " + e.getMessage());
        }
    }

    /** The robot's state once it is {@link #current}, waiting up to the ack timeout; else the last one heard, or null. */
    private RobotMessages.State awaitCurrentState() {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        synchronized (stateArrived) {
            while (!current(state)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    stateArrived.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return state;
        }
    }

    private RobotMessages.Ack exchange(RobotMessages.Command c, Duration limit) {
        CompletableFuture<RobotMessages.Ack> f = new CompletableFuture<>();
        pending.put(c.id(), f);
        byte[] bytes = RobotMessages.write(c);
        long deadline = System.nanoTime() + limit.toNanos();
        int sends = 0;
        try {
            while (true) {
                try {
                    link.publish(topics.cmd(), bytes, 1, false);
                    sends++;
                } catch (IOException e) {
                    log.debug("command {} not sent yet ({}); trying again", c.id(), e.getMessage());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new CommandTimeout("robot " + topics.id() + " did not acknowledge " + c.op() + " " + c.id() + " within "
                            + limit.toMillis() + " ms (" + sends + " sends)");
                }
                try {
                    // while the robot moves, wait for the ack without resending; before that, resend now and then
                    return f.get(Math.min(left, sends > 0 ? RESEND_EVERY.plus(expected(c)).toNanos() : RESEND_EVERY.toNanos()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (halting && !"stop".equals(c.op())) {
                        return new RobotMessages.Ack(c.id(), "stopped", "halted by the agent", null, null);
                    }
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CommandTimeout("interrupted while waiting for the ack of " + c.id());
                }
            }
        } finally {
            pending.remove(c.id());
        }
    }

    private static Duration expected(RobotMessages.Command c) {
        double s = 0;
        if ("move".equals(c.op()) && c.distanceM() != null && c.speedMps() != null && c.speedMps() > 0) {
            s = c.distanceM() / c.speedMps();
        } else if ("turn".equals(c.op()) && c.angleDeg() != null && c.speedDps() != null && c.speedDps() > 0) {
            s = c.angleDeg() / c.speedDps();
        }
        return Duration.ofMillis((long) (s * 1000));
    }

    /** Stops the robot now from any thread (Ctrl-C): a waiting command gives up and a stop goes out. Never throws. */
    public void halt() {
        halting = true;
        pending.values().forEach(f -> f.complete(new RobotMessages.Ack(null, "stopped", "halted by the agent", null, null)));
        sendStop();
    }

    private void sendStop() {
        try {
            exchange(RobotMessages.Command.stop(idPrefix + "stop-" + counter.incrementAndGet()), Duration.ofSeconds(2));
            sentMotion = false;
        } catch (RuntimeException e) {
            log.warn("stop for robot {} not acknowledged: {}", topics.id(), e.getMessage());
        }
    }

    @Override
    public void releaseAll() {
        // the loop calls this often (every pause tick): a stop goes out only when the robot may be moving
        RobotMessages.State s = state;
        if (sentMotion || (s != null && s.moving())) {
            sendStop();
        }
    }

    @Override
    public void emergencyStop() {
        estopped = true;
        halting = true;
        try {
            link.publish(topics.estop(), RobotMessages.write(new RobotMessages.Estop("agent e-stop", null)), 1, false);
        } catch (IOException e) {
            log.warn("e-stop for robot {} not sent: {}", topics.id(), e.getMessage());
        }
        sendStop();
    }

    @Override
    public void elapse(Duration d) throws InterruptedException {
        if (realtime) {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        }
    }

    @Override
    public void keyDown(String key) {
        throw new UnsupportedOperationException("a robot has no keys: use 'publish' in robot skills");
    }

    @Override
    public void keyUp(String key) {
        throw new UnsupportedOperationException("a robot has no keys: use 'publish' in robot skills");
    }

    @Override
    public Set<String> held() {
        return Set.of();
    }
}
