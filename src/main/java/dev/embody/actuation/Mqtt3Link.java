package dev.embody.actuation;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.util.function.BiConsumer;

/** MQTT 3.1.1 through Paho mqttv3: clean session off (the broker keeps it), automatic reconnect, resubscribe. */
final class Mqtt3Link implements MqttLink {

    private final MqttClient client;
    private final Subscriptions subscriptions = new Subscriptions();
    private Reconnector reconnector;

    private Mqtt3Link(MqttClient client) {
        this.client = client;
    }

    static Mqtt3Link open(MqttOptions o) throws IOException {
        try {
            MqttClient client = new MqttClient(o.broker(), o.clientId(), new MemoryPersistence());
            Mqtt3Link link = new Mqtt3Link(client);
            MqttConnectOptions c = new MqttConnectOptions();
            c.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            c.setCleanSession(false);
            c.setAutomaticReconnect(true);
            c.setMaxReconnectDelay(2000);
            c.setConnectionTimeout(5);
            c.setKeepAliveInterval(10);
            c.setMaxInflight(100);
            if (o.username() != null) {
                c.setUserName(o.username());
            }
            if (o.password() != null) {
                c.setPassword(o.password());
            }
            if (o.tls()) {
                c.setSSLProperties(o.sslProperties());
            }
            client.setCallback(link.callback(o));
            client.connect(c);
            link.reconnector = new Reconnector(o.clientId(), client::isConnected, client::reconnect, 3000);
            return link;
        } catch (MqttException e) {
            throw new IOException("cannot connect to " + o.broker() + " (MQTT 3.1.1): " + e.getMessage(), e);
        }
    }

    private MqttCallbackExtended callback(MqttOptions o) {
        return new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String uri) {
                if (reconnect) {
                    LOG.info("MQTT 3.1.1 link {} reconnected to {}", o.clientId(), uri);
                    subscriptions.resubscribeLater(client::subscribe);
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                LOG.warn("MQTT 3.1.1 link {} lost the broker: {}; reconnecting", o.clientId(), cause == null ? "?" : cause.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                subscriptions.deliver(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        };
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retained) throws IOException {
        try {
            client.publish(topic, payload, qos, retained);
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
        return "3.1.1";
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
