package dev.embody.actuation;

import dev.embody.skill.Keys;
import dev.embody.loop.Actuator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An actuator that sends nothing: it keeps what would have been sent (key downs and ups, waits, mouse, MQTT), for
 * headless replay and dry runs. Time passes instantly. It still tracks held keys, so the safety checks that every
 * exit path releases them hold here too.
 */
public final class RecordingActuator implements Actuator {

    private final List<String> log = new ArrayList<>();
    private final Set<String> held = new LinkedHashSet<>();

    @Override
    public synchronized void keyDown(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        Keys.code(k); // an unknown key fails here as it would on a real keyboard
        held.add(k);
        log.add("down " + k);
    }

    @Override
    public synchronized void keyUp(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        if (held.remove(k)) {
            log.add("up " + k);
        }
    }

    @Override
    public synchronized void elapse(Duration duration) {
        log.add("elapse " + duration.toMillis() + "ms");
    }

    @Override
    public synchronized Set<String> held() {
        return Set.copyOf(held);
    }

    @Override
    public synchronized void releaseAll() {
        for (String k : List.copyOf(held)) {
            keyUp(k);
        }
    }

    @Override
    public synchronized void type(String text) {
        log.add("type " + text);
    }

    @Override
    public synchronized void mouseMove(double x, double y, boolean relative) {
        log.add(String.format(Locale.ROOT, "mouse_move %s (%.1f,%.1f)", relative ? "by" : "to", x, y));
    }

    @Override
    public synchronized void mouseButton(String button, boolean down) {
        log.add("mouse " + button + (down ? " down" : " up"));
    }

    @Override
    public synchronized void scroll(int notches) {
        log.add("scroll " + notches);
    }

    @Override
    public synchronized void publish(String topic, String payload) {
        log.add("publish " + topic + " " + payload);
    }

    /** Everything that would have been sent, oldest first. */
    public synchronized List<String> sent() {
        return Collections.unmodifiableList(new ArrayList<>(log));
    }

    /** Forgets what was recorded (held keys stay tracked). */
    public synchronized void clear() {
        log.clear();
    }
}
