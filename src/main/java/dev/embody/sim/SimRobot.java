package dev.embody.sim;

import dev.embody.actuation.MqttLink;
import dev.embody.actuation.RobotLimits;
import dev.embody.actuation.RobotMessages;
import dev.embody.actuation.RobotTopics;
import dev.embody.loop.Frame;
import dev.embody.perception.CameraJpeg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The simulated tabletop robot as a node that speaks only MQTT: it takes commands on {@code cmd}, executes each id
 * once (a resend gets the first ack again, marked duplicate), halts at once on {@code stop} or {@code estop}, and
 * after every command publishes a camera frame (JPEG from the overhead {@link SimCamera}), its state and the ack.
 * Like a real controller it trusts no sender: a command that is malformed or breaks its own {@link RobotLimits} is
 * answered {@code refused} with the reason and never moves it (a too fast one is slowed), and anything on
 * {@code estop} that is not a valid reset halts it.
 *
 * <p>In simulated time a command's motion is computed at once and the robot's clock advances by its duration; in
 * real time it moves on the wall clock in 5 mm / 2 degree slices, looking for a stop every 10 ms, and publishes frames
 * at 5 Hz while idle.
 */
public final class SimRobot implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimRobot.class);
    private static final int JPEG_QUALITY = 90;
    /** How often a realtime motion looks for a stop or an e-stop. */
    private static final long HALT_CHECK_MS = 10;
    /** Refusals of malformed commands go out here, not on the client's callback thread (a QoS 1 publish waits there). */
    private static final java.util.concurrent.ExecutorService REFUSALS = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sim-robot-refusals");
        t.setDaemon(true);
        return t;
    });

    private final TableWorld world;
    private final MqttLink link;
    private final RobotTopics topics;
    private final RobotLimits limits;
    private final boolean realtime;
    private final TableRenderer renderer;
    private final BlockingQueue<RobotMessages.Command> queue = new LinkedBlockingQueue<>();
    /** Ids of motions that were still queued when a stop arrived: they are answered "stopped" and never run. */
    private final java.util.Set<String> cancelled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, RobotMessages.Ack> acks = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RobotMessages.Ack> e) {
            return size() > 10_000;
        }
    });
    private final List<String> executed = Collections.synchronizedList(new ArrayList<>());
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final Thread worker;
    private volatile boolean running = true;
    private volatile boolean halt;
    /** Stops received so far: a motion taken off the queue before a stop arrived never runs past it. */
    private volatile long stops;
    private volatile boolean estopped;
    private volatile boolean moving;
    private volatile long seq;
    private volatile long haltReceivedNanos;
    private volatile double haltX, haltY;
    private volatile double movedAfterHalt;
    private long malformed;

    /** A robot with the shipped limits (those of calibration/robot/limits.yaml, which fit this table). */
    public SimRobot(TableWorld world, MqttLink link, RobotTopics topics, boolean realtime) throws IOException {
        this(world, link, topics, RobotLimits.SIM_TABLE, realtime);
    }

    /** A robot that refuses, by itself, whatever breaks these limits, as a real controller would. */
    public SimRobot(TableWorld world, MqttLink link, RobotTopics topics, RobotLimits limits, boolean realtime) throws IOException {
        this.world = world;
        this.link = link;
        this.topics = topics;
        this.limits = limits;
        this.realtime = realtime;
        this.renderer = new TableRenderer(SimCamera.TABLE);
        // the first frame on this thread: OpenCV's natives load here, not on the worker while another thread loads
        // them too (JavaCPP's loader and class initialisation can deadlock across threads)
        publishView();
        link.subscribe(topics.cmd(), 1, (t, p) -> onCommand(p));
        link.subscribe(topics.estop(), 1, (t, p) -> onEstop(p));
        worker = new Thread(this::work, "sim-robot-" + topics.id());
        worker.setDaemon(true);
        worker.start();
    }

    private void onCommand(byte[] payload) {
        RobotMessages.Command c;
        try {
            c = RobotMessages.readCommand(payload);
        } catch (RobotMessages.Malformed e) {
            // answered at once (a malformed command never queues behind a motion), with its id when it had one
            long n = ++malformed; // the client's callback thread only
            if (n <= 5 || n % 100 == 0) {
                log.warn("robot {}: command refused ({} malformed so far): {}", topics.id(), n, e.getMessage());
            }
            RobotMessages.Ack ack = new RobotMessages.Ack(e.id(), "refused", e.getMessage(), null, null);
            if (e.id() != null) {
                acks.putIfAbsent(e.id(), ack);
            }
            REFUSALS.execute(() -> send(topics.ack(), RobotMessages.write(ack), 1));
            return;
        }
        received.add(c.id());
        if ("stop".equals(c.op()) && !acks.containsKey(c.id())) {
            stops++; // the callback thread only
            halt(); // before the queue: a stop cuts the running motion short
            // and the motions queued before it never start: a stop means stop, not "after what you were told"
            for (RobotMessages.Command waiting : queue) {
                if (!"stop".equals(waiting.op())) {
                    cancelled.add(waiting.id());
                }
            }
        }
        queue.add(c);
    }

    private void onEstop(byte[] payload) {
        String reason;
        try {
            RobotMessages.Estop e = RobotMessages.readEstop(payload);
            if (e.isReset()) {
                estopped = false;
                log.info("robot {}: e-stop reset", topics.id());
                return;
            }
            reason = e.reason();
        } catch (RobotMessages.Malformed ex) {
            // an e-stop channel fails safe: what cannot be read as a reset halts the robot
            reason = "payload not understood (" + ex.getMessage() + "), taken as an e-stop";
        }
        estopped = true;
        halt();
        log.warn("robot {}: E-STOP ({})", topics.id(), reason);
    }

    private void halt() {
        if (moving) {
            haltX = world.x();
            haltY = world.y();
            haltReceivedNanos = System.nanoTime();
        }
        halt = true;
    }

    private void work() {
        long lastIdle = System.nanoTime();
        while (running) {
            try {
                long stopsBefore = stops; // read before the poll, so that no stop can slip between taking and starting
                RobotMessages.Command c = queue.poll(200, TimeUnit.MILLISECONDS);
                if (c != null) {
                    handle(c, stopsBefore);
                } else if (System.nanoTime() - lastIdle > 150_000_000L) {
                    if (realtime) {
                        world.advance(0.2);
                    }
                    publishView();
                    lastIdle = System.nanoTime();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("robot {}: {}", topics.id(), e.toString());
            }
        }
    }

    /** The last camera frame published, as sent. */
    private volatile byte[] lastView;

    private void handle(RobotMessages.Command asked, long stopsBefore) throws InterruptedException {
        RobotMessages.Ack before = acks.get(asked.id());
        if (before != null) {
            // a resend (after a reconnect, or an ack lost on the way): answer again, never move again; the frame sent
            // with the first ack may have been lost with the broker (retained messages do not survive a restart)
            byte[] view = lastView;
            if (view != null) {
                send(topics.camera(), view, 0, true);
            }
            send(topics.ack(), RobotMessages.write(new RobotMessages.Ack(before.id(), before.status(), before.detail(), before.frameSeq(), true)), 1);
            return;
        }
        if (asked.id() != null && cancelled.remove(asked.id())) {
            // answered without moving or rendering: a long queue behind a stop empties at once
            RobotMessages.Ack ack = new RobotMessages.Ack(asked.id(), "stopped", "cancelled by a later stop before it started", seq, null);
            acks.put(asked.id(), ack);
            send(topics.ack(), RobotMessages.write(ack), 1);
            return;
        }
        String status = "done";
        String detail = null;
        RobotMessages.Command c;
        try {
            c = limits.enforce(asked, new double[]{world.x(), world.y(), Math.toDegrees(world.heading())});
        } catch (RobotLimits.LimitExceeded e) {
            c = null;
            status = "refused";
            detail = e.getMessage();
        }
        if (c != null) {
            switch (c.op()) {
                case "stop" -> {
                    halt = false;
                    detail = "stopped";
                }
                default -> {
                    if (estopped) {
                        status = "refused";
                        detail = "e-stopped: publish {\"reset\":true} on " + topics.estop() + " to move again";
                        break;
                    }
                    halt = stops != stopsBefore; // a stop that came after this was taken off the queue stops it
                    moving = true;
                    TableWorld.SliceClock clock = realtime ? this::sleepUnlessHalted : TableWorld.SliceClock.SIMULATED;
                    try {
                        if (halt) {
                            // not started: the stop arrived first
                        } else if (c.op().equals("move")) {
                            world.move(c.signedDistance(), c.speedMps(), () -> halt || estopped, clock);
                        } else {
                            world.turn(Math.toRadians(c.signedAngle()), Math.toRadians(c.speedDps()), () -> halt || estopped, clock);
                        }
                    } finally {
                        moving = false;
                    }
                    if (halt || estopped) {
                        status = "stopped";
                        detail = estopped ? "e-stop" : "stop";
                        if (haltReceivedNanos > 0) {
                            movedAfterHalt = Math.hypot(world.x() - haltX, world.y() - haltY);
                        }
                    } else {
                        detail = slowed(asked, c);
                    }
                }
            }
        }
        if (!"refused".equals(status)) {
            executed.add(asked.id());
        }
        long frame = publishView();
        RobotMessages.Ack ack = new RobotMessages.Ack(asked.id(), status, detail, frame, null);
        acks.put(asked.id(), ack);
        send(topics.ack(), RobotMessages.write(ack), 1);
    }

    /** "slowed to ..." when the limits slowed the command down, else null. */
    private static String slowed(RobotMessages.Command asked, RobotMessages.Command done) {
        if (asked.speedMps() != null && done.speedMps() != null && done.speedMps() < asked.speedMps()) {
            return String.format(Locale.ROOT, "slowed to %.3f m/s", done.speedMps());
        }
        if (asked.speedDps() != null && done.speedDps() != null && done.speedDps() < asked.speedDps()) {
            return String.format(Locale.ROOT, "slowed to %.1f deg/s", done.speedDps());
        }
        return null;
    }

    /** A motion slice on the wall clock, in short naps, so that a stop or an e-stop cuts it short at once. */
    private void sleepUnlessHalted(double seconds) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (!(halt || estopped)) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(HALT_CHECK_MS, Math.max(1, left / 1_000_000)));
        }
    }

    /** Publishes a camera frame (retained, so a new subscriber sees one at once) and the state with its seq; returns the seq. */
    private long publishView() {
        long s = ++seq;
        Frame f = renderer.render(world);
        byte[] view = CameraJpeg.encode(f, s, world.timeNanos(), JPEG_QUALITY);
        lastView = view;
        send(topics.camera(), view, 0, true);
        send(topics.state(), RobotMessages.write(state()), 0, true);
        return s;
    }

    /** The robot's state now, numbered with the last frame published (the state goes out with each frame). */
    public RobotMessages.State state() {
        return new RobotMessages.State(topics.id(), world.x(), world.y(), Math.toDegrees(world.heading()), moving, estopped,
                executed.size(), world.timeNanos(), seq);
    }

    private void send(String topic, byte[] payload, int qos) {
        send(topic, payload, qos, false);
    }

    private void send(String topic, byte[] payload, int qos, boolean retained) {
        // keep trying while the broker is away (a restart takes a second or two), but never for long
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                link.publish(topic, payload, qos, retained);
                return;
            } catch (IOException e) {
                // the broker is away: the agent resends the command and gets this ack then
                log.debug("robot {}: {} not published: {}", topics.id(), topic, e.getMessage());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public TableWorld world() {
        return world;
    }

    public RobotTopics topics() {
        return topics;
    }

    /** Ids executed, in order: each at most once, however often it was sent. */
    public List<String> executed() {
        synchronized (executed) {
            return List.copyOf(executed);
        }
    }

    /** Every command id as it arrived, resends included. */
    public List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public boolean moving() {
        return moving;
    }

    public boolean estopped() {
        return estopped;
    }

    /** How far the robot went after a stop or e-stop arrived in the middle of a motion, metres (0 if none did). */
    public double movedInHaltedMotion() {
        return movedAfterHalt;
    }

    @Override
    public void close() {
        running = false;
        halt = true;
        worker.interrupt();
        try {
            worker.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
