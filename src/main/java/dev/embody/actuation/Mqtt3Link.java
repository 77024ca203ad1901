package dev.embody.actuation;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;

/** MQTT 3.1.1 through Paho mqttv3: clean session off (the broker keeps it); a fresh client for every connect. */
final class Mqtt3Link extends ReconnectingLink {

    private Mqtt3Link(MqttOptions options) {
        super(options);
    }

    static Mqtt3Link open(MqttOptions o) throws IOException {
        Mqtt3Link link = new Mqtt3Link(o);
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
            throw new IOException("cannot make an MQTT 3.1.1 client for " + o.broker() + ": " + e.getMessage(), e);
        }
        client.setTimeToWait(KeptConnection.OPERATION_TIMEOUT_MS);
        Connection c = new PahoConnection() {
            @Override
            public boolean connected() {
                return client.isConnected();
            }

            @Override
            public void publish(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
                client.publish(topic, payload, qos, retained);
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
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost(c, cause == null ? "?" : cause.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                subscriptions.deliver(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions opts = o.mqtt3();
        opts.setCleanSession(false);
        opts.setMaxInflight(100);
        try {
            client.connect(opts);
            return c;
        } catch (MqttException e) {
            c.abandon();
            throw new IOException("cannot connect to " + o.broker() + " (MQTT 3.1.1): " + e.getMessage(), e);
        }
    }

    @Override
    public String protocol() {
        return "3.1.1";
    }
}
