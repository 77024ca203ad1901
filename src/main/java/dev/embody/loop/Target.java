package dev.embody.loop;

import java.util.Map;

/**
 * What the agent controls in one episode: where it looks, what it acts through, and (for simulators) the scorer's
 * verdict. Real desktops and robots report {@link Outcome#RUNNING} until the loop's own limits end the episode.
 */
public interface Target extends AutoCloseable {

    /** The target's name as the CLI knows it: sim-game, desktop, sim-robot, robot. */
    String name();

    FrameSource frames();

    Actuator actuator();

    /** The scorer's verdict; the agent's modules never read it. */
    default Outcome outcome() {
        return Outcome.RUNNING;
    }

    /** Facts for the episode's meta.json (seed, difficulty, window, broker...). */
    default Map<String, Object> describe() {
        return Map.of();
    }

    /**
     * The target's own state as its last frame was taken (a robot's reported pose), named in order by the
     * {@code state_names} fact of {@link #describe()}; null where the target has none. Episodes record it per step.
     */
    default double[] state() {
        return null;
    }

    /** Figures the scorer keeps for the episode's line (coins taken, distance...). */
    default Map<String, Object> score() {
        return Map.of();
    }

    @Override
    default void close() {
        actuator().releaseAll();
    }
}
