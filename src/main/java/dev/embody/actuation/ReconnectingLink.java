package dev.embody.actuation;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What both protocols' links share: the subscriptions, and a connection kept up by connecting a fresh client whenever
 * the last one lost the broker. Paho's own automatic reconnect (1.2.5, the last release) goes on with the old client's
 * state, and that state can be poison after a broker restart: a publish that raced the lost connection stays queued,
 * so the next connect's sender thread quits at once and the connect waits forever ("Connect already in progress");
 * an unacknowledged QoS 1 message sent under an MQTT 5 topic alias is resent with an alias the new connection never
 * had, and the broker drops the connection again (reason 130), over and over. A fresh client carries neither. What
 * it leaves behind is the old client's unacknowledged QoS 1 messages, which the robot protocol resends by id anyway
 * (and which MQTT 5 says to discard when the broker kept no session). Clean start stays off, so a broker that kept
 * the session still delivers what it queued meanwhile.
 */
abstract class ReconnectingLink implements MqttLink {

    /** How long any one operation (connect, subscribe, a QoS 1 publish) may wait for the broker: never for ever. */
    static final long OPERATION_TIMEOUT_MS = 5000;
    private static final long FIRST_RETRY_MS = 250;
    private static final long LAST_RETRY_MS = 1000;

    /** One connection to the broker through one protocol's client; every connect makes a new one. */
    interface Connection {
        boolean connected();

        void publish(String topic, byte[] payload, int qos, boolean retained) throws Exception;

        void subscribe(String filter, int qos) throws Exception;

        /** Says goodbye to the broker, within a bounded time; never throws. */
        void disconnect();

        /** Drops the client without a word to the broker; never throws. */
        void abandon();
    }

    protected final MqttOptions options;
    protected final Subscriptions subscriptions = new Subscriptions();
    private final Object swap = new Object();
    private volatile Connection current;
    private volatile boolean closed;
    private ScheduledExecutorService keeper;
    private long retryMillis = FIRST_RETRY_MS;
    private long nextAttemptNanos;
    private long downSinceNanos = -1;

    protected ReconnectingLink(MqttOptions options) {
        this.options = options;
    }

    /** A new client of this protocol, connected; throws when the broker cannot be reached or refuses. */
    protected abstract Connection connect() throws IOException;

    /** Connects the first time and starts keeping the connection up; the subclass's factory calls it. */
    protected final void start() throws IOException {
        current = connect();
        keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-reconnect-" + options.clientId());
            t.setDaemon(true);
            return t;
        });
        keeper.scheduleWithFixedDelay(this::keepConnected, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** A client says it lost the broker (the keeper notices by itself too; this is for the log). */
    protected final void lost(Connection c, String why) {
        if (c == current && !closed) {
            LOG.warn("MQTT {} link {} lost the broker: {}; reconnecting", protocol(), options.clientId(), why);
        }
    }

    private void keepConnected() {
        Connection old = current;
        if (closed || old.connected()) {
            retryMillis = FIRST_RETRY_MS;
            downSinceNanos = -1;
            return;
        }
        long now = System.nanoTime();
        if (downSinceNanos < 0) {
            downSinceNanos = now;
        }
        if (now < nextAttemptNanos) {
            return;
        }
        old.abandon(); // before the new one: the broker must never see the old client take the session back
        try {
            Connection fresh = connect();
            synchronized (swap) {
                try {
                    subscriptions.subscribeAll(fresh::subscribe);
                } catch (Exception e) {
                    fresh.abandon();
                    throw new IOException("could not subscribe again: " + e.getMessage(), e);
                }
                current = fresh;
            }
            if (closed) {
                fresh.disconnect();
                return;
            }
            LOG.info("MQTT {} link {} reconnected to {} after {} ms ({} subscription(s) again)", protocol(), options.clientId(),
                    options.broker(), (now - downSinceNanos) / 1_000_000, subscriptions.size());
            retryMillis = FIRST_RETRY_MS;
            downSinceNanos = -1;
        } catch (IOException | RuntimeException e) {
            LOG.debug("MQTT link {}: reconnect failed ({}); next try in {} ms", options.clientId(), e.getMessage(), retryMillis);
            nextAttemptNanos = now + retryMillis * 1_000_000;
            retryMillis = Math.min(LAST_RETRY_MS, retryMillis * 2);
        }
    }

    @Override
    public final void publish(String topic, byte[] payload, int qos, boolean retained) throws IOException {
        try {
            current.publish(topic, payload, qos, retained);
        } catch (Exception e) {
            throw new IOException("publish to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public final void subscribe(String filter, int qos, java.util.function.BiConsumer<String, byte[]> handler) throws IOException {
        synchronized (swap) {
            subscriptions.add(filter, qos, handler);
            Connection c = current;
            try {
                c.subscribe(filter, qos);
            } catch (Exception e) {
                if (c.connected()) {
                    throw new IOException("subscribe to " + filter + " failed: " + e.getMessage(), e);
                }
                LOG.debug("MQTT link {} is down: {} is subscribed when it is back", options.clientId(), filter);
            }
        }
    }

    @Override
    public final boolean connected() {
        return current.connected();
    }

    @Override
    public final void close() {
        closed = true;
        if (keeper != null) {
            keeper.shutdownNow();
            try {
                keeper.awaitTermination(OPERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (current != null) {
            current.disconnect();
        }
    }
}
