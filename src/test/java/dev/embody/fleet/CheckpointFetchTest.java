package dev.embody.fleet;

import dev.embody.actuation.MqttOptions;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fetching an announced checkpoint's chunks from a real Mosquitto: what the broker does not retain is refused at once, not waited for. */
@Timeout(120)
@Tag("external")
class CheckpointFetchTest {

    @TempDir
    Path dir;

    @Test
    void chunksTheBrokerDoesNotRetainAreRefusedAtOnce_naming_theMissingOnes_notAfterTheWholeTimeout() throws Exception {
        FleetTopics topics = new FleetTopics("lab");
        byte[] bytes = new byte[3 * CheckpointPackage.CHUNK_BYTES - 100];
        new Random(7).nextBytes(bytes);
        CheckpointPackage pkg = new CheckpointPackage(bytes);
        Announcement a = new Announcement("sim-game", "v0002", "v0001", pkg.sha256(), pkg.size(), pkg.chunks(), CheckpointPackage.CHUNK_BYTES,
                new dev.embody.planning.InputSpec(32, 32, 1, 32, List.of()), 4, "t1", 1, "not gated", "2024-01-01T00:00:00Z", "t1", null, 1L);
        assertThat(pkg.chunks()).isEqualTo(3);
        Duration timeout = Duration.ofSeconds(30);
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             FleetLink trainer = FleetLink.open(MqttOptions.of(broker.url(), "trainer").withVersion("5"));
             FleetLink agent = FleetLink.open(MqttOptions.of(broker.url(), "agent").withVersion("5"))) {
            trainer.publish(topics.chunks("sim-game", "v0002") + 1, pkg.chunk(1), 1, true); // chunks 0 and 2 never made it

            long t0 = System.nanoTime();
            assertThatThrownBy(() -> CheckpointFetch.fetch(agent, topics, a, timeout, topics.agentProbe("a1", "fetch")))
                    .isInstanceOf(BadMessage.class)
                    .hasMessageContaining("the broker retains only 1 of its 3 chunk(s) on " + topics.chunks("sim-game", "v0002") + "+ (missing: 0, 2)");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("refused before the fetch's whole timeout").isLessThan(timeout.dividedBy(2));

            // the same fetch once every chunk is retained: it comes whole
            trainer.publish(topics.chunks("sim-game", "v0002") + 0, pkg.chunk(0), 1, true);
            trainer.publish(topics.chunks("sim-game", "v0002") + 2, pkg.chunk(2), 1, true);
            assertThat(CheckpointFetch.fetch(agent, topics, a, timeout, topics.agentProbe("a1", "fetch")).sha256()).isEqualTo(pkg.sha256());
        }
    }
}
