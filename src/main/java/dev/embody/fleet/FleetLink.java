package dev.embody.fleet;

import dev.embody.actuation.MqttOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT 5 connection of a fleet member (Paho mqttv5), kept up as the robot links are (actuation.ReconnectingLink):
 * a fresh client on every reconnect, every subscription made again, and no operation waiting longer than 5 s. What the
 * fleet adds: a clean start (the fleet's guarantees come from ids, spools and receipts, not from broker sessions, so a
 * broker restarted without persistence loses nothing), a Last Will (the lease's), manual acknowledgement (a trainer
 * acknowledges an example only once it is on disk), unsubscribing, and listeners told after every reconnect (to send
 * the spool again, to publish retained state a restarted broker forgot).
 */
public final class FleetLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetLink.class);
    static final long OPERATION_TIMEOUT_MS = 5000;
    private static final long FIRST_RETRY_MS = 250;
    private static final long LAST_RETRY_MS = 1000;

    /** A message as it arrived; {@link #ack()} acknowledges it to the broker (with manual acks; otherwise a no-op). */
    public interface Delivery {
        String topic();

        byte[] payload();

        boolean retained();

        void ack();
    }

    public interface Handler {
        void on(Delivery d);
    }

    /** A retained message the broker publishes for this connection when it ends without saying goodbye. */
    public record Will(String topic, byte[] payload, boolean retained) {
    }

    private record Subscription(int qos, Handler handler) {
    }

    private final MqttOptions options;
    private final Will will;
    private final boolean manualAcks;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final List<Runnable> reconnected = new CopyOnWriteArrayList<>();
    private final Object publishing = new Object();
    private final Object swap = new Object();
    private final ExecutorService events;
    private volatile MqttClient current;
    private volatile boolean closed;
    private ScheduledExecutorService keeper;
    private long retryMillis = FIRST_RETRY_MS;
    private long nextAttemptNanos;
    private long downSinceNanos = -1;
    private volatile long reconnects;
    private volatile long connectedNanos = System.nanoTime();

    private FleetLink(MqttOptions options, Will will, boolean manualAcks) {
        this.options = options;
        this.will = will;
        this.manualAcks = manualAcks;
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fleet-link-" + options.clientId());
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects now (throws when the broker cannot be reached) and keeps the connection up from then on. */
    public static FleetLink open(MqttOptions options, Will will, boolean manualAcks) throws IOException {
        FleetLink l = new FleetLink(options, will, manualAcks);
        l.current = l.connect();
        l.keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-reconnect-" + options.clientId());
            t.setDaemon(true);
            return t;
        });
        l.keeper.scheduleWithFixedDelay(l::keepConnected, 100, 100, TimeUnit.MILLISECONDS);
        return l;
    }

    public static FleetLink open(MqttOptions options) throws IOException {
        return open(options, null, false);
    }

    public String clientId() {
        return options.clientId();
    }

    public String broker() {
        return options.broker();
    }

    public boolean connected() {
        MqttClient c = current;
        return c != null && c.isConnected();
    }

    /** How many times it connected again after losing the broker. */
    public long reconnects() {
        return reconnects;
    }

    /** When the connection now up began (System.nanoTime): a retained message that came since is the broker's now. */
    public long connectedNanos() {
        return connectedNanos;
    }

    /** Runs after every reconnect (on the link's event thread, once the subscriptions are made again). */
    public void onReconnect(Runnable r) {
        reconnected.add(r);
    }

    /** Sends a message; at QoS 1 it returns once the broker has it (PUBACK). Throws when the link is down right now. */
    public void publish(String topic, byte[] payload, int qos, boolean retained) throws IOException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        m.setRetained(retained);
        synchronized (publishing) {
            MqttClient c = current;
            try {
                c.publish(topic, m);
            } catch (MqttException | RuntimeException e) {
                throw new IOException("publish to " + topic + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Clears a retained message (an empty retained payload). */
    public void clearRetained(String topic) throws IOException {
        publish(topic, new byte[0], 1, true);
    }

    /** Delivers every message on the filter to the handler (on the client's thread); kept across reconnects. */
    public void subscribe(String filter, int qos, Handler handler) throws IOException {
        synchronized (swap) {
            subscriptions.put(filter, new Subscription(qos, handler));
            MqttClient c = current;
            try {
                c.subscribe(new MqttSubscription[]{new MqttSubscription(filter, qos)});
            } catch (MqttException | RuntimeException e) {
                if (c.isConnected()) {
                    subscriptions.remove(filter);
                    throw new IOException("subscribe to " + filter + " failed: " + e.getMessage(), e);
                }
                log.debug("fleet link {} is down: {} is subscribed when it is back", options.clientId(), filter);
            }
        }
    }

    public void unsubscribe(String filter) {
        synchronized (swap) {
            subscriptions.remove(filter);
            try {
                current.unsubscribe(filter);
            } catch (MqttException | RuntimeException e) {
                log.debug("unsubscribe {}: {}", filter, e.getMessage());
            }
        }
    }

    private MqttClient connect() throws IOException {
        MqttClient client;
        try {
            client = new MqttClient(options.broker(), options.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("cannot make an MQTT 5 client for " + options.broker() + ": " + e.getMessage(), e);
        }
        client.setTimeToWait(OPERATION_TIMEOUT_MS);
        client.setManualAcks(manualAcks);
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                if (client == current && !closed) {
                    log.warn("fleet link {} lost the broker: {}; reconnecting", options.clientId(),
                            r.getException() != null ? r.getException().toString() : "reason " + r.getReturnCode());
                }
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
                log.warn("fleet link {}: {}", options.clientId(), e.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                deliver(client, topic, message);
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        o.setAutomaticReconnect(false); // a fresh client each time (see actuation.ReconnectingLink for why)
        o.setConnectionTimeout((int) (OPERATION_TIMEOUT_MS / 1000));
        o.setKeepAliveInterval(10);
        if (options.username() != null) {
            o.setUserName(options.username());
        }
        if (options.password() != null) {
            o.setPassword(new String(options.password()).getBytes(StandardCharsets.UTF_8));
        }
        if (options.tls()) {
            Properties p = new Properties();
            if (options.trustStore() != null) {
                p.setProperty("com.ibm.ssl.trustStore", options.trustStore().toString());
                if (options.trustStorePassword() != null) {
                    p.setProperty("com.ibm.ssl.trustStorePassword", new String(options.trustStorePassword()));
                }
            }
            o.setSSLProperties(p);
        }
        if (will != null) {
            MqttMessage w = new MqttMessage(will.payload());
            w.setQos(1);
            w.setRetained(will.retained());
            o.setWill(will.topic(), w);
        }
        try {
            client.connect(o);
            return client;
        } catch (MqttException e) {
            abandon(client);
            throw new IOException("cannot connect to " + options.broker() + " (MQTT 5): " + e.getMessage(), e);
        }
    }

    private void deliver(MqttClient client, String topic, MqttMessage message) {
        Delivery d = new Delivery() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public byte[] payload() {
                return message.getPayload();
            }

            @Override
            public boolean retained() {
                return message.isRetained();
            }

            @Override
            public void ack() {
                if (!manualAcks) {
                    return;
                }
                try {
                    client.messageArrivedComplete(message.getId(), message.getQos());
                } catch (MqttException | RuntimeException e) {
                    // the client it came on is gone: the broker sends it again, or its sender does
                    log.debug("ack of message {} on {} not sent: {}", message.getId(), topic, e.getMessage());
                }
            }
        };
        boolean handled = false;
        for (var e : subscriptions.entrySet()) {
            if (matches(e.getKey(), topic)) {
                handled = true;
                try {
                    e.getValue().handler().on(d);
                } catch (RuntimeException ex) {
                    log.warn("fleet link {}: handler for {} failed on a message: {}", options.clientId(), topic, ex.toString());
                    d.ack();
                }
            }
        }
        if (!handled) {
            d.ack(); // a subscription just dropped: nobody will, and the broker must not wait for it
        }
    }

    /** MQTT topic filter matching ('+' one level, '#' the rest); a shared subscription matches as its topic filter. */
    static boolean matches(String filter, String topic) {
        if (filter.startsWith("$share/")) {
            int second = filter.indexOf('/', "$share/".length());
            filter = second < 0 ? "" : filter.substring(second + 1);
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    private void keepConnected() {
        MqttClient old = current;
        if (closed || old.isConnected()) {
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
        abandon(old);
        try {
            long connecting = System.nanoTime();
            MqttClient fresh = connect();
            synchronized (swap) {
                try {
                    for (var e : subscriptions.entrySet()) {
                        fresh.subscribe(new MqttSubscription[]{new MqttSubscription(e.getKey(), e.getValue().qos())});
                    }
                } catch (MqttException | RuntimeException e) {
                    abandon(fresh);
                    throw new IOException("could not subscribe again: " + e.getMessage(), e);
                }
                current = fresh;
                connectedNanos = connecting;
            }
            if (closed) {
                goodbye(fresh);
                return;
            }
            reconnects++;
            log.info("fleet link {} reconnected to {} after {} ms ({} subscription(s) again)", options.clientId(), options.broker(),
                    (now - downSinceNanos) / 1_000_000, subscriptions.size());
            retryMillis = FIRST_RETRY_MS;
            downSinceNanos = -1;
            for (Runnable r : reconnected) {
                events.execute(() -> {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        log.warn("fleet link {}: after reconnecting: {}", options.clientId(), e.toString());
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            log.debug("fleet link {}: reconnect failed ({}); next try in {} ms", options.clientId(), e.getMessage(), retryMillis);
            nextAttemptNanos = now + retryMillis * 1_000_000;
            retryMillis = Math.min(LAST_RETRY_MS, retryMillis * 2);
        }
    }

    private static void abandon(MqttClient c) {
        try {
            c.disconnectForcibly(0, 0, false);
        } catch (MqttException | RuntimeException e) {
            log.trace("abandon: {}", e.getMessage());
        }
        try {
            c.close(true);
        } catch (MqttException | RuntimeException e) {
            log.trace("close: {}", e.getMessage());
        }
    }

    /** A normal DISCONNECT: the broker does not publish the will. */
    private static void goodbye(MqttClient c) {
        try {
            if (c.isConnected()) {
                c.disconnect(1000);
            }
        } catch (MqttException | RuntimeException e) {
            log.debug("disconnect: {}", e.getMessage());
        }
        abandon(c);
    }

    /** Says goodbye (no will is published) and stops reconnecting. */
    @Override
    public void close() {
        closed = true;
        if (keeper != null) {
            keeper.shutdownNow();
            try {
                keeper.awaitTermination(OPERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        events.shutdownNow();
        MqttClient c = current;
        if (c != null) {
            goodbye(c);
        }
    }

    /** Drops the connection without a DISCONNECT, as a crash would: the broker publishes the will (for tests and the lease's hand-over). */
    void crash() {
        closed = true;
        if (keeper != null) {
            keeper.shutdownNow();
        }
        events.shutdownNow();
        abandon(current);
    }
}
