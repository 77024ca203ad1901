package dev.embody.fleet;

import dev.embody.bench.SimFleetAgent;
import dev.embody.actuation.MqttOptions;
import dev.embody.learning.Trainer;
import dev.embody.loop.Intervention;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The holder adopts v0002, and then its announcement of it is lost: the broker restarts and the holder dies before it
 * announces it again (what FleetFaultsTest ran into now and then: the broker's RST discards what a standby had not read
 * yet). The broker's policy topic still says v0001; the trainer taking over must resume from v0002, the checkpoint
 * the dead holder adopted and put in use after that announcement, not go back to v0001.
 */
@Timeout(120)
@Tag("external")
class FleetTakeOverTest {

    @TempDir
    Path dir;

    @Test
    void aTrainerTakingOverResumesFromWhatTheDeadHolderAdoptedEvenIfItsAnnouncementWasLost() throws Exception {
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        Path fleetDir = dir.resolve("fleet");
        FleetTopics topics = new FleetTopics("lab");
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             FleetLink watcher = FleetLink.open(MqttOptions.of(broker.url(), "watcher").withVersion("5"))) {
            AtomicReference<byte[]> firstAnnouncement = new AtomicReference<>();
            watcher.subscribe(topics.policy("sim-game"), 1, d -> firstAnnouncement.compareAndSet(null, d.payload().length == 0 ? null : d.payload()));
            FleetTrainer.Settings ts1 = FleetTrainer.Settings.of(broker.url(), "lab", "t1", fleetDir).withSchedule(4, Duration.ZERO).withGate(0)
                    .withTraining(new Trainer.Options(20, 32, 2e-3f, 20, 1));
            FleetTrainer t1 = new FleetTrainer(ts1, profile, library, null).start();
            try (FleetAgent a = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", "a", fleetDir.resolve("agents/a"), true), profile, library)) {
                assertThat(a.awaitPolicy(Duration.ofSeconds(60))).isNotNull();
                correct(new SimFleetAgent(a, profile, library));
                await(() -> t1.rounds().size() == 1 && a.current().version().equals("v0002"), "t1 adopts and announces v0002");
            }
            assertThat(Announcement.parse(firstAnnouncement.get(), topics, "sim-game").version()).isEqualTo("v0001");

            // t1 dies as kill -9 would; the broker's policy topic says v0001 again, as announced then (the later one lost)
            t1.crashLease();
            watcher.publish(topics.policy("sim-game"), firstAnnouncement.get(), 1, true);
            FleetTrainer.Settings ts2 = FleetTrainer.Settings.of(broker.url(), "lab", "t2", fleetDir).withSchedule(4, Duration.ZERO).withGate(0);
            try (FleetTrainer t2 = new FleetTrainer(ts2, profile, library, null).start()) {
                await(() -> t2.holdsLease() && t2.announced() != null, "t2 takes the lease and announces");
                assertThat(t2.announced().version()).as("t2 resumes from the checkpoint t1 adopted last").isEqualTo("v0002");
            } finally {
                t1.close();
            }
        }
    }

    private static void correct(SimFleetAgent sim) throws Exception {
        AtomicReference<String> said = new AtomicReference<>();
        AtomicInteger given = new AtomicInteger();
        sim.episode(SimFleetAgent.Settings.of(1, 7).withoutOperator().withMaxSteps(9), 7, (step, inbox) -> {
            if (step.index() == 3) {
                said.set(step.decision().scores().entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey());
            }
            if (step.index() >= 3 && given.get() < 4) {
                given.incrementAndGet();
                inbox.submit(Intervention.command(SkillCall.parse(said.get()), said.get(), "test"));
            }
        });
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
