package dev.embody.fleet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches an announced checkpoint's chunks (retained on {@code chunks/<profile>/<version>/<i>}) and checks what came
 * against the announcement: every chunk, the size, the sha256. A mismatch is refused with what did not match.
 */
public final class CheckpointFetch {

    private CheckpointFetch() {
    }

    /** How long chunks may stop coming, once the broker has sent what it retains, before the fetch gives up on the rest. */
    static final Duration STALL = Duration.ofSeconds(3);

    /**
     * @param echo a topic only this fetcher uses: once its own message comes back on it, the broker has sent every chunk it
     *             retains, so a chunk it lacks is refused at once (after {@link #STALL} with nothing new), not waited for
     *             until {@code timeout}
     */
    public static CheckpointPackage fetch(FleetLink link, FleetTopics topics, Announcement a, Duration timeout, String echo)
            throws BadMessage, IOException, InterruptedException {
        byte[][] chunks = new byte[a.chunks()][];
        java.util.concurrent.atomic.AtomicLong lastNanos = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        CountDownLatch echoed = new CountDownLatch(1);
        AtomicInteger have = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        String prefix = topics.chunks(a.profile(), a.version());
        String filter = prefix + "+";
        AtomicInteger stray = new AtomicInteger();
        link.subscribe(filter, 1, d -> {
            int i;
            try {
                i = Integer.parseInt(FleetTopics.last(d.topic()));
            } catch (NumberFormatException e) {
                stray.incrementAndGet();
                return;
            }
            if (i < 0 || i >= chunks.length || d.payload().length == 0) {
                stray.incrementAndGet();
                return;
            }
            synchronized (chunks) {
                if (chunks[i] == null) {
                    chunks[i] = d.payload();
                    lastNanos.set(System.nanoTime());
                    if (have.incrementAndGet() == chunks.length) {
                        all.countDown();
                    }
                }
            }
        });
        try {
            link.subscribe(echo, 1, d -> {
                lastNanos.set(System.nanoTime());
                echoed.countDown();
            });
            link.publish(echo, new byte[]{1}, 1, false);
            long end = System.nanoTime() + timeout.toNanos();
            while (!all.await(100, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (now - end >= 0) {
                    throw new BadMessage("only " + have.get() + " of its " + a.chunks() + " chunk(s) came on " + filter + " within "
                            + timeout.toSeconds() + " s" + (stray.get() > 0 ? " (" + stray.get() + " message(s) there were not its chunks)" : ""));
                }
                if (echoed.getCount() == 0 && now - lastNanos.get() >= STALL.toNanos()) {
                    throw new BadMessage("the broker retains only " + have.get() + " of its " + a.chunks() + " chunk(s) on " + filter
                            + " (missing: " + missing(chunks) + "); nothing more came for " + STALL.toSeconds() + " s after it sent what it retains");
                }
            }
        } finally {
            link.unsubscribe(filter);
            link.unsubscribe(echo);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        synchronized (chunks) {
            for (byte[] c : chunks) {
                out.write(c);
            }
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length != a.size()) {
            throw new BadMessage("its chunks hold " + bytes.length + " bytes but the announcement says " + a.size());
        }
        String sha = CheckpointPackage.sha256(bytes);
        if (!sha.equals(a.sha256())) {
            throw new BadMessage("the sha256 of what came is " + sha + " but the announcement says " + a.sha256());
        }
        return new CheckpointPackage(bytes);
    }

    /** The missing chunks' numbers, the first ten. */
    private static String missing(byte[][] chunks) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        synchronized (chunks) {
            for (int i = 0; i < chunks.length; i++) {
                if (chunks[i] == null && n++ < 10) {
                    out.append(out.length() == 0 ? "" : ", ").append(i);
                }
            }
        }
        return n > 10 ? out + " and " + (n - 10) + " more" : out.toString();
    }
}
