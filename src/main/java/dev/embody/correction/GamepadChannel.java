package dev.embody.correction;

import dev.embody.loop.Intervention;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.skill.SkillCall;
import net.java.games.input.Component;
import net.java.games.input.Controller;
import net.java.games.input.ControllerEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gamepad intervention through JInput: while the operator deflects the stick, its direction overrides the agent at
 * every step (each such step stored as a correction with what the agent saw); button 1 (B / circle) is the e-stop,
 * button 0 (A / cross) toggles pause. What each stick direction commands is the profile's ({@link StickMapping}):
 * {@code move(direction=left, amount=small)} in the grid game, a small turn on a robot; a direction the target has no
 * command for does nothing (and says so once).
 */
public final class GamepadChannel implements StepListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GamepadChannel.class);
    /** Deflection below this (of 1.0) is the stick at rest. */
    public static final float DEAD_ZONE = 0.5f;
    public static final Component.Identifier ESTOP = Component.Identifier.Button._1;
    public static final Component.Identifier PAUSE = Component.Identifier.Button._0;

    private final Controller controller;
    private final OperatorInbox inbox;
    private final StickMapping mapping;
    private final java.util.Set<String> saidUnmapped = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String direction;
    private boolean estopWasDown;
    private boolean pauseWasDown;
    private boolean paused;
    private Thread poller;
    private volatile boolean running;
    private final java.util.function.Consumer<dev.embody.loop.PersonInput.Event> person;

    public GamepadChannel(Controller controller, OperatorInbox inbox, StickMapping mapping) {
        this(controller, inbox, mapping, null);
    }

    private GamepadChannel(Controller controller, OperatorInbox inbox, StickMapping mapping,
                           java.util.function.Consumer<dev.embody.loop.PersonInput.Event> person) {
        this.controller = controller;
        this.inbox = inbox;
        this.mapping = mapping;
        this.person = person;
    }

    /**
     * The gamepad as a person's input for a demonstration: the stick's moves and the buttons go to {@code person} as
     * raw events (the step's command is what they map to, read by the person's policy), and override nothing; the
     * e-stop and pause buttons still stop and pause the session through {@code inbox}.
     */
    public static GamepadChannel demonstrating(Controller controller, OperatorInbox inbox,
                                               java.util.function.Consumer<dev.embody.loop.PersonInput.Event> person) {
        return new GamepadChannel(controller, inbox, StickMapping.none(), java.util.Objects.requireNonNull(person));
    }

    /** The first stick or gamepad JInput finds, or empty (said in the log) when there is none. */
    public static Optional<Controller> findController() {
        Controller[] all;
        try {
            all = ControllerEnvironment.getDefaultEnvironment().getControllers();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            log.warn("gamepad: JInput could not list controllers: {}", e.toString());
            return Optional.empty();
        }
        for (Controller c : all) {
            if (c.getType() == Controller.Type.GAMEPAD || c.getType() == Controller.Type.STICK) {
                log.info("gamepad: using {} ({})", c.getName(), c.getType());
                return Optional.of(c);
            }
        }
        log.warn("gamepad: no controller found ({} input devices, none a gamepad or stick); going on without one", all.length);
        return Optional.empty();
    }

    /** Polls the controller on its own thread at 50 Hz. */
    public GamepadChannel start() {
        running = true;
        poller = new Thread(() -> {
            while (running) {
                try {
                    if (!poll()) {
                        log.warn("gamepad: {} is gone; going on without it", controller.getName());
                        return;
                    }
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gamepad");
        poller.setDaemon(true);
        poller.start();
        return this;
    }

    /** Reads the controller once and submits what changed; false when the controller no longer answers. */
    public synchronized boolean poll() {
        if (!controller.poll()) {
            return false;
        }
        boolean estop = pressed(ESTOP);
        if (person != null && estop != estopWasDown) {
            person.accept(dev.embody.loop.PersonInput.Event.padButton("1", estop));
        }
        if (estop && !estopWasDown) {
            inbox.submit(Intervention.of(Intervention.Kind.STOP, null, "gamepad e-stop button", "gamepad"));
        }
        estopWasDown = estop;
        boolean pause = pressed(PAUSE);
        if (person != null && pause != pauseWasDown) {
            person.accept(dev.embody.loop.PersonInput.Event.padButton("0", pause));
        }
        if (pause && !pauseWasDown) {
            paused = !paused;
            inbox.submit(Intervention.of(paused ? Intervention.Kind.PAUSE : Intervention.Kind.RESUME, null,
                    "gamepad " + (paused ? "pause" : "resume") + " button", "gamepad"));
        }
        pauseWasDown = pause;
        float x = value(Component.Identifier.Axis.X), y = value(Component.Identifier.Axis.Y);
        String now = direction(x, y);
        String before = direction;
        direction = now;
        if (person != null) {
            if (!java.util.Objects.equals(now, before)) {
                person.accept(dev.embody.loop.PersonInput.Event.stick(now, x, y));
            }
        } else if (now != null && !now.equals(before)) {
            submit(now); // a new deflection takes over at once, cutting the running hold short
        }
        return true;
    }

    /** While the stick stays deflected, every next step is the operator's too. */
    @Override
    public void onStep(Step step, Observation observation) {
        if (person != null) {
            return; // a demonstration: the person's policy reads the stick, nothing overrides
        }
        String d = direction;
        if (d != null) {
            submit(d);
        }
    }

    private void submit(String d) {
        java.util.Optional<SkillCall> c = mapping.command(d);
        if (c.isEmpty()) {
            if (saidUnmapped.add(d)) {
                log.warn("gamepad: stick {} commands nothing on this target (its profile maps {})", d, mapping.directions().keySet());
            }
            return;
        }
        inbox.submit(Intervention.command(c.get(), "gamepad stick " + d, "gamepad"));
    }

    /** The dominant axis beyond the dead zone: left/right on X, up/down on Y (JInput: -1 is left and up); null at rest. */
    public static String direction(float x, float y) {
        if (Math.max(Math.abs(x), Math.abs(y)) < DEAD_ZONE) {
            return null;
        }
        if (Math.abs(x) >= Math.abs(y)) {
            return x < 0 ? "left" : "right";
        }
        return y < 0 ? "up" : "down";
    }

    /** The stick's direction now, or null at rest. */
    public String direction() {
        return direction;
    }

    private float value(Component.Identifier id) {
        Component c = controller.getComponent(id);
        return c == null ? 0 : c.getPollData();
    }

    private boolean pressed(Component.Identifier id) {
        Component c = controller.getComponent(id);
        return c != null && c.getPollData() > 0.5f;
    }

    /** What the controller offers, for the log. */
    public static List<String> describe(Controller c) {
        List<String> out = new ArrayList<>();
        for (Component k : c.getComponents()) {
            out.add(k.getIdentifier().getName());
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        if (poller != null) {
            poller.interrupt();
        }
    }
}
