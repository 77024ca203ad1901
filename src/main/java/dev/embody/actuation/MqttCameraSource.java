package dev.embody.actuation;

import dev.embody.loop.FrameSource;
import dev.embody.perception.CameraJpeg;
import dev.embody.loop.Observation;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Camera frames from an MQTT topic (JPEG payloads; see {@link CameraJpeg}). {@link #next()} returns the newest frame
 * not returned yet, and never one older than {@code notBefore} (the frame the robot took after the last acknowledged
 * command), so the agent always sees the result of what it just did. No frame in time is an error, not a hang. A
 * payload that is no image (anyone can publish on the topic) is dropped with a warning, and the wait goes on.
 */
public final class MqttCameraSource implements FrameSource {

    private final String topic;
    private final Duration timeout;
    private final LongSupplier notBefore;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MqttCameraSource.class);

    private final Object lock = new Object();
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
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
            if (!CameraJpeg.looksLikeImage(p)) {
                notAnImage(p.length, "not a JPEG or PNG");
                return; // the last real frame stays the latest
            }
            long seq;
            try {
                seq = CameraJpeg.headerSeq(p);
            } catch (RuntimeException e) {
                notAnImage(p.length, "a bad frame header");
                return;
            }
            synchronized (lock) {
                latest = p;
                latestSeq = seq;
                arrivals++;
                lock.notifyAll();
            }
        });
    }

    private void notAnImage(int bytes, String why) {
        long n = dropped.incrementAndGet();
        if (n <= 5 || n % 100 == 0) {
            log.warn("camera {}: a payload of {} bytes is {}: dropped ({} so far)", topic, bytes, why, n);
        }
    }

    /** Payloads on the topic that were no image and were dropped. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public Observation next() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            byte[] jpeg = take(deadline);
            try {
                CameraJpeg.Decoded d = CameraJpeg.decode(jpeg);
                return new Observation(index++, d.timeNanos() >= 0 ? d.timeNanos() : System.nanoTime(), d.frame());
            } catch (RuntimeException e) {
                notAnImage(jpeg.length, "not a decodable image (" + e.getMessage() + ")"); // wait for the next one
            }
        }
    }

    private byte[] take(long deadline) throws IOException {
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
            if (latestSeq >= 0) {
                returnedSeq = latestSeq; // a headerless payload (a plain camera, or garbage) leaves the count where it was
            }
            returnedArrival = arrivals;
        }
        return jpeg;
    }
}
