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
import java.util.function.BiConsumer;

/** MQTT 5 through Paho mqttv5: clean start off with a session expiry, automatic reconnect, resubscribe on reconnect. */
final class Mqtt5Link implements MqttLink {

    /** The broker does not speak MQTT 5 (CONNACK 0x84, or a 3.1.1 broker's "unacceptable protocol version"). */
    static final class ProtocolRefused extends IOException {
        ProtocolRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final MqttClient client;
    private final Subscriptions subscriptions = new Subscriptions();
    private Reconnector reconnector;

    private Mqtt5Link(MqttClient client) {
        this.client = client;
    }

    static Mqtt5Link open(MqttOptions o) throws IOException {
        try {
            MqttClient client = new MqttClient(o.broker(), o.clientId(), new MemoryPersistence());
            Mqtt5Link link = new Mqtt5Link(client);
            MqttConnectionOptions c = new MqttConnectionOptions();
            c.setCleanStart(false);
            c.setSessionExpiryInterval(o.sessionExpiry().toSeconds());
            c.setAutomaticReconnect(true);
            c.setAutomaticReconnectDelay(1, 2);
            c.setConnectionTimeout(5);
            c.setKeepAliveInterval(10);
            if (o.username() != null) {
                c.setUserName(o.username());
            }
            if (o.password() != null) {
                c.setPassword(new String(o.password()).getBytes(StandardCharsets.UTF_8));
            }
            if (o.tls()) {
                c.setSSLProperties(o.sslProperties());
            }
            client.setCallback(link.callback(o));
            client.connect(c);
            link.reconnector = new Reconnector(o.clientId(), client::isConnected, client::reconnect, 3000);
            return link;
        } catch (MqttException e) {
            int code = e.getReasonCode();
            if (code == 0x84 || code == 1 || (e.getMessage() != null && e.getMessage().toLowerCase().contains("protocol"))) {
                throw new ProtocolRefused("reason " + code + ": " + e.getMessage(), e);
            }
            throw new IOException("cannot connect to " + o.broker() + ": " + e.getMessage(), e);
        }
    }

    private MqttCallback callback(MqttOptions o) {
        return new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                LOG.warn("MQTT 5 link {} lost the broker: {}; reconnecting", o.clientId(), r.getException() != null ? r.getException().toString()
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
                if (reconnect) {
                    LOG.info("MQTT 5 link {} reconnected to {}", o.clientId(), uri);
                    // the broker may have lost our session (restarted without persistence): subscribe again
                    subscriptions.resubscribeLater(client::subscribe);
                }
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        };
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retained) throws IOException {
        try {
            MqttMessage m = new MqttMessage(payload);
            m.setQos(qos);
            m.setRetained(retained);
            client.publish(topic, m);
        } catch (MqttException e) {
            throw new IOException("publish to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void subscribe(String filter, int qos, BiConsumer<String, byte[]> handler) throws IOException {
        subscriptions.add(filter, qos, handler);
        try {
            client.subscribe(filter, qos);
        } catch (MqttException e) {
            throw new IOException("subscribe to " + filter + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean connected() {
        return client.isConnected();
    }

    @Override
    public String protocol() {
        return "5";
    }

    @Override
    public void close() {
        if (reconnector != null) {
            reconnector.close();
        }
        try {
            if (client.isConnected()) {
                client.disconnect(2000);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect: {}", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("close: {}", e.getMessage());
        }
    }
}
