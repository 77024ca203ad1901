package dev.embody.fleet;

import dev.embody.actuation.KeptConnection;
import dev.embody.actuation.Mqtt5Events;
import dev.embody.actuation.MqttOptions;
import dev.embody.actuation.Topics;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One MQTT 5 connection of a fleet member (Paho mqttv5), kept up as the robot links are ({@link KeptConnection}):
 * a fresh client on every reconnect, every subscription made again, and no operation waiting longer than 5 s. What the
 * fleet adds: a clean start (the fleet's guarantees come from ids, spools and receipts, not from broker sessions, so a
 * broker restarted without persistence loses nothing), a Last Will (the lease's), manual acknowledgement (a trainer
 * acknowledges an example only once it is on disk), unsubscribing, and listeners told after every reconnect (to send
 * the spool again, to publish retained state a restarted broker forgot).
 */
public final class FleetLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetLink.class);

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

    /** One Paho client; every reconnect makes a new one. */
    private record Client(MqttClient paho) implements KeptConnection.Client {
        @Override
        public boolean connected() {
            return paho.isConnected();
        }

        /** A normal DISCONNECT: the broker does not publish the will. */
        @Override
        public void disconnect() {
            try {
                if (paho.isConnected()) {
                    paho.disconnect(1000);
                }
            } catch (MqttException | RuntimeException e) {
                log.debug("disconnect: {}", e.getMessage());
            }
            abandon();
        }

        @Override
        public void abandon() {
            try {
                paho.disconnectForcibly(0, 0, false);
            } catch (MqttException | RuntimeException e) {
                log.trace("abandon: {}", e.getMessage());
            }
            try {
                paho.close(true);
            } catch (MqttException | RuntimeException e) {
                log.trace("close: {}", e.getMessage());
            }
        }
    }

    private final MqttOptions options;
    private final Will will;
    private final boolean manualAcks;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final List<Runnable> reconnected = new CopyOnWriteArrayList<>();
    private final Object publishing = new Object();
    private final ExecutorService events;
    private final KeptConnection<Client> kept;

    private FleetLink(MqttOptions options, Will will, boolean manualAcks) {
        this.options = options;
        this.will = will;
        this.manualAcks = manualAcks;
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fleet-link-" + options.clientId());
            t.setDaemon(true);
            return t;
        });
        this.kept = new KeptConnection<>(log, "fleet link", "fleet-reconnect-" + options.clientId(), options.clientId(),
                new KeptConnection.Connector<>() {
                    @Override
                    public Client connect() throws IOException {
                        return FleetLink.this.connect();
                    }

                    @Override
                    public int subscribeAgain(Client fresh) throws MqttException {
                        for (var e : subscriptions.entrySet()) {
                            fresh.paho().subscribe(new MqttSubscription[]{new MqttSubscription(e.getKey(), e.getValue().qos())});
                        }
                        return subscriptions.size();
                    }

                    @Override
                    public void reconnected(Client fresh, long downMillis, int again) {
                        log.info("fleet link {} reconnected to {} after {} ms ({} subscription(s) again)", options.clientId(),
                                options.broker(), downMillis, again);
                        for (Runnable r : reconnected) {
                            events.execute(() -> {
                                try {
                                    r.run();
                                } catch (RuntimeException e) {
                                    log.warn("fleet link {}: after reconnecting: {}", options.clientId(), e.toString());
                                }
                            });
                        }
                    }
                });
    }

    /** Connects now (throws when the broker cannot be reached) and keeps the connection up from then on. */
    public static FleetLink open(MqttOptions options, Will will, boolean manualAcks) throws IOException {
        FleetLink l = new FleetLink(options, will, manualAcks);
        l.kept.start();
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
        Client c = kept.current();
        return c != null && c.connected();
    }

    /** How many times it connected again after losing the broker. */
    public long reconnects() {
        return kept.reconnects();
    }

    /** When the connection now up began (System.nanoTime): a retained message that came since is the broker's now. */
    public long connectedNanos() {
        return kept.connectedNanos();
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
            MqttClient c = kept.current().paho();
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
        synchronized (kept.lock()) {
            subscriptions.put(filter, new Subscription(qos, handler));
            MqttClient c = kept.current().paho();
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
        synchronized (kept.lock()) {
            subscriptions.remove(filter);
            try {
                kept.current().paho().unsubscribe(filter);
            } catch (MqttException | RuntimeException e) {
                log.debug("unsubscribe {}: {}", filter, e.getMessage());
            }
        }
    }

    private Client connect() throws IOException {
        MqttClient client;
        try {
            client = new MqttClient(options.broker(), options.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("cannot make an MQTT 5 client for " + options.broker() + ": " + e.getMessage(), e);
        }
        client.setTimeToWait(KeptConnection.OPERATION_TIMEOUT_MS);
        client.setManualAcks(manualAcks);
        Client c = new Client(client);
        client.setCallback(new Mqtt5Events() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                if (kept.inUse(c)) {
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
        });
        MqttConnectionOptions o = options.mqtt5();
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        if (will != null) {
            MqttMessage w = new MqttMessage(will.payload());
            w.setQos(1);
            w.setRetained(will.retained());
            o.setWill(will.topic(), w);
        }
        try {
            client.connect(o);
            return c;
        } catch (MqttException e) {
            c.abandon();
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
            if (Topics.matches(e.getKey(), topic)) {
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

    /** Says goodbye (no will is published) and stops reconnecting. */
    @Override
    public void close() {
        kept.stop(true);
        events.shutdownNow();
        Client c = kept.current();
        if (c != null) {
            c.disconnect();
        }
    }

    /** Drops the connection without a DISCONNECT, as a crash would: the broker publishes the will (for tests and the lease's hand-over). */
    void crash() {
        kept.stop(false);
        events.shutdownNow();
        kept.current().abandon();
    }
}
