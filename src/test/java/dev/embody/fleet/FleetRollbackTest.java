package dev.embody.fleet;

import dev.embody.bench.SimFleetAgent;
import dev.embody.learning.Trainer;
import dev.embody.loop.Intervention;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator rolls the whole fleet back with {@code ./run policy use --fleet}: both agents swap the earlier version in,
 * and the trainer trains its next round from it; a version the fleet never announced is refused with the ones it did.
 */
@Timeout(120)
@Tag("external")
class FleetRollbackTest {

    private static final int CORRECTIONS = 4;

    @TempDir
    Path dir;

    @Test
    void policyUseFleetRollsEveryAgentBackAndTheTrainerTrainsOnFromIt() throws Exception {
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        Path fleetDir = dir.resolve("fleet");
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            FleetTrainer.Settings ts = FleetTrainer.Settings.of(broker.url(), "lab", "t1", fleetDir).withSchedule(CORRECTIONS, Duration.ZERO).withGate(0)
                    .withTraining(new Trainer.Options(20, 32, 2e-3f, 20, 1));
            try (FleetTrainer trainer = new FleetTrainer(ts, profile, library, null).start();
                 FleetAgent a = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", "a", fleetDir.resolve("agents/a"), true), profile, library);
                 FleetAgent b = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", "b", fleetDir.resolve("agents/b"), true), profile, library)) {
                assertThat(a.awaitPolicy(Duration.ofSeconds(60))).isNotNull();
                assertThat(b.awaitPolicy(Duration.ofSeconds(60))).isNotNull();
                SimFleetAgent simA = new SimFleetAgent(a, profile, library);

                correct(simA, 7);
                await(() -> b.current().version().equals("v0002") && a.current().version().equals("v0002"), "both agents run v0002");

                CliRun unknown = CliRun.of("policy", "use", "--fleet", broker.url(), "--fleet-name", "lab", "v0042");
                assertThat(unknown.exit()).isEqualTo(2);
                assertThat(unknown.err()).contains("no checkpoint v0042 of sim-game was announced on fleet lab (announced: v0001, v0002)");

                CliRun back = CliRun.of("policy", "use", "--fleet", broker.url(), "--fleet-name", "lab", "v0001");
                assertThat(back.exit()).as(back.out() + back.err()).isZero();
                assertThat(back.out()).contains("fleet lab: sim-game now runs v0001 (was v0002)");
                await(() -> a.current().version().equals("v0001") && b.current().version().equals("v0001"), "both agents back on v0001");
                assertThat(b.swaps()).containsExactly("v0001", "v0002", "v0001");
                assertThat(b.running().rollbackFrom()).isEqualTo("v0002");
                assertThat(b.running().by()).isEqualTo("policy use");

                // the trainer takes the rollback as its base: the next round trains from v0001
                correct(simA, 8);
                await(() -> trainer.rounds().size() == 2, "a second round");
                FleetTrainer.Round second = trainer.rounds().get(1);
                assertThat(second.base()).isEqualTo("v0001");
                assertThat(second.datasetRecords()).as("the round after a rollback waits for new examples: it is not the rolled-back round again")
                        .containsEntry("t1", 2 * CORRECTIONS);
                assertThat(trainer.checkpoints().find(second.version()).orElseThrow().parent()).isEqualTo("v0001");
                await(() -> b.current().version().equals(second.version()), "b runs the round trained from the rollback");
            }
        }
    }

    /** One short episode on agent A whose operator overrides it CORRECTIONS times. */
    private static void correct(SimFleetAgent sim, long seed) throws Exception {
        AtomicReference<String> said = new AtomicReference<>();
        AtomicInteger given = new AtomicInteger();
        SimFleetAgent.Played p = sim.episode(SimFleetAgent.Settings.of(1, seed).withoutOperator().withMaxSteps(3 + CORRECTIONS + 2), seed, (step, inbox) -> {
            if (step.index() == 3) {
                said.set(step.decision().scores().entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey());
            }
            if (step.index() >= 3 && given.get() < CORRECTIONS) {
                given.incrementAndGet();
                inbox.submit(Intervention.command(SkillCall.parse(said.get()), said.get(), "test"));
            }
        });
        assertThat(p.corrections()).isEqualTo(CORRECTIONS);
        assertThat(sim.fleet().drain(Duration.ofSeconds(20))).isTrue();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
