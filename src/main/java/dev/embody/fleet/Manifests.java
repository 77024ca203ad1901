package dev.embody.fleet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The manifests of every checkpoint a profile's trainers announced, as the broker keeps them (retained on
 * {@code checkpoints/<profile>/<version>}): what a rollback announces again, and what the console lists.
 */
public final class Manifests {

    private static final Logger log = LoggerFactory.getLogger(Manifests.class);

    private final FleetTopics topics;
    private final String profile;
    private final Map<String, Announcement> byVersion = new TreeMap<>();
    private final Map<String, Long> receivedNanos = new TreeMap<>();

    private Manifests(FleetTopics topics, String profile) {
        this.topics = topics;
        this.profile = profile;
    }

    /** Starts following them on a link (the broker sends the retained ones at once). */
    public static Manifests follow(FleetLink link, FleetTopics topics, String profile) throws IOException {
        Manifests m = new Manifests(topics, profile);
        link.subscribe(topics.manifests(profile), 1, d -> m.on(d.topic(), d.payload()));
        return m;
    }

    private void on(String topic, byte[] payload) {
        String version = FleetTopics.last(topic);
        if (payload.length == 0) {
            synchronized (this) {
                byVersion.remove(version);
                receivedNanos.remove(version);
            }
            return;
        }
        try {
            Announcement a = Announcement.parse(payload, topics, profile);
            if (!a.version().equals(version)) {
                throw new BadMessage("'version' is " + a.version() + " but the topic is " + version + "'s");
            }
            synchronized (this) {
                byVersion.put(version, a);
                receivedNanos.put(version, System.nanoTime());
            }
        } catch (BadMessage e) {
            log.warn("manifest on {} refused: {}", topic, e.getMessage());
        }
    }

    public synchronized Optional<Announcement> get(String version) {
        return Optional.ofNullable(byVersion.get(version));
    }

    /** Whether the broker sent this version's manifest since {@code nanos} (System.nanoTime): it has it now. */
    public synchronized boolean receivedSince(String version, long nanos) {
        Long t = receivedNanos.get(version);
        return t != null && t - nanos >= 0;
    }

    public synchronized List<Announcement> all() {
        return List.copyOf(byVersion.values());
    }

    public synchronized List<String> versions() {
        return List.copyOf(byVersion.keySet());
    }

    /** Waits up to {@code millis} for a version's manifest (a retained one comes just after subscribing). */
    public Optional<Announcement> await(String version, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            Optional<Announcement> a = get(version);
            if (a.isPresent()) {
                return a;
            }
            Thread.sleep(20);
        }
        return get(version);
    }
}
