package dev.embody.actuation;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;

/**
 * The embedded MQTT broker (Moquette 0.17, MQTT 3.1.1) on a loopback port, used when no --broker is given. It keeps
 * sessions in memory only; a restart loses them, which the links survive by subscribing again and resending.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The protocol Moquette 0.17 speaks. */
    public static final String PROTOCOL = "3.1.1";

    private final int port;
    private Server server;

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
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.mqtt.message_size", Integer.toString(4 * 1024 * 1024));
        Server s = new Server();
        s.startServer(new MemoryConfig(p));
        server = s;
        log.info("embedded MQTT broker (Moquette, MQTT 3.1.1) on {}", url());
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

    public void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
