package dev.embody.correction;

import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Text corrections over MQTT, so another program or a phone can correct the agent: a UTF-8 sentence published to
 * {@code embody/agents/<id>/corrections} goes through the same {@link CorrectionParser} as typed text; how it was
 * understood is published back on {@code embody/agents/<id>/corrections/understood} (JSON).
 */
public final class MqttCorrections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttCorrections.class);
    public static final int MAX_BYTES = 1000;
    private static final java.util.concurrent.ExecutorService REPLIES = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mqtt-corrections-reply");
        t.setDaemon(true);
        return t;
    });

    private final MqttClient client;
    private final String topic;

    private MqttCorrections(MqttClient client, String topic) {
        this.client = client;
        this.topic = topic;
    }

    public static String topic(String agentId) {
        return "embody/agents/" + agentId + "/corrections";
    }

    /** Connects and subscribes; throws with the broker's URL in the message when it cannot. */
    public static MqttCorrections connect(String brokerUrl, String agentId, Supplier<CorrectionParser> library, OperatorInbox inbox) throws MqttException {
        if (!agentId.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("--agent-id must be 1-64 letters, digits, '.', '_' or '-', got '" + agentId + "'");
        }
        MqttClient client = new MqttClient(brokerUrl, "embody-corrections-" + agentId + "-" + ProcessHandle.current().pid(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setAutomaticReconnect(true);
        o.setCleanStart(true);
        o.setConnectionTimeout(5);
        String topic = topic(agentId);
        client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {
                log.warn("mqtt corrections: disconnected from {} ({}); reconnecting", brokerUrl, r.getReasonString());
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
                log.warn("mqtt corrections: {}", e.toString());
            }

            @Override
            public void messageArrived(String t, org.eclipse.paho.mqttv5.common.MqttMessage message) {
                if (t.equals(topic)) {
                    heard(client, t, message.getPayload(), library, inbox);
                }
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
                if (reconnect) {
                    try {
                        client.subscribe(topic, 1);
                    } catch (MqttException e) {
                        log.warn("mqtt corrections: could not subscribe again: {}", e.toString());
                    }
                }
            }

            @Override
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
            }
        });
        client.connect(o);
        client.subscribe(topic, 1);
        log.info("mqtt corrections: listening on {} at {}", topic, brokerUrl);
        return new MqttCorrections(client, topic);
    }

    private static void heard(MqttClient client, String t, byte[] payload, Supplier<CorrectionParser> library, OperatorInbox inbox) {
        {
            if (payload.length == 0 || payload.length > MAX_BYTES) {
                log.warn("mqtt correction refused: {} bytes (1 to {} expected)", payload.length, MAX_BYTES);
                return;
            }
            String text = new String(payload, StandardCharsets.UTF_8).strip();
            Understanding u = library.get().parse(text);
            boolean applied = u.toIntervention("mqtt").map(i -> {
                inbox.submit(i);
                return true;
            }).orElse(false);
            log.info("mqtt correction '{}': {}{}", text, u.explanation(), applied ? "" : " (not applied)");
            try {
                String reply = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of(
                        "text", text, "kind", u.kind().name().toLowerCase(java.util.Locale.ROOT), "applied", applied,
                        "explanation", u.explanation(), "command", u.command() == null ? "" : u.command().toString()));
                // not on the callback thread: Paho completes a publish there, so publishing from it would wait forever
                REPLIES.execute(() -> {
                    try {
                        client.publish(t + "/understood", reply.getBytes(StandardCharsets.UTF_8), 0, false);
                    } catch (MqttException e) {
                        log.debug("could not publish the understanding", e);
                    }
                });
            } catch (Exception e) {
                log.debug("could not publish the understanding", e);
            }
        }
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close();
        } catch (MqttException e) {
            log.debug("mqtt close", e);
        }
    }
}
