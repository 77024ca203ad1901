package dev.embody.perception;

import dev.embody.actuation.MqttLink;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Camera frames from an MQTT topic (JPEG payloads; see {@link CameraJpeg}). {@link #next()} returns the newest frame
 * not returned yet, and never one older than {@code notBefore} (the frame the robot took after the last acknowledged
 * command), so the agent always sees the result of what it just did. No frame in time is an error, not a hang.
 */
public final class MqttCameraSource implements FrameSource {

    private final String topic;
    private final Duration timeout;
    private final LongSupplier notBefore;
    private final Object lock = new Object();
    private byte[] latest;
    private long latestSeq = -1;
    private long arrivals;
    private long returnedSeq = -1;
    private long returnedArrival;
    private long index;

    public MqttCameraSource(MqttLink link, String topic, Duration timeout, LongSupplier notBefore) throws IOException {
        this.topic = topic;
        this.timeout = timeout;
        this.notBefore = notBefore == null ? () -> -1 : notBefore;
        link.subscribe(topic, 0, (t, p) -> {
            long seq = CameraJpeg.headerSeq(p);
            synchronized (lock) {
                latest = p;
                latestSeq = seq;
                arrivals++;
                lock.notifyAll();
            }
        });
    }

    @Override
    public Observation next() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] jpeg;
        synchronized (lock) {
            while (true) {
                long want = notBefore.getAsLong();
                // frames without our header (a plain camera) have seq -1: take any new arrival
                boolean fresh = latest != null && (latestSeq < 0 ? arrivals > returnedArrival : latestSeq > returnedSeq && latestSeq >= want);
                if (fresh) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no new camera frame on " + topic + " within " + timeout.toMillis() + " ms"
                            + (latest == null ? " (none at all: is the robot publishing?)" : " (last seq " + latestSeq + ", waiting for " + Math.max(want, returnedSeq + 1) + ")"));
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted waiting for a camera frame");
                }
            }
            jpeg = latest;
            returnedSeq = latestSeq;
            returnedArrival = arrivals;
        }
        CameraJpeg.Decoded d = CameraJpeg.decode(jpeg);
        return new Observation(index++, d.timeNanos() >= 0 ? d.timeNanos() : System.nanoTime(), d.frame());
    }
}
