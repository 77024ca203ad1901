package dev.embody.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.actuation.MqttOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Which trainer trains a profile's policy: a lease held on the broker, so that of several trainers exactly one trains
 * and another takes over when it dies. The lease is a retained message on {@code lease/<profile>}: holder, term,
 * time to live. The holder publishes it from a connection of its own whose Last Will is an empty retained message on
 * the same topic, and renews it every third of its time to live:
 * <ul>
 *   <li>a holder killed (kill -9, a crash: the broker sees its connection end without a DISCONNECT) has the broker
 *       clear the lease at once; a standby claims it after a random moment under 0.3 s and holds it once it has seen
 *       its claim come back and nobody else's after it for {@link #SETTLE} (the broker orders one topic's messages
 *       the same for every subscriber: the last claim wins);</li>
 *   <li>a holder whose host vanished (no TCP reset, so no will until the keep-alive runs out) stops renewing, and a
 *       standby takes the lease once no renewal came for the time to live;</li>
 *   <li>a holder that cannot renew for its time to live (cut off from the broker) stops training on its own, so two
 *       never train at once for longer than that; a holder that sees another's claim gives way at once.</li>
 * </ul>
 * So a trainer killed with kill -9 loses the lease within about {@code SETTLE + 0.3 s}, and one that silently vanished
 * within {@code ttl + SETTLE}. A broker restarted without persistence forgets the lease: the holder's connection comes
 * back and renews it before a standby's time to live runs out.
 */
public final class Lease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Lease.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration SETTLE = Duration.ofMillis(1000);

    /** Told when the lease is won and lost (on the lease's own thread). */
    public interface Listener {
        void acquired(long term);

        void lost(String why);
    }

    private final MqttOptions broker;
    private final FleetTopics topics;
    private final String profile;
    private final String holder;
    private final long ttlNanos;
    private final FleetLink watch;
    private final Listener listener;
    private final ScheduledExecutorService clock;
    private final long startedNanos = System.nanoTime();

    // what the lease topic said last (guarded by this)
    private boolean seenAny;
    private boolean seenEmpty;
    private String seenHolder;
    private String seenNonce;
    private long seenTerm;
    private long seenAtNanos;

    private FleetLink leaseLink;
    private String nonce;
    private long claimSentNanos;
    private long claimSeenNanos;
    private boolean held;
    private long term;
    private long lastRenewNanos;
    private long lastRenewTryNanos;
    private long nextClaimNanos;
    private volatile boolean closed;

    /**
     * @param watch the trainer's own link: the lease topic is watched on it
     * @param ttl   how long a lease holds without renewal
     */
    public Lease(MqttOptions broker, FleetTopics topics, String profile, String holder, Duration ttl, FleetLink watch, Listener listener) {
        this.broker = broker;
        this.topics = topics;
        this.profile = profile;
        this.holder = holder;
        this.ttlNanos = ttl.toNanos();
        this.watch = watch;
        this.listener = listener;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-lease-" + holder);
            t.setDaemon(true);
            return t;
        });
    }

    public void start() throws IOException {
        watch.subscribe(topics.lease(profile), 1, d -> onLease(d.payload()));
        long tick = Math.max(100, TimeUnit.NANOSECONDS.toMillis(ttlNanos) / 12);
        clock.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.warn("lease {}: {}", holder, e.toString());
            }
        }, tick, tick, TimeUnit.MILLISECONDS);
    }

    public synchronized boolean held() {
        return held;
    }

    public synchronized long term() {
        return term;
    }

    private synchronized void onLease(byte[] payload) {
        long now = System.nanoTime();
        seenAny = true;
        seenAtNanos = now;
        if (payload == null || payload.length == 0) {
            seenEmpty = true;
            seenHolder = null;
            seenNonce = null;
            if (held) {
                log.info("lease {}: cleared on the broker while {} holds it; renewing", topics.lease(profile), holder);
                lastRenewTryNanos = 0;
            }
            return;
        }
        JsonNode n;
        try {
            n = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
            if (n == null || !n.isObject() || !n.path("holder").isTextual() || !n.path("nonce").isTextual() || !n.path("term").isIntegralNumber()) {
                throw new IOException("expected {\"holder\", \"term\", \"nonce\", \"ttl_ms\"}");
            }
        } catch (IOException e) {
            log.warn("lease message on {} not understood ({}): ignored; the lease is free once nobody renews it for {} s",
                    topics.lease(profile), e.getMessage(), TimeUnit.NANOSECONDS.toSeconds(ttlNanos));
            seenEmpty = false;
            seenHolder = null;
            seenNonce = null;
            if (held) {
                lastRenewTryNanos = 0; // ours is the one that holds: say so again
            }
            return;
        }
        seenEmpty = false;
        seenHolder = n.get("holder").asText();
        seenNonce = n.get("nonce").asText();
        seenTerm = Math.max(seenTerm, n.get("term").asLong());
        boolean ours = nonce != null && nonce.equals(seenNonce);
        if (ours) {
            if (claimSeenNanos == 0) {
                claimSeenNanos = now;
            }
            return;
        }
        if (held) {
            lose(seenHolder + " claimed it (term " + n.get("term").asLong() + ")");
        } else if (nonce != null && claimSeenNanos > 0) {
            log.info("lease {}: {} claimed it after {}; {} gives way", topics.lease(profile), seenHolder, holder, holder);
            abandonClaim();
        }
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (held) {
            if (now - lastRenewNanos > ttlNanos) {
                lose("could not renew it for " + TimeUnit.NANOSECONDS.toMillis(ttlNanos) + " ms (the broker is out of reach)");
            } else if (now - lastRenewTryNanos >= ttlNanos / 3) {
                lastRenewTryNanos = now;
                if (publish(term)) {
                    lastRenewNanos = now;
                }
            }
            return;
        }
        if (nonce != null) {
            if (claimSeenNanos > 0 && now - claimSeenNanos >= SETTLE.toNanos() && nonce.equals(seenNonce)) {
                held = true;
                lastRenewNanos = claimSentNanos;
                lastRenewTryNanos = now;
                log.info("lease {}: {} holds it (term {})", topics.lease(profile), holder, term);
                listener.acquired(term);
            } else if (now - claimSentNanos > ttlNanos) {
                log.info("lease {}: {}'s claim did not come back in time; trying again later", topics.lease(profile), holder);
                abandonClaim();
            }
            return;
        }
        boolean free = seenEmpty || (!seenAny && now - startedNanos > SETTLE.toNanos()) || (seenAny && now - seenAtNanos > ttlNanos);
        if (free && now >= nextClaimNanos) {
            if (nextClaimNanos == 0) {
                // a moment's jitter, so two standbys that saw the lease go at the same time rarely claim together
                nextClaimNanos = now + TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(0, 300));
                return;
            }
            claim(now);
        } else if (!free) {
            nextClaimNanos = 0;
        }
    }

    private void claim(long now) {
        try {
            if (leaseLink == null) {
                leaseLink = FleetLink.open(broker.withClientId(broker.clientId() + "-lease-" + UUID.randomUUID().toString().substring(0, 6)),
                        new FleetLink.Will(topics.lease(profile), new byte[0], true), false);
            }
        } catch (IOException e) {
            log.debug("lease {}: cannot connect to claim it: {}", holder, e.getMessage());
            nextClaimNanos = now + ttlNanos / 3;
            return;
        }
        nonce = UUID.randomUUID().toString();
        term = seenTerm + 1;
        claimSentNanos = now;
        claimSeenNanos = 0;
        if (!publish(term)) {
            abandonClaim();
            nextClaimNanos = now + ttlNanos / 3;
            return;
        }
        log.info("lease {}: {} claims it (term {})", topics.lease(profile), holder, term);
    }

    private boolean publish(long t) {
        String body = JSON.createObjectNode().put("holder", holder).put("term", t).put("ttl_ms", TimeUnit.NANOSECONDS.toMillis(ttlNanos))
                .put("expires_ms", System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(ttlNanos)).put("nonce", nonce).toString();
        try {
            leaseLink.publish(topics.lease(profile), body.getBytes(StandardCharsets.UTF_8), 1, true);
            return true;
        } catch (IOException | RuntimeException e) {
            log.debug("lease {}: publish failed: {}", holder, e.getMessage());
            return false;
        }
    }

    private void abandonClaim() {
        nonce = null;
        claimSeenNanos = 0;
        nextClaimNanos = 0;
        closeLeaseLink();
    }

    private void lose(String why) {
        held = false;
        nonce = null;
        claimSeenNanos = 0;
        nextClaimNanos = 0;
        closeLeaseLink(); // a goodbye: its will must not clear the lease another holds now
        log.warn("lease {}: {} lost it: {}", topics.lease(profile), holder, why);
        listener.lost(why);
    }

    private void closeLeaseLink() {
        if (leaseLink != null) {
            leaseLink.close();
            leaseLink = null;
        }
    }

    /** Gives the lease up (cleared on the broker, so a standby takes it at once) and stops. */
    @Override
    public void close() {
        closed = true;
        clock.shutdownNow();
        synchronized (this) {
            if (held && leaseLink != null) {
                try {
                    leaseLink.clearRetained(topics.lease(profile));
                } catch (IOException e) {
                    log.debug("lease {}: could not clear it: {}", holder, e.getMessage());
                }
            }
            held = false;
            closeLeaseLink();
        }
    }

    /** Drops the lease's connection as a crash would: the broker's will clears it (tests of the hand-over). */
    synchronized void crash() {
        closed = true;
        clock.shutdownNow();
        if (leaseLink != null) {
            leaseLink.crash();
            leaseLink = null;
        }
        held = false;
    }
}
