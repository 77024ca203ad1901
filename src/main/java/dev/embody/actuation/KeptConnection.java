package dev.embody.actuation;

import org.slf4j.Logger;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A connection to a broker kept up by connecting a fresh client whenever the last one lost the broker (see
 * {@link ReconnectingLink} for why a fresh one): the old client is dropped first, the new one subscribes again before it
 * takes over, and a failed try is retried after 250 ms, doubling to 1 s. The robot links and the fleet's link both keep
 * theirs so; what a client is, and what happens once it is back, is theirs.
 */
public final class KeptConnection<C extends KeptConnection.Client> {

    /** How long any one operation (connect, subscribe, a QoS 1 publish) may wait for the broker: never for ever. */
    public static final long OPERATION_TIMEOUT_MS = 5000;
    private static final long FIRST_RETRY_MS = 250;
    private static final long LAST_RETRY_MS = 1000;

    /** One protocol client, connected once; every reconnect makes a new one. */
    public interface Client {
        boolean connected();

        /** Says goodbye to the broker, within a bounded time; never throws. */
        void disconnect();

        /** Drops the client without a word to the broker; never throws. */
        void abandon();
    }

    /** What the owner of the connection does at a reconnect. */
    public interface Connector<C> {
        /** A new client, connected; throws when the broker cannot be reached or refuses. */
        C connect() throws IOException;

        /** Makes every subscription again on a fresh client (under {@link #lock()}); how many; throws the first failure. */
        int subscribeAgain(C fresh) throws Exception;

        /** The fresh client took over after the broker was away {@code downMillis}; for the log and what must follow. */
        void reconnected(C fresh, long downMillis, int subscriptions);
    }

    private final Logger log;
    private final String link;
    private final String clientId;
    private final Connector<C> connector;
    private final Object swap = new Object();
    private final String thread;
    private ScheduledExecutorService keeper;
    private volatile C current;
    private volatile boolean closed;
    private long retryMillis = FIRST_RETRY_MS;
    private long nextAttemptNanos;
    private long downSinceNanos = -1;
    private volatile long reconnects;
    private volatile long connectedNanos = System.nanoTime();

    /** {@code link} names the link in the log ("fleet link", "MQTT link"); {@code thread}, the thread that reconnects. */
    public KeptConnection(Logger log, String link, String thread, String clientId, Connector<C> connector) {
        this.log = log;
        this.link = link;
        this.thread = thread;
        this.clientId = clientId;
        this.connector = connector;
    }

    /** Connects the first time (throws when the broker cannot be reached) and keeps the connection up from then on. */
    public void start() throws IOException {
        current = connector.connect();
        keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        keeper.scheduleWithFixedDelay(this::keepConnected, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** The client now in use (down, while a reconnect is due). */
    public C current() {
        return current;
    }

    /** Whether this client is the one in use and the connection is not closed: what a client's "lost" is logged for. */
    public boolean inUse(C c) {
        return c == current && !closed;
    }

    /** Held while a fresh client subscribes again and takes over: hold it to subscribe, so no filter falls between two clients. */
    public Object lock() {
        return swap;
    }

    /** How many times it connected again after losing the broker. */
    public long reconnects() {
        return reconnects;
    }

    /** When the connection now up began to connect (System.nanoTime). */
    public long connectedNanos() {
        return connectedNanos;
    }

    private void keepConnected() {
        C old = current;
        if (closed || old.connected()) {
            retryMillis = FIRST_RETRY_MS;
            downSinceNanos = -1;
            return;
        }
        long now = System.nanoTime();
        if (downSinceNanos < 0) {
            downSinceNanos = now;
        }
        if (now < nextAttemptNanos) {
            return;
        }
        old.abandon(); // before the new one: the broker must never see the old client take the session back
        try {
            long connecting = System.nanoTime();
            C fresh = connector.connect();
            int subscriptions;
            synchronized (swap) {
                try {
                    subscriptions = connector.subscribeAgain(fresh);
                } catch (Exception e) {
                    fresh.abandon();
                    throw new IOException("could not subscribe again: " + e.getMessage(), e);
                }
                current = fresh;
                connectedNanos = connecting;
            }
            if (closed) {
                fresh.disconnect();
                return;
            }
            reconnects++;
            long downMillis = (now - downSinceNanos) / 1_000_000;
            retryMillis = FIRST_RETRY_MS;
            downSinceNanos = -1;
            connector.reconnected(fresh, downMillis, subscriptions);
        } catch (IOException | RuntimeException e) {
            log.debug("{} {}: reconnect failed ({}); next try in {} ms", link, clientId, e.getMessage(), retryMillis);
            nextAttemptNanos = now + retryMillis * 1_000_000;
            retryMillis = Math.min(LAST_RETRY_MS, retryMillis * 2);
        }
    }

    /** Stops reconnecting; with {@code wait}, once a reconnect under way has ended (at most the operation timeout). */
    public void stop(boolean wait) {
        closed = true;
        if (keeper == null) {
            return;
        }
        keeper.shutdownNow();
        if (wait) {
            try {
                keeper.awaitTermination(OPERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops reconnecting and says goodbye to the broker. */
    public void close() {
        stop(true);
        if (current != null) {
            current.disconnect();
        }
    }
}
