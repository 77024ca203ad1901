package dev.embody.loop;

import java.time.Duration;
import java.util.Set;

/**
 * What the agent acts through: keys and mouse of a desktop or game, or commands to a robot. Key names are the
 * java.awt.event.KeyEvent names without "VK_" (LEFT, A, ENTER, CONTROL, F4).
 *
 * <p>Every implementation tracks what it holds, and {@link #releaseAll()} lets go of all of it: the loop calls it on
 * every exit path.
 */
public interface Actuator extends AutoCloseable {

    void keyDown(String key);

    void keyUp(String key);

    /** Presses keys together and lets go in reverse order (a chord such as CONTROL+S). */
    default void press(java.util.List<String> keys) {
        for (String k : keys) {
            keyDown(k);
        }
        for (int i = keys.size() - 1; i >= 0; i--) {
            keyUp(keys.get(i));
        }
    }

    /** Lets time pass while whatever is held stays held: wall-clock on a real target, simulated time in the headless game. */
    void elapse(Duration duration) throws InterruptedException;

    /** Keys and buttons held right now. */
    Set<String> held();

    /** Lets go of every key and button, and tells a robot to stop. Never throws. */
    void releaseAll();

    default void type(String text) {
        throw unsupported("type");
    }

    /** Moves the pointer to (x, y) in scene units, or by (x, y) when relative. */
    default void mouseMove(double x, double y, boolean relative) {
        throw unsupported("mouse_move");
    }

    default void mouseButton(String button, boolean down) {
        throw unsupported("click");
    }

    default void scroll(int notches) {
        throw unsupported("scroll");
    }

    default void publish(String topic, String payload) {
        throw unsupported("publish");
    }

    /** E-stop: release everything now; robots also get their stop command. */
    default void emergencyStop() {
        releaseAll();
    }

    @Override
    default void close() {
        releaseAll();
    }

    private UnsupportedOperationException unsupported(String primitive) {
        return new UnsupportedOperationException(getClass().getSimpleName() + " cannot '" + primitive + "'");
    }
}
