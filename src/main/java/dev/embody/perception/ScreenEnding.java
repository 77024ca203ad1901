package dev.embody.perception;

import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;

import java.util.Map;

/**
 * How a program on the desktop says an episode is over, read from its screen only: a game's crash, a time survived, a
 * banner. A profile picks one for its program (its calibration declares it); the desktop target asks it about
 * every frame it captures, before the agent sees the frame, and the agent's modules never read it.
 */
public interface ScreenEnding extends AutoCloseable {

    /**
     * Whether the screen shows the program ready for an episode to begin (a game running, no end banner left over). The
     * target waits for this, pressing the calibration's start keys, before the episode's first step.
     */
    boolean ready(Observation frame);

    /** What the ready screen's region read last, for the message when it never becomes ready; empty where nothing is read. */
    default String readyReading() {
        return "";
    }

    /** Reads one frame of the episode; {@link Outcome#RUNNING} until the screen shows its end, then the verdict, kept. */
    Outcome judge(Observation frame);

    /** Why the episode ended, in words ("the player crashed after 5.8 s"); empty while it runs. */
    String reason();

    /** Figures read from the screen for the episode's line and summary (seconds survived, a number read). */
    Map<String, Object> score();

    /** The program embody launched for the episode ended: the verdict, when its ending says what that means. */
    default Outcome programEnded() {
        return Outcome.RUNNING;
    }

    /** Gets ready to read the screen (loads what reading it needs) before the program is started for the episode. */
    default void prepare() throws InterruptedException {
    }

    @Override
    default void close() {
    }
}
