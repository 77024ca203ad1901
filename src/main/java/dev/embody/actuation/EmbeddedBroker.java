package dev.embody.actuation;

import com.hivemq.embedded.EmbeddedHiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The embedded MQTT broker (HiveMQ Community Edition, MQTT 5 and 3.1.1) on a loopback port, used when no --broker is
 * given and by the fleet where Mosquitto is not installed. Anonymous; it keeps sessions in memory only, so a restart
 * loses them, which the links survive by subscribing again and resending.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The protocol the sim robot's links speak to it: 3.1.1, so the default path runs the link an older broker needs. */
    public static final String PROTOCOL = "3.1.1";

    private final int port;
    private EmbeddedHiveMQ server;

    private EmbeddedBroker(int port) {
        this.port = port;
    }

    /** Starts on a free loopback port. */
    public static EmbeddedBroker start() throws IOException {
        return start(freePort());
    }

    public static EmbeddedBroker start(int port) throws IOException {
        EmbeddedBroker b = new EmbeddedBroker(port);
        b.startServer();
        return b;
    }

    private void startServer() throws IOException {
        Path dir = Files.createTempDirectory("embody-broker");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("extensions"));
        // no usage statistics: nothing leaves the machine
        Files.writeString(conf.resolve("config.xml"), "<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners><tcp-listener><port>" + port
                + "</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>\n"
                + "  <persistence><mode>in-memory</mode></persistence>\n"
                + "  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n</hivemq>\n");
        EmbeddedHiveMQ h = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions")).withoutLoggingBootstrap().build();
        try {
            h.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            try {
                h.close();
            } catch (Exception x) {
                e.addSuppressed(x);
            }
            delete(dir);
            throw new IOException("the embedded MQTT broker (HiveMQ CE) did not start on port " + port + ": " + e.getMessage(), e);
        }
        // read at start, and in-memory persistence keeps nothing there: gone now, so that a process that exits before
        // the broker's stop has finished (close does not wait for it) leaves no folder behind
        delete(dir);
        server = h;
        log.info("embedded MQTT broker (HiveMQ CE, MQTT 5 and 3.1.1) on {}", url());
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops and starts again on the same port (for tests of a broker that goes away mid-episode). */
    public void restart() throws IOException {
        stop();
        startServer();
    }

    /**
     * Stops and waits until the port is free again, for a restart on it: milliseconds, not the 4 s HiveMQ takes to end
     * its threads (two event loop groups that each wait out netty's 2 s quiet period), which go on in the background.
     */
    public void stop() {
        CompletableFuture<Void> stopped = stopping();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!stopped.isDone() && !portFree()) {
            if (System.nanoTime() > deadline) {
                stopped.join();
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean portFree() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // as the broker's own listener binds it
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops without waiting for HiveMQ's quiet period: clients are gone at once, its threads end on their own. */
    @Override
    public void close() {
        stopping();
    }

    private CompletableFuture<Void> stopping() {
        EmbeddedHiveMQ h = server;
        server = null;
        if (h == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                h.close(); // stops it and releases its threads
            } catch (Exception e) {
                log.debug("stopping the embedded broker: {}", e.getMessage());
            } finally {
                done.complete(null);
            }
        }, "embedded-broker-stop");
        t.setDaemon(true);
        t.start();
        return done;
    }

    private static void delete(Path d) {
        try (Stream<Path> all = Files.walk(d)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("removing {}: {}", d, e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
