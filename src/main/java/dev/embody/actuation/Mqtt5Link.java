package dev.embody.actuation;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

import java.io.IOException;

/** MQTT 5 through Paho mqttv5: clean start off with a session expiry; a fresh client for every connect. */
final class Mqtt5Link extends ReconnectingLink {

    /** The broker does not speak MQTT 5 (CONNACK 0x84, or a 3.1.1 broker's "unacceptable protocol version"). */
    static final class ProtocolRefused extends IOException {
        ProtocolRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Mqtt5Link(MqttOptions options) {
        super(options);
    }

    static Mqtt5Link open(MqttOptions o) throws IOException {
        Mqtt5Link link = new Mqtt5Link(o);
        link.start();
        return link;
    }

    @Override
    protected Connection connect() throws IOException {
        MqttOptions o = options;
        MqttClient client;
        try {
            client = new MqttClient(o.broker(), o.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("cannot make an MQTT 5 client for " + o.broker() + ": " + e.getMessage(), e);
        }
        client.setTimeToWait(KeptConnection.OPERATION_TIMEOUT_MS);
        Connection c = new PahoConnection() {
            @Override
            public boolean connected() {
                return client.isConnected();
            }

            @Override
            public void publish(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
                MqttMessage m = new MqttMessage(payload);
                m.setQos(qos);
                m.setRetained(retained);
                client.publish(topic, m);
            }

            @Override
            public void subscribe(String filter, int qos) throws MqttException {
                client.subscribe(filter, qos);
            }

            @Override
            protected void disconnectForcibly(long quiesceMs, long timeoutMs, boolean sendDisconnect) throws MqttException {
                client.disconnectForcibly(quiesceMs, timeoutMs, sendDisconnect);
            }

            @Override
            protected void closeForcibly() throws MqttException {
                client.close(true);
            }
        };
        client.setCallback(new Mqtt5Events() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                lost(c, r.getException() != null ? r.getException().toString()
                        : "reason " + r.getReturnCode() + (r.getReasonString() == null ? "" : " " + r.getReasonString()));
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
                LOG.warn("MQTT 5 link {}: {}", o.clientId(), e.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                subscriptions.deliver(topic, message.getPayload());
            }
        });
        MqttConnectionOptions opts = o.mqtt5();
        opts.setCleanStart(false);
        opts.setSessionExpiryInterval(o.sessionExpiry().toSeconds());
        try {
            client.connect(opts);
            return c;
        } catch (MqttException e) {
            c.abandon();
            int code = e.getReasonCode();
            if (code == 0x84 || code == 1 || (e.getMessage() != null && e.getMessage().toLowerCase().contains("protocol"))) {
                throw new ProtocolRefused("reason " + code + ": " + e.getMessage(), e);
            }
            throw new IOException("cannot connect to " + o.broker() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String protocol() {
        return "5";
    }
}
