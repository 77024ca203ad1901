package dev.embody.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.actuation.MqttOptions;
import dev.embody.learning.Checkpoint;
import dev.embody.planning.InputSpec;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Three agents run the fleet's v0001 on a real Mosquitto; then someone announces checkpoints that must not run: one whose
 * chunks do not hash to the announced sha256, one announced for another input spec, and one announced for the right spec
 * whose checkpoint.json says another. Every agent refuses each with a message saying why, and keeps running v0001.
 */
@Timeout(120)
@Tag("external")
class FleetRefusalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyAgentRefusesACheckpointWhoseHashOrInputSpecDoesNotMatch() throws Exception {
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        Path fleetDir = dir.resolve("fleet");
        FleetTopics topics = new FleetTopics("lab");
        String store = profile.memoryName();
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            FleetTrainer.Settings ts = FleetTrainer.Settings.of(broker.url(), "lab", "t1", fleetDir).withSchedule(1_000_000, Duration.ZERO).withGate(0);
            List<FleetAgent> agents = new ArrayList<>();
            try (FleetTrainer trainer = new FleetTrainer(ts, profile, library, null).start();
                 FleetLink tamperer = FleetLink.open(MqttOptions.of(broker.url(), "tamperer").withVersion("5"))) {
                for (String id : List.of("a1", "a2", "a3")) {
                    agents.add(FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", id, fleetDir.resolve("agents").resolve(id), true), profile, library));
                }
                for (FleetAgent a : agents) {
                    assertThat(a.awaitPolicy(Duration.ofSeconds(60))).as(a.agent()).isNotNull();
                    assertThat(a.current().version()).isEqualTo("v0001");
                }
                Announcement good = agents.get(0).running();
                Checkpoint v1 = trainer.checkpoints().find("v0001").orElseThrow();
                CheckpointPackage pkg = CheckpointPackage.of(v1);

                // v0002: v0001's bytes with one byte changed on the way, announced with v0001's sha256
                byte[] bent = pkg.bytes().clone();
                bent[bent.length / 2] ^= 0x40;
                announce(tamperer, topics, new CheckpointPackage(bent), withVersion(good, "v0002", pkg.sha256(), good.spec()));
                awaitRefusedByAll(agents, "v0002", r -> r.contains("the sha256 of what came is " + CheckpointPackage.sha256(bent))
                        && r.contains("the announcement says " + pkg.sha256()));

                // v0003: an honest package, announced as reading 32x32 pixels
                InputSpec other = new InputSpec(32, 32, 1, 32, List.of());
                assertThat(other).isNotEqualTo(profile.inputSpec());
                announce(tamperer, topics, pkg, withVersion(good, "v0003", pkg.sha256(), other));
                awaitRefusedByAll(agents, "v0003", r -> r.contains("its input spec is " + other) && r.contains("profile reads " + profile.inputSpec()));

                // v0004: announced for the right spec, but its checkpoint.json was trained to read 32x32
                Path forged = dir.resolve("forged/v0004");
                Files.createDirectories(forged);
                Files.copy(v1.dir().resolve(Checkpoint.PARAMS), forged.resolve(Checkpoint.PARAMS));
                ObjectNode meta = (ObjectNode) JSON.readTree(v1.dir().resolve(Checkpoint.META).toFile());
                meta.put("version", "v0004"); // its own version (else the version check refuses it first), lying only about its input
                meta.putObject("input_spec").put("width", 32).put("height", 32).put("frames", 1).put("words", 32).putArray("features");
                Files.write(forged.resolve(Checkpoint.META), JSON.writeValueAsBytes(meta));
                CheckpointPackage lying = CheckpointPackage.of(new Checkpoint("v0004", forged, meta));
                announce(tamperer, topics, lying, withVersion(good, "v0004", lying.sha256(), profile.inputSpec()));
                awaitRefusedByAll(agents, "v0004", r -> r.contains("was trained") && r.contains("to read " + other));

                for (FleetAgent a : agents) {
                    assertThat(a.current().version()).as("%s keeps running what it had", a.agent()).isEqualTo("v0001");
                    assertThat(a.swaps()).containsExactly("v0001");
                    assertThat(fleetDir.resolve("agents").resolve(a.agent()).resolve("checkpoints/sim-game/v0004")).as("a refused checkpoint is not kept").doesNotExist();
                }
                // the refusal is on the agent's retained status too, for `fleet status` to show
                FleetStatus s = FleetStatus.read(MqttOptions.of(broker.url(), "status").withVersion("5"), "lab", store, 1500);
                assertThat(s.agents()).hasSize(3);
                s.agents().values().forEach(n -> assertThat(n.path("refused").path("version").asText()).isEqualTo("v0004"));
            } finally {
                agents.forEach(FleetAgent::close);
            }
        }
    }

    @Test
    void aTrainerRefusesAnExampleWhoseLabelIsNoCommandAtIngest_notStoredNotCounted_andTheAgentHearsWhy() throws Exception {
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        FleetTopics topics = new FleetTopics("lab");
        String store = profile.memoryName();
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            FleetTrainer.Settings ts = FleetTrainer.Settings.of(broker.url(), "lab", "t1", dir.resolve("fleet")).withSchedule(1_000_000, Duration.ZERO).withGate(0);
            try (FleetTrainer trainer = new FleetTrainer(ts, profile, library, null).start();
                 FleetLink agent = FleetLink.open(MqttOptions.of(broker.url(), "agent-x1").withVersion("5"))) {
                java.util.concurrent.BlockingQueue<String> receipts = new java.util.concurrent.LinkedBlockingQueue<>();
                agent.subscribe(topics.receipts("x1"), 1, d -> receipts.add(new String(d.payload(), java.nio.charset.StandardCharsets.UTF_8)));
                String command = dev.embody.planning.LearnedPolicy.names(library).get(0);
                agent.publish(topics.examples(store, "x1"), example(profile, 1, "fly(direction=up)").toBytes(), 1, false);
                agent.publish(topics.examples(store, "x1"), example(profile, 2, command).toBytes(), 1, false);

                StringBuilder heard = new StringBuilder();
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < end && !(heard.toString().contains("x1/e1/1") && heard.toString().contains("x1/e1/2"))) {
                    String r = receipts.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                    heard.append(r == null ? "" : r);
                }
                assertThat(heard.toString()).as("the agent hears why").contains("\"refused\"", "x1/e1/1", "fly(direction=up)", "is no command");
                assertThat(trainer.refusedCount()).isEqualTo(1);
                assertThat(trainer.stored()).as("only the example with a command is stored").isEqualTo(1);
                assertThat(trainer.dataset().counts().values().stream().mapToInt(Integer::intValue).sum()).as("nor counted toward --train-every").isEqualTo(1);
            }
        }
    }

    @Test
    void aSecondAgentWithTheSameIdIsRefused_andTheFirstOnesStatusStays() throws Exception {
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            FleetAgent first = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", "a1", dir.resolve("one"), false), profile, library);
            MqttOptions watcher = MqttOptions.of(broker.url(), "status").withVersion("5");
            String instance = awaitStatus(watcher, profile, "a1").path("instance").asText();
            assertThat(instance).as("the status names its instance").isNotEmpty();

            // the first one is alive: its status does not clear however long the second waits (here 2 s; 15 s by default)
            assertThatThrownBy(() -> FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", "a1", dir.resolve("two"), false), profile, library,
                    Duration.ofSeconds(2)))
                    .isInstanceOf(FleetAgent.IdInUse.class)
                    .hasMessageContaining("agent id 'a1' is in use on fleet lab by another agent (instance " + instance)
                    .hasMessageContaining("give this one another --agent-id");
            assertThat(awaitStatus(watcher, profile, "a1").path("instance").asText()).as("the first agent's status stays").isEqualTo(instance);

            // once the first is gone, the id is free: a restarted agent joins
            first.close();
            try (FleetAgent again = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", "a1", dir.resolve("one"), false), profile, library,
                    Duration.ofSeconds(2))) {
                assertThat(awaitStatus(watcher, profile, "a1").path("instance").asText()).isNotEqualTo(instance);
            }
        }
    }

    @Test
    void anAgentRefusesAPackageWhoseCheckpointJsonNamesAnotherVersionThanTheAnnouncement() throws Exception {
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        FleetTopics topics = new FleetTopics("lab");
        dev.embody.learning.Checkpoints made = profile.checkpoints(dir.resolve("made"));
        Checkpoint v1;
        try (dev.embody.planning.LearnedPolicy p = profile.untrained(library, 1)) {
            v1 = made.write(p, library.version(), null, java.util.Map.of());
        }
        CheckpointPackage pkg = CheckpointPackage.of(v1); // its checkpoint.json says v0001
        Announcement as5 = new Announcement(profile.memoryName(), "v0005", "v0004", pkg.sha256(), pkg.size(), pkg.chunks(), CheckpointPackage.CHUNK_BYTES,
                profile.inputSpec(), v1.commands().size(), "t1", 1, "not gated", v1.meta().path("created").asText(), "tamperer", null, System.currentTimeMillis());
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             FleetLink tamperer = FleetLink.open(MqttOptions.of(broker.url(), "tamperer").withVersion("5"));
             FleetAgent agent = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", "a1", dir.resolve("a1"), true), profile, library)) {
            announce(tamperer, topics, pkg, as5);
            awaitRefusedByAll(List.of(agent), "v0005", r -> r.contains("checkpoint.json names version 'v0001'") && r.contains("announcement is of v0005"));
            assertThat(agent.current()).as("nothing taken").isNull();
            assertThat(dir.resolve("a1/checkpoints").resolve(profile.memoryName()).resolve("v0005")).as("a refused checkpoint is not kept").doesNotExist();
        }
    }

    /** The retained status of an agent, once there is one. */
    private static com.fasterxml.jackson.databind.JsonNode awaitStatus(MqttOptions o, SimGameProfile profile, String agent) throws Exception {
        for (int i = 0; i < 100; i++) {
            com.fasterxml.jackson.databind.JsonNode n = FleetStatus.retained(o, new FleetTopics("lab"), agent, "watcher" + i, Duration.ofSeconds(10), Duration.ZERO);
            if (n != null) {
                return n;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no status of " + agent + " after 100 looks");
    }

    private static ExampleMessage example(SimGameProfile profile, long step, String label) {
        InputSpec s = profile.inputSpec();
        dev.embody.planning.PolicyInput in = new dev.embody.planning.PolicyInput(new byte[3 * s.frames() * s.width() * s.height()], s.width(), s.height(),
                s.frames(), Float.NaN, Float.NaN, "collect coins", null);
        return new ExampleMessage("x1", "e1", step, profile.memoryName(), s,
                new dev.embody.learning.Example(in, label, dev.embody.learning.Example.Source.CORRECTION, 2f, "x1/e1#" + step), System.currentTimeMillis());
    }

    private static Announcement withVersion(Announcement a, String version, String sha256, InputSpec spec) {
        return new Announcement(a.profile(), version, a.version(), sha256, a.size(), a.chunks(), a.chunkBytes(), spec, a.commands(), "tamperer",
                a.leaseTerm(), "not gated", a.created(), "tamperer", null, System.currentTimeMillis());
    }

    /** Chunks, manifest and policy, as a trainer announces (the chunk count and size follow the package). */
    private static void announce(FleetLink link, FleetTopics topics, CheckpointPackage pkg, Announcement a) throws Exception {
        Announcement sized = new Announcement(a.profile(), a.version(), a.parent(), a.sha256(), pkg.size(), pkg.chunks(), CheckpointPackage.CHUNK_BYTES,
                a.spec(), a.commands(), a.trainer(), a.leaseTerm(), a.score(), a.created(), a.by(), a.rollbackFrom(), a.announcedMs());
        for (int i = 0; i < pkg.chunks(); i++) {
            link.publish(topics.chunks(a.profile(), a.version()) + i, pkg.chunk(i), 1, true);
        }
        link.publish(topics.manifest(a.profile(), a.version()), sized.toBytes(topics), 1, true);
        link.publish(topics.policy(a.profile()), sized.toBytes(topics), 1, true);
    }

    private static void awaitRefusedByAll(List<FleetAgent> agents, String version, Predicate<String> reason) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end && !agents.stream().allMatch(a -> a.refusals().stream().anyMatch(r -> r.version().equals(version)))) {
            Thread.sleep(50);
        }
        for (FleetAgent a : agents) {
            List<FleetAgent.Refusal> mine = a.refusals().stream().filter(r -> r.version().equals(version)).toList();
            assertThat(mine).as("%s refuses %s (refusals so far: %s)", a.agent(), version, a.refusals()).isNotEmpty();
            assertThat(mine.get(0).reason()).as("%s says why it refuses %s", a.agent(), version).matches(reason);
        }
    }
}
