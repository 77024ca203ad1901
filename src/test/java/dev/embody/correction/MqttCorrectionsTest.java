package dev.embody.correction;

import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.FreePort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Text corrections over MQTT, published with mosquitto_pub to a real Mosquitto started here on a free loopback port. */
@Tag("external")
class MqttCorrectionsTest {

    @TempDir
    Path dir;
    Process broker;
    int port;

    @BeforeEach
    void startMosquitto() throws Exception {
        assumeTrue(new File("/usr/sbin/mosquitto").canExecute() && new File("/usr/bin/mosquitto_pub").canExecute(), "needs Debian's mosquitto and mosquitto-clients");
        port = FreePort.pick();
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        broker = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto did not start: " + Files.readString(dir.resolve("mosquitto.log")));
    }

    @AfterEach
    void stopMosquitto() throws Exception {
        if (broker != null) {
            broker.destroy();
            broker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    void publish(String topic, String message) throws Exception {
        Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "1", "-t", topic, "-m", message)
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    @Test
    void correctionsPublishedToTheAgentsTopicGoThroughTheParser() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        OperatorInbox inbox = new OperatorInbox();
        List<Intervention> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        inbox.observe(seen::add);
        try (MqttCorrections channel = MqttCorrections.connect("tcp://127.0.0.1:" + port, "rover-7", () -> new CorrectionParser(lib), inbox)) {
            assertThat(channel.topic()).isEqualTo("embody/agents/rover-7/corrections");
            Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-C", "2", "-W", "20",
                    "-t", "embody/agents/rover-7/corrections/understood").start();
            Thread.sleep(300);
            publish("embody/agents/rover-7/corrections", "a bit more to the left");
            publish("embody/agents/rover-7/corrections", "sing me a song");
            publish("embody/agents/other-agent/corrections", "go right");
            publish("embody/agents/rover-7/corrections", "stop");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.size() < 2 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertThat(seen).extracting(i -> i.kind() + " " + (i.command() == null ? "" : i.command()) + " via " + i.channel())
                    .containsExactly("COMMAND move(direction=left, amount=small) via mqtt", "STOP  via mqtt");
            assertThat(inbox.stopRequested()).isTrue();
            assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
            List<String> replies = new ArrayList<>(new String(sub.getInputStream().readAllBytes()).lines().toList());
            assertThat(replies).hasSize(2);
            assertThat(replies.get(0)).contains("\"applied\":true").contains("move(direction=left, amount=small)");
            assertThat(replies.get(1)).contains("\"applied\":false").contains("sing me a song");
        }
    }
}
