package dev.embody.actuation;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
        client.setTimeToWait(OPERATION_TIMEOUT_MS);
        Connection c = new Connection() {
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
            public void disconnect() {
                try {
                    client.disconnectForcibly(1000, 1000, client.isConnected());
                } catch (MqttException e) {
                    LOG.debug("disconnect: {}", e.getMessage());
                }
                abandon();
            }

            @Override
            public void abandon() {
                try {
                    client.disconnectForcibly(0, 0, false);
                } catch (MqttException | RuntimeException e) {
                    LOG.debug("disconnect: {}", e.getMessage());
                }
                try {
                    client.close(true);
                } catch (MqttException | RuntimeException e) {
                    LOG.debug("close: {}", e.getMessage());
                }
            }
        };
        client.setCallback(new MqttCallback() {
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
        MqttConnectionOptions opts = new MqttConnectionOptions();
        opts.setCleanStart(false);
        opts.setSessionExpiryInterval(o.sessionExpiry().toSeconds());
        opts.setAutomaticReconnect(false); // the link reconnects, with a fresh client (see ReconnectingLink)
        opts.setConnectionTimeout((int) (OPERATION_TIMEOUT_MS / 1000));
        opts.setKeepAliveInterval(10);
        if (o.username() != null) {
            opts.setUserName(o.username());
        }
        if (o.password() != null) {
            opts.setPassword(new String(o.password()).getBytes(StandardCharsets.UTF_8));
        }
        if (o.tls()) {
            opts.setSSLProperties(o.sslProperties());
        }
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
