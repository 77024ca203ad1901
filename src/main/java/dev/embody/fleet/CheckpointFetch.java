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

    public static CheckpointPackage fetch(FleetLink link, FleetTopics topics, Announcement a, Duration timeout) throws BadMessage, IOException, InterruptedException {
        byte[][] chunks = new byte[a.chunks()][];
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
                    if (have.incrementAndGet() == chunks.length) {
                        all.countDown();
                    }
                }
            }
        });
        try {
            if (!all.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BadMessage("only " + have.get() + " of its " + a.chunks() + " chunk(s) came on " + filter + " within "
                        + timeout.toSeconds() + " s" + (stray.get() > 0 ? " (" + stray.get() + " message(s) there were not its chunks)" : ""));
            }
        } finally {
            link.unsubscribe(filter);
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
}
