package dev.embody.actuation;

import dev.embody.skill.Keys;
import dev.embody.loop.Actuator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The safety half every keyboard actuator shares: it remembers what it holds, so {@link #releaseAll()} can let go of
 * everything on any exit path, and it refuses key chords on the deny-list (Alt+F4, Ctrl+Alt+Delete...).
 */
public abstract class KeyTrackingActuator implements Actuator {

    private static final Logger log = LoggerFactory.getLogger(KeyTrackingActuator.class);
    /** The skill primitives a keyboard alone carries out (the embedded game's); a desktop adds the mouse and typing. */
    public static final Set<String> PRIMITIVES = Set.of("press", "hold", "wait", "release_all");
    public static final List<Set<String>> DEFAULT_DENIED = dev.embody.skill.TargetPrimitives.DEFAULT_DENIED;

    private final Set<String> held = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<Set<String>> denied;

    protected KeyTrackingActuator(List<Set<String>> denied) {
        this.denied = List.copyOf(denied);
    }

    protected KeyTrackingActuator() {
        this(DEFAULT_DENIED);
    }

    protected abstract void press(int keyCode);

    protected abstract void release(int keyCode);

    @Override
    public void keyDown(String key) {
        String k = Keys.canonical(key);
        int code = Keys.code(k);
        Set<String> chord = new LinkedHashSet<>(held());
        chord.add(k);
        for (Set<String> d : denied) {
            if (chord.containsAll(d)) {
                log.warn("refused key {} : {} is on the deny-list", k, String.join("+", d));
                return;
            }
        }
        press(code);
        held.add(k);
    }

    /**
     * The whole chord (with what is held already) is checked before its first key goes down: refusing at the last key
     * would have sent ALT and SHIFT to the program already.
     *
     * @throws IllegalStateException the chord is on the deny-list; nothing was pressed
     */
    @Override
    public void press(List<String> keys) {
        Set<String> chord = new LinkedHashSet<>(held());
        keys.forEach(k -> chord.add(Keys.canonical(k)));
        for (Set<String> d : denied) {
            if (chord.containsAll(d)) {
                throw new IllegalStateException("refused " + String.join("+", keys) + (held().isEmpty() ? "" : " (holding " + String.join("+", held()) + ")")
                        + ": " + dev.embody.skill.TargetPrimitives.chordName(d) + " is on the deny-list; no key of it was pressed");
            }
        }
        keys.forEach(Keys::code); // an unknown key is an error before anything goes down, too
        Actuator.super.press(keys);
    }

    @Override
    public void keyUp(String key) {
        String k = Keys.canonical(key);
        if (held.remove(k)) {
            release(Keys.code(k));
        }
    }

    @Override
    public Set<String> held() {
        synchronized (held) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(held));
        }
    }

    @Override
    public void releaseAll() {
        // last pressed, first released: modifiers held around a key go up after it
        List<String> keys = new java.util.ArrayList<>(held());
        Collections.reverse(keys);
        for (String k : keys) {
            try {
                keyUp(k);
            } catch (RuntimeException e) {
                log.error("could not release {}: {}", k, e.toString());
            }
        }
    }
}
