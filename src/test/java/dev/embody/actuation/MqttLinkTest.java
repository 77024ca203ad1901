package dev.embody.actuation;

import org.junit.jupiter.api.Tag;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** One link to a real Mosquitto that goes away and comes back while the link is busy. */
@Tag("external")
class MqttLinkTest {

    @TempDir
    Path tmp;

    /**
     * A robot publishes all the time (frames, state, acks), so sooner or later a publish lands while Paho is tearing
     * the connection down; Paho 1.2.5 then keeps that message queued, the next connect's sender thread sees "not
     * connected, something queued" and quits, and the connect waits forever ("Connect already in progress"). The
     * link must come back anyway, every time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"5", "3.1.1"})
    void aLinkThatPublishesWhileTheBrokerGoesAwayComesBackEveryTime(String version) throws Exception {
        try (Mosquitto m = Mosquitto.start(tmp.resolve("mosquitto"));
             MqttLink busy = MqttLink.connect(MqttOptions.of(m.url(), "test-busy-" + System.nanoTime()).withVersion(version));
             MqttLink listener = MqttLink.connect(MqttOptions.of(m.url(), "test-listener-" + System.nanoTime()).withVersion(version))) {
            AtomicLong heard = new AtomicLong();
            listener.subscribe("test/busy/#", 0, (t, p) -> heard.incrementAndGet());
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> publishers = new ArrayList<>();
            byte[] frame = new byte[20_000];
            for (int i = 0; i < 3; i++) {
                int qos = i == 2 ? 1 : 0; // frames at QoS 0, acks at QoS 1
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            busy.publish("test/busy/" + qos, frame, qos, false);
                        } catch (Exception e) {
                            Thread.onSpinWait(); // the broker is away: go on trying, as the robot does
                        }
                    }
                }, "test-publisher-" + i);
                t.setDaemon(true);
                t.start();
                publishers.add(t);
            }
            try {
                for (int cycle = 1; cycle <= 6; cycle++) {
                    m.restart(100);
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    long before = heard.get();
                    while ((!busy.connected() || heard.get() == before) && System.nanoTime() < end) {
                        Thread.sleep(20);
                    }
                    assertThat(busy.connected()).as("the busy link is back within 15 s after restart " + cycle).isTrue();
                    assertThat(heard.get()).as("its messages arrive again after restart " + cycle).isGreaterThan(before);
                }
            } finally {
                running.set(false);
                for (Thread t : publishers) {
                    t.join(5000);
                }
            }
        }
    }
}
