package dev.embody.actuation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A second chance for a link's automatic reconnect: Paho's own can stall after a broker restart (seen with a robot
 * whose callback thread was busy re-publishing when the broker went away: it never came back), so once the link has
 * been down for a while this asks the client to reconnect, and keeps asking.
 */
final class Reconnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Reconnector.class);

    /** Something that can try to connect again; it may throw while the broker is still away. */
    interface Attempt {
        void run() throws Exception;
    }

    private final ScheduledExecutorService timer;
    private long downSince = -1;

    Reconnector(String clientId, BooleanSupplier connected, Attempt reconnect, long graceMillis) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-reconnect-" + clientId);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            if (connected.getAsBoolean()) {
                downSince = -1;
                return;
            }
            long now = System.currentTimeMillis();
            if (downSince < 0) {
                downSince = now;
            } else if (now - downSince >= graceMillis) {
                try {
                    LOG.info("MQTT link {} still down after {} ms; reconnecting", clientId, now - downSince);
                    reconnect.run();
                } catch (Exception e) {
                    LOG.debug("reconnect of {}: {}", clientId, e.getMessage());
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
