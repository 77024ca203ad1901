package dev.embody.loop;

import java.io.IOException;

/** Where observations come from: a screen, a camera, an MQTT frame topic, a recording, the simulated game. */
public interface FrameSource extends AutoCloseable {

    /** The next observation; blocks until one is there. Throws {@link java.io.EOFException} when a finite source ends. */
    Observation next() throws IOException;

    @Override
    default void close() {
    }
}
