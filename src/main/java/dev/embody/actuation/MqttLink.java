package dev.embody.actuation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * One connection to an MQTT broker that survives the broker going away: it reconnects by itself with a fresh client
 * (see {@link ReconnectingLink} for why), keeps its session (clean start off, with a session expiry), and subscribes
 * again on every new connection in case the broker lost the session (a broker restarted without persistence). No
 * operation waits for the broker longer than {@link KeptConnection#OPERATION_TIMEOUT_MS}. Two protocols behind one
 * face: MQTT 5 (Paho mqttv5) and 3.1.1 (Paho mqttv3, for brokers that speak only 3.1.1).
 */
public interface MqttLink extends AutoCloseable {

    Logger LOG = LoggerFactory.getLogger(MqttLink.class);

    /** Sends a message; throws when the link is down right now (the caller decides whether to resend). */
    void publish(String topic, byte[] payload, int qos, boolean retained) throws IOException;

    /** Delivers every message on the topic filter to the handler (on the client's thread); kept across reconnects. */
    void subscribe(String filter, int qos, BiConsumer<String, byte[]> handler) throws IOException;

    boolean connected();

    /** "5" or "3.1.1". */
    String protocol();

    @Override
    void close();

    /** Connects with the options' protocol; "auto" tries MQTT 5 and falls back to 3.1.1 when the broker refuses it. */
    static MqttLink connect(MqttOptions options) throws IOException {
        switch (options.version()) {
            case "5":
                return Mqtt5Link.open(options);
            case "3.1.1":
                return Mqtt3Link.open(options);
            default:
                try {
                    return Mqtt5Link.open(options);
                } catch (IOException e5) {
                    // a 3.1.1-only broker answers an MQTT 5 CONNECT in its own terms ("invalid return code")
                    try {
                        MqttLink l = Mqtt3Link.open(options);
                        LOG.info("{} refused MQTT 5 ({}); using MQTT 3.1.1", options.broker(), e5.getMessage());
                        return l;
                    } catch (IOException e3) {
                        e3.addSuppressed(e5);
                        throw new IOException("cannot connect to " + options.broker() + " with MQTT 5 (" + e5.getMessage()
                                + ") or 3.1.1 (" + e3.getMessage() + ")", e3);
                    }
                }
        }
    }
}
