package dev.embody.actuation;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * How to reach a broker: its URL (tcp://host:1883, or ssl://host:8883 for TLS), the client id, an optional
 * username/password, an optional trust store for TLS, the protocol ("5", "3.1.1", or "auto": 5 first, then 3.1.1 if
 * the broker refuses it), and how long the broker keeps the session while the client is away.
 */
public record MqttOptions(String broker, String clientId, String username, char[] password, Path trustStore,
                          char[] trustStorePassword, String version, Duration sessionExpiry) {

    private static final int KEEP_ALIVE_S = 10;

    public MqttOptions {
        if (broker == null || !(broker.startsWith("tcp://") || broker.startsWith("ssl://") || broker.startsWith("mqtt://")
                || broker.startsWith("mqtts://"))) {
            throw new IllegalArgumentException("broker must be a URL such as tcp://127.0.0.1:1883 or ssl://host:8883, got '" + broker + "'");
        }
        broker = broker.replaceFirst("^mqtts://", "ssl://").replaceFirst("^mqtt://", "tcp://");
        if (version == null) {
            version = "auto";
        }
        if (!version.equals("auto") && !version.equals("5") && !version.equals("3.1.1")) {
            throw new IllegalArgumentException("MQTT version must be 5, 3.1.1 or auto, got '" + version + "'");
        }
        if (sessionExpiry == null) {
            sessionExpiry = Duration.ofMinutes(10);
        }
        if (clientId == null) {
            clientId = "embody-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }

    public static MqttOptions of(String broker, String clientId) {
        return new MqttOptions(broker, clientId, null, null, null, null, "auto", null);
    }

    public MqttOptions withClientId(String id) {
        return new MqttOptions(broker, id, username, password, trustStore, trustStorePassword, version, sessionExpiry);
    }

    public MqttOptions withCredentials(String user, char[] pass) {
        return new MqttOptions(broker, clientId, user, pass, trustStore, trustStorePassword, version, sessionExpiry);
    }

    public MqttOptions withTrustStore(Path store, char[] pass) {
        return new MqttOptions(broker, clientId, username, password, store, pass, version, sessionExpiry);
    }

    public MqttOptions withVersion(String v) {
        return new MqttOptions(broker, clientId, username, password, trustStore, trustStorePassword, v, sessionExpiry);
    }

    public boolean tls() {
        return broker.startsWith("ssl://");
    }

    /** Paho's SSL properties for a trust store given by path (the JVM's default trust store otherwise). */
    java.util.Properties sslProperties() {
        java.util.Properties p = new java.util.Properties();
        if (trustStore != null) {
            p.setProperty("com.ibm.ssl.trustStore", trustStore.toString());
            if (trustStorePassword != null) {
                p.setProperty("com.ibm.ssl.trustStorePassword", new String(trustStorePassword));
            }
        }
        return p;
    }

    /**
     * Paho mqttv5's options for a connect to this broker: no automatic reconnect (the link connects a fresh client, see
     * {@link ReconnectingLink}), no wait past the operation timeout, the credentials and TLS; the session is the caller's.
     */
    public MqttConnectionOptions mqtt5() {
        MqttConnectionOptions opts = new MqttConnectionOptions();
        opts.setAutomaticReconnect(false);
        opts.setConnectionTimeout((int) (KeptConnection.OPERATION_TIMEOUT_MS / 1000));
        opts.setKeepAliveInterval(KEEP_ALIVE_S);
        if (username != null) {
            opts.setUserName(username);
        }
        if (password != null) {
            opts.setPassword(new String(password).getBytes(StandardCharsets.UTF_8));
        }
        if (tls()) {
            opts.setSSLProperties(sslProperties());
        }
        return opts;
    }

    /** The same for Paho mqttv3, speaking MQTT 3.1.1. */
    MqttConnectOptions mqtt3() {
        MqttConnectOptions opts = new MqttConnectOptions();
        opts.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        opts.setAutomaticReconnect(false);
        opts.setConnectionTimeout((int) (KeptConnection.OPERATION_TIMEOUT_MS / 1000));
        opts.setKeepAliveInterval(KEEP_ALIVE_S);
        if (username != null) {
            opts.setUserName(username);
        }
        if (password != null) {
            opts.setPassword(password);
        }
        if (tls()) {
            opts.setSSLProperties(sslProperties());
        }
        return opts;
    }

    @Override
    public String toString() {
        return broker + " as " + clientId + (username == null ? "" : " user " + username);
    }
}
