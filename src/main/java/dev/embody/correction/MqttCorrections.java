package dev.embody.correction;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.actuation.MqttLink;
import dev.embody.actuation.MqttOptions;
import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Text corrections over MQTT, so another program or a phone can correct the agent: a UTF-8 sentence published to
 * {@code embody/agents/<id>/corrections} goes through the same {@link CorrectionParser} as typed text; how it was
 * understood is published back on {@code embody/agents/<id>/corrections/understood} (JSON). Anyone on the broker can
 * publish there, so what is not 1 to 1000 bytes of UTF-8 text, and what comes faster than 5 a second (10 at once), is
 * refused, and the answer says why ({@code "refused"}); a stop or a pause is never refused for coming too fast (see
 * {@link CorrectionRate}). One answer per message, never more.
 */
public final class MqttCorrections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttCorrections.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int MAX_BYTES = 1000;
    static final double PER_SECOND = 5;
    static final double BURST = 10;
    private static final java.util.concurrent.ExecutorService REPLIES = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mqtt-corrections-reply");
        t.setDaemon(true);
        return t;
    });

    private final MqttLink link;
    private final String topic;
    private final Supplier<CorrectionParser> library;
    private final OperatorInbox inbox;
    private final CorrectionRate rate = new CorrectionRate(PER_SECOND, BURST);
    private long refused;

    private MqttCorrections(MqttLink link, String topic, Supplier<CorrectionParser> library, OperatorInbox inbox) {
        this.link = link;
        this.topic = topic;
        this.library = library;
        this.inbox = inbox;
    }

    public static String topic(String agentId) {
        return "embody/agents/" + agentId + "/corrections";
    }

    /** Connects (MQTT 5, or 3.1.1 when the broker speaks only that) and subscribes; the message names the broker when it cannot. */
    public static MqttCorrections connect(String brokerUrl, String agentId, Supplier<CorrectionParser> library, OperatorInbox inbox) throws IOException {
        if (!agentId.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("--agent-id must be 1-64 letters, digits, '.', '_' or '-', got '" + agentId + "'");
        }
        MqttLink link = MqttLink.connect(MqttOptions.of(brokerUrl, "embody-corrections-" + agentId + "-" + ProcessHandle.current().pid()));
        String topic = topic(agentId);
        MqttCorrections c = new MqttCorrections(link, topic, library, inbox);
        try {
            link.subscribe(topic, 1, (t, p) -> {
                if (t.equals(topic)) {
                    c.heard(p);
                }
            });
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
        log.info("mqtt corrections: listening on {} at {}", topic, brokerUrl);
        return c;
    }

    private void heard(byte[] payload) {
        if (payload.length == 0 || payload.length > MAX_BYTES) {
            refuse(null, (payload.length == 0 ? "empty" : payload.length + " bytes") + ": a correction is 1 to " + MAX_BYTES + " bytes of UTF-8 text");
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString().strip();
        } catch (CharacterCodingException e) {
            refuse(null, "not UTF-8 text (" + payload.length + " bytes)");
            return;
        }
        // understood before it is limited: a stop or a pause is never refused, however many came before it
        Understanding u = library.get().parse(text);
        java.util.Optional<Intervention> i = u.toIntervention("mqtt");
        if (!(i.isPresent() ? rate.admits(i.get()) : rate.take())) {
            refuse(text, String.format(Locale.ROOT, "too many corrections: at most %d a second (%d at once); this one was not applied",
                    (int) PER_SECOND, (int) BURST));
            return;
        }
        i.ifPresent(inbox::submit);
        boolean applied = i.isPresent();
        log.info("mqtt correction '{}': {}{}", text, u.explanation(), applied ? "" : " (not applied)");
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("text", text);
        reply.put("kind", u.kind().name().toLowerCase(Locale.ROOT));
        reply.put("applied", applied);
        reply.put("explanation", u.explanation());
        reply.put("command", u.command() == null ? "" : u.command().toString());
        answer(reply);
    }

    private void refuse(String text, String why) {
        long n = ++refused; // the client's callback thread only
        if (n <= 5 || n % 100 == 0) {
            log.warn("mqtt correction refused ({} so far): {}", n, why);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("text", text);
        reply.put("applied", false);
        reply.put("refused", why);
        answer(reply);
    }

    private void answer(Map<String, Object> reply) {
        // not on the client's callback thread: a publish completes there, so publishing from it would wait
        REPLIES.execute(() -> {
            try {
                link.publish(topic + "/understood", JSON.writeValueAsBytes(reply), 0, false);
            } catch (IOException e) {
                log.debug("could not publish the understanding: {}", e.getMessage());
            }
        });
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        link.close();
    }
}
