package dev.embody.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker (the Debian package's binary) on a free loopback port, anonymous, no persistence: started
 * and stopped by a test, and restartable on the same port to show a broker going away mid-episode.
 */
public final class Mosquitto implements AutoCloseable {

    private final int port;
    private final Path config;
    private final Path log;
    private Process process;

    private Mosquitto(int port, Path dir) throws IOException {
        this.port = port;
        Files.createDirectories(dir);
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        Files.writeString(config, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 10000\n");
    }

    /** Starts mosquitto that lets in only this user (a password file made with mosquitto_passwd). */
    public static Mosquitto startWithPassword(Path dir, String user, String password) throws IOException, InterruptedException {
        Mosquitto m = new Mosquitto(FreePort.pick(), dir);
        Path pw = dir.resolve("passwords");
        Process p = new ProcessBuilder("mosquitto_passwd", "-b", "-c", pw.toString(), user, password).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("mosquitto_passwd failed: " + new String(p.getInputStream().readAllBytes()));
        }
        // run as root, mosquitto drops to its own user, which cannot read a test's private temp folder
        String runAs = "root".equals(System.getProperty("user.name")) ? "user root\n" : "";
        Files.writeString(m.config, runAs + "listener " + m.port + " 127.0.0.1\nallow_anonymous false\npassword_file " + pw + "\npersistence false\n");
        m.launch();
        return m;
    }

    /** Starts mosquitto; fails the test with a clear message when the binary is missing. */
    public static Mosquitto start(Path dir) throws IOException, InterruptedException {
        Mosquitto m = new Mosquitto(FreePort.pick(), dir);
        m.launch();
        return m;
    }

    public static String binary() {
        for (String p : new String[]{"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("mosquitto is not installed (Debian: apt-get install mosquitto; ./run tests installs it)");
    }

    private void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(binary(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException("mosquitto exited at start: " + Files.readString(log));
                }
                Thread.sleep(30);
            }
        }
        throw new IOException("mosquitto did not listen on " + port + " within 10 s");
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Stops it, waits, and starts it again on the same port: every session is gone (no persistence). */
    public void restart(long downMillis) throws IOException, InterruptedException {
        stop();
        Thread.sleep(downMillis);
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
