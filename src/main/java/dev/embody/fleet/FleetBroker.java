package dev.embody.fleet;

import dev.embody.actuation.EmbeddedBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An MQTT 5 broker on a loopback port for a fleet on one machine (the demo, the benchmark): Debian's Mosquitto when it
 * is installed, else the {@link EmbeddedBroker} in this process (HiveMQ Community Edition; both speak MQTT 5 with
 * shared subscriptions and wills). Anonymous, no persistence.
 */
public final class FleetBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetBroker.class);
    public static final List<String> KINDS = List.of("auto", "mosquitto", "embedded");

    private final String kind;
    private final int port;
    private final Process mosquitto;
    private final AutoCloseable embedded;

    private FleetBroker(String kind, int port, Process mosquitto, AutoCloseable embedded) {
        this.kind = kind;
        this.port = port;
        this.mosquitto = mosquitto;
        this.embedded = embedded;
    }

    /** Where Debian puts mosquitto, if it is installed. */
    public static Optional<Path> mosquittoBinary() {
        for (String p : new String[]{"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
            if (Files.isExecutable(Path.of(p))) {
                return Optional.of(Path.of(p));
            }
        }
        return Optional.empty();
    }

    /**
     * @param kind auto (Mosquitto if installed, else embedded), mosquitto, or embedded
     * @param dir  where its configuration and log go
     */
    public static FleetBroker start(String kind, Path dir) throws IOException {
        Files.createDirectories(dir);
        int port = freePort();
        if (kind.equals("mosquitto") || (kind.equals("auto") && mosquittoBinary().isPresent())) {
            Path bin = mosquittoBinary().orElseThrow(() -> new IOException("mosquitto is not installed (Debian: apt-get install mosquitto); --broker embedded runs one in-process"));
            Path conf = dir.resolve("mosquitto.conf");
            String runAs = "root".equals(System.getProperty("user.name")) ? "user root\n" : "";
            Files.writeString(conf, runAs + "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n");
            Process p = new ProcessBuilder(bin.toString(), "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
            awaitListening(port, p);
            log.info("fleet broker: Mosquitto (MQTT 5) on tcp://127.0.0.1:{}", port);
            return new FleetBroker("mosquitto", port, p, null);
        }
        if (!kind.equals("auto") && !kind.equals("embedded")) {
            throw new IllegalArgumentException("broker kind must be one of " + KINDS + ", got '" + kind + "'");
        }
        return new FleetBroker("embedded", port, null, embedded(port));
    }

    private static AutoCloseable embedded(int port) throws IOException {
        long t0 = System.nanoTime();
        EmbeddedBroker b = EmbeddedBroker.start(port);
        log.info("fleet broker: HiveMQ CE embedded (MQTT 5) on tcp://127.0.0.1:{}, started in {} ms", port, (System.nanoTime() - t0) / 1_000_000);
        return b;
    }

    private static void awaitListening(int port, Process p) throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("mosquitto exited at start (exit " + p.exitValue() + ")");
                }
                try {
                    Thread.sleep(30);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
        p.destroyForcibly();
        throw new IOException("mosquitto did not listen on " + port + " within 10 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** mosquitto or embedded. */
    public String kind() {
        return kind;
    }

    @Override
    public void close() {
        if (mosquitto != null) {
            mosquitto.destroy();
            try {
                if (!mosquitto.waitFor(5, TimeUnit.SECONDS)) {
                    mosquitto.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (embedded != null) {
            try {
                embedded.close();
            } catch (Exception e) {
                log.debug("stopping the embedded broker: {}", e.getMessage());
            }
        }
    }
}
