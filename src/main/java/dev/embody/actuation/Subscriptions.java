package dev.embody.actuation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A link's topic filters and their handlers, whatever the protocol: kept so they can be subscribed again on every new
 * connection, and matched against every message that arrives.
 */
final class Subscriptions {

    private record Subscription(int qos, BiConsumer<String, byte[]> handler) {
    }

    /** Subscribes to one filter at a broker; the protocol's own exception is the caller's. */
    interface Subscriber {
        void subscribe(String filter, int qos) throws Exception;
    }

    private final Map<String, Subscription> byFilter = new ConcurrentHashMap<>();

    void add(String filter, int qos, BiConsumer<String, byte[]> handler) {
        byFilter.put(filter, new Subscription(qos, handler));
    }

    int size() {
        return byFilter.size();
    }

    /** Hands a message to every handler whose filter matches; a handler that throws does not stop the others. */
    void deliver(String topic, byte[] payload) {
        for (var e : byFilter.entrySet()) {
            if (Topics.matches(e.getKey(), topic)) {
                try {
                    e.getValue().handler().accept(topic, payload);
                } catch (RuntimeException ex) {
                    MqttLink.LOG.warn("handler for {} failed on a message: {}", topic, ex.toString());
                }
            }
        }
    }

    /** Subscribes to every filter on a new connection; the first failure is thrown (the connection is then no good). */
    void subscribeAll(Subscriber to) throws Exception {
        for (var e : byFilter.entrySet()) {
            to.subscribe(e.getKey(), e.getValue().qos());
        }
    }
}
