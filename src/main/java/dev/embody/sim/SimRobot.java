package dev.embody.sim;

import dev.embody.actuation.MqttLink;
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
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The simulated tabletop robot as a node that speaks only MQTT: it takes commands on {@code cmd}, executes each id
 * once (a resend gets the first ack again, marked duplicate), halts at once on {@code stop} or {@code estop}, and
 * after every command publishes a camera frame (JPEG from the overhead {@link SimCamera}), its state and the ack.
 *
 * <p>In simulated time a command's motion is computed at once and the robot's clock advances by its duration; in
 * real time it moves on the wall clock in 20 ms ticks and publishes frames at 5 Hz while idle.
 */
public final class SimRobot implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimRobot.class);
    private static final int JPEG_QUALITY = 90;

    private final TableWorld world;
    private final MqttLink link;
    private final RobotTopics topics;
    private final boolean realtime;
    private final TableRenderer renderer;
    private final BlockingQueue<RobotMessages.Command> queue = new LinkedBlockingQueue<>();
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
    private volatile boolean estopped;
    private volatile boolean moving;
    private volatile long seq;
    private volatile long haltReceivedNanos;
    private volatile double haltX, haltY;
    private volatile double movedAfterHalt;

    public SimRobot(TableWorld world, MqttLink link, RobotTopics topics, boolean realtime) throws IOException {
        this.world = world;
        this.link = link;
        this.topics = topics;
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
        try {
            RobotMessages.Command c = RobotMessages.read(payload, RobotMessages.Command.class);
            if (c.id() == null || c.op() == null) {
                log.warn("robot {}: a command needs an id and an op, got {}", topics.id(), new String(payload));
                return;
            }
            received.add(c.id());
            if ("stop".equals(c.op()) && !acks.containsKey(c.id())) {
                halt(); // before the queue: a stop cuts the running motion short
            }
            queue.add(c);
        } catch (IOException e) {
            log.warn("robot {}: unreadable command: {}", topics.id(), e.getMessage());
        }
    }

    private void onEstop(byte[] payload) {
        RobotMessages.Estop e;
        try {
            e = RobotMessages.read(payload, RobotMessages.Estop.class);
        } catch (IOException ex) {
            e = new RobotMessages.Estop("unreadable e-stop", false);
        }
        if (e.isReset()) {
            estopped = false;
            log.info("robot {}: e-stop reset", topics.id());
        } else {
            estopped = true;
            halt();
            log.warn("robot {}: E-STOP ({})", topics.id(), e.reason());
        }
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
                RobotMessages.Command c = queue.poll(200, TimeUnit.MILLISECONDS);
                if (c != null) {
                    handle(c);
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

    private void handle(RobotMessages.Command c) throws InterruptedException {
        RobotMessages.Ack before = acks.get(c.id());
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
        String status = "done";
        String detail = null;
        switch (c.op()) {
            case "stop" -> {
                halt = false;
                detail = "stopped";
            }
            case "move", "turn" -> {
                if (estopped) {
                    status = "refused";
                    detail = "e-stopped: publish {\"reset\":true} on " + topics.estop() + " to move again";
                    break;
                }
                halt = false;
                moving = true;
                TableWorld.SliceClock clock = realtime ? seconds -> Thread.sleep(Math.max(1, Math.round(seconds * 1000))) : TableWorld.SliceClock.SIMULATED;
                try {
                    if (c.op().equals("move")) {
                        double speed = c.speedMps() == null ? 0.1 : c.speedMps();
                        world.move(c.signedDistance(), speed, () -> halt || estopped, clock);
                    } else {
                        double speed = Math.toRadians(c.speedDps() == null ? 90 : c.speedDps());
                        world.turn(Math.toRadians(c.signedAngle()), speed, () -> halt || estopped, clock);
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
                }
            }
            default -> {
                status = "refused";
                detail = "unknown op '" + c.op() + "'";
            }
        }
        if (!"refused".equals(status)) {
            executed.add(c.id());
        }
        long frame = publishView();
        RobotMessages.Ack ack = new RobotMessages.Ack(c.id(), status, detail, frame, null);
        acks.put(c.id(), ack);
        send(topics.ack(), RobotMessages.write(ack), 1);
    }

    /** Publishes a camera frame (retained, so a new subscriber sees one at once) and the state; returns the frame's seq. */
    private long publishView() {
        long s = ++seq;
        Frame f = renderer.render(world);
        byte[] view = CameraJpeg.encode(f, s, world.timeNanos(), JPEG_QUALITY);
        lastView = view;
        send(topics.camera(), view, 0, true);
        send(topics.state(), RobotMessages.write(state()), 0, true);
        return s;
    }

    public RobotMessages.State state() {
        return new RobotMessages.State(topics.id(), world.x(), world.y(), Math.toDegrees(world.heading()), moving, estopped,
                executed.size(), world.timeNanos());
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
