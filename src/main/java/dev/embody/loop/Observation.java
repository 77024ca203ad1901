package dev.embody.loop;

/**
 * What the agent sees at one step: a frame and when it was taken.
 *
 * @param index     the frame's number in its source, from 0
 * @param timeNanos when it was taken, on the target's clock (simulated time for a headless game)
 * @param frame     the pixels
 */
public record Observation(long index, long timeNanos, Frame frame) {

    /** The frame in brief, for comparing screens (computed on each call: keep it if you need it twice). */
    public ImageSignature look() {
        return ImageSignature.of(frame);
    }
}
