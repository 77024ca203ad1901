package dev.embody.actuation;

import java.io.IOException;

/**
 * What both protocols' links share: the subscriptions, and a connection kept up ({@link KeptConnection}) by connecting a
 * fresh client whenever the last one lost the broker. Paho's own automatic reconnect (1.2.5, the last release) goes on with the old client's
 * state, and that state can be poison after a broker restart: a publish that raced the lost connection stays queued,
 * so the next connect's sender thread quits at once and the connect waits forever ("Connect already in progress");
 * an unacknowledged QoS 1 message sent under an MQTT 5 topic alias is resent with an alias the new connection never
 * had, and the broker drops the connection again (reason 130), over and over. A fresh client carries neither. What
 * it leaves behind is the old client's unacknowledged QoS 1 messages, which the robot protocol resends by id anyway
 * (and which MQTT 5 says to discard when the broker kept no session). Clean start stays off, so a broker that kept
 * the session still delivers what it queued meanwhile.
 */
abstract class ReconnectingLink implements MqttLink {

    /** One connection to the broker through one protocol's client; every connect makes a new one. */
    interface Connection extends KeptConnection.Client {
        void publish(String topic, byte[] payload, int qos, boolean retained) throws Exception;

        void subscribe(String filter, int qos) throws Exception;
    }

    /** A Paho client of either protocol (mqttv3 and mqttv5 let a client go the same way, with unrelated types). */
    abstract static class PahoConnection implements Connection {
        /** The client's disconnectForcibly(quiesce, timeout, sendDisconnect). */
        protected abstract void disconnectForcibly(long quiesceMs, long timeoutMs, boolean sendDisconnect) throws Exception;

        /** The client's close(true). */
        protected abstract void closeForcibly() throws Exception;

        @Override
        public final void disconnect() {
            try {
                disconnectForcibly(1000, 1000, connected());
            } catch (Exception e) {
                LOG.debug("disconnect: {}", e.getMessage());
            }
            abandon();
        }

        @Override
        public final void abandon() {
            try {
                disconnectForcibly(0, 0, false);
            } catch (Exception e) {
                LOG.debug("disconnect: {}", e.getMessage());
            }
            try {
                closeForcibly();
            } catch (Exception e) {
                LOG.debug("close: {}", e.getMessage());
            }
        }
    }

    protected final MqttOptions options;
    protected final Subscriptions subscriptions = new Subscriptions();
    private final KeptConnection<Connection> kept;

    protected ReconnectingLink(MqttOptions options) {
        this.options = options;
        this.kept = new KeptConnection<>(LOG, "MQTT link", "mqtt-reconnect-" + options.clientId(), options.clientId(),
                new KeptConnection.Connector<>() {
                    @Override
                    public Connection connect() throws IOException {
                        return ReconnectingLink.this.connect();
                    }

                    @Override
                    public int subscribeAgain(Connection fresh) throws Exception {
                        subscriptions.subscribeAll(fresh::subscribe);
                        return subscriptions.size();
                    }

                    @Override
                    public void reconnected(Connection fresh, long downMillis, int again) {
                        LOG.info("MQTT {} link {} reconnected to {} after {} ms ({} subscription(s) again)", protocol(),
                                options.clientId(), options.broker(), downMillis, again);
                    }
                });
    }

    /** A new client of this protocol, connected; throws when the broker cannot be reached or refuses. */
    protected abstract Connection connect() throws IOException;

    /** Connects the first time and starts keeping the connection up; the subclass's factory calls it. */
    protected final void start() throws IOException {
        kept.start();
    }

    /** A client says it lost the broker (the keeper notices by itself too; this is for the log). */
    protected final void lost(Connection c, String why) {
        if (kept.inUse(c)) {
            LOG.warn("MQTT {} link {} lost the broker: {}; reconnecting", protocol(), options.clientId(), why);
        }
    }

    @Override
    public final void publish(String topic, byte[] payload, int qos, boolean retained) throws IOException {
        try {
            kept.current().publish(topic, payload, qos, retained);
        } catch (Exception e) {
            throw new IOException("publish to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public final void subscribe(String filter, int qos, java.util.function.BiConsumer<String, byte[]> handler) throws IOException {
        synchronized (kept.lock()) {
            subscriptions.add(filter, qos, handler);
            Connection c = kept.current();
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
        return kept.current().connected();
    }

    @Override
    public final void close() {
        kept.close();
    }
}
