package dev.embody.fleet;

import dev.embody.bench.SimFleetAgent;
import dev.embody.learning.Trainer;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One agent and one trainer over a real Mosquitto, in this process: the trainer starts the fleet's policy (v0001,
 * untrained), the agent fetches it, plays with the oracle demonstrating; every example reaches the trainer's disk
 * once; a round trains v0002 on them and the agent swaps it in.
 */
@Timeout(120)
@Tag("external")
class FleetRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void examplesGoToTheTrainerAndItsCheckpointComesBack() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            roundTrip(broker.url());
        }
    }

    /** The same on the in-process MQTT 5 broker (HiveMQ CE), which `fleet demo` uses where Mosquitto is not installed. */
    @Test
    void theSameOnTheEmbeddedBroker() throws Exception {
        try (FleetBroker broker = FleetBroker.start("embedded", dir.resolve("broker"))) {
            roundTrip(broker.url());
        }
    }

    private void roundTrip(String url) throws Exception {
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        Path fleetDir = dir.resolve("fleet");
        FleetTrainer.Settings ts = FleetTrainer.Settings.of(url, "lab", "t1", fleetDir).withSchedule(10, Duration.ZERO).withGate(0)
                .withTraining(new Trainer.Options(5, 32, 2e-3f, 30, 1));
        try (FleetTrainer trainer = new FleetTrainer(ts, profile, library, null).start();
             FleetAgent agent = FleetAgent.join(FleetAgent.Settings.of(url, "lab", "a1", fleetDir.resolve("agents/a1"), true), profile, library)) {
            assertThat(agent.awaitPolicy(Duration.ofSeconds(30))).isNotNull();
            assertThat(agent.current().version()).isEqualTo("v0001");

            SimFleetAgent sim = new SimFleetAgent(agent, profile, library);
            SimFleetAgent.Played p = sim.episode(SimFleetAgent.Settings.of(1, 1).withPolicy("oracle").withMaxSteps(40), 1, null);
            assertThat(p.steps()).isGreaterThan(10);
            assertThat(agent.drain(Duration.ofSeconds(20))).isTrue();

            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!agent.swaps().contains("v0002") && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertThat(agent.swaps()).contains("v0001", "v0002");
            FleetLedger ledger = FleetLedger.count(fleetDir, "sim-game");
            // each step the oracle decided is an example; a fast round may swap v0002 in mid-episode, whose own steps
            // teach nothing: so at least the ten that trigger the round, at most one a step
            assertThat(ledger.published()).isBetween(10L, p.steps());
            assertThat(ledger.lost()).isZero();
            assertThat(ledger.doubled()).isZero();
            assertThat(trainer.rounds()).hasSize(1);
        }
    }
}
