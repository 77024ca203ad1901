package dev.embody.fleet;

import dev.embody.bench.SimFleetAgent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.learning.Example;
import dev.embody.learning.Trainer;
import dev.embody.loop.Intervention;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillCall;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agent A's operator corrects it four times; nobody corrects agent B, which plays on meanwhile. The trainer's first
 * round trains on A's four corrections and nothing else, B swaps the result in between two steps, and on A's corrected
 * inputs the policy B now runs picks the command A's operator gave, which the one it ran before did not. B's recorded
 * episodes name, step by step, the checkpoint that decided.
 */
@Timeout(120)
@Tag("external")
class FleetCorrectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CORRECTIONS = 4;

    @TempDir
    Path dir;

    @Test
    void aCorrectionOnAgentAChangesThePolicyAgentBRunsWithinOneRound() throws Exception {
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        Path fleetDir = dir.resolve("fleet");
        Path episodes = dir.resolve("episodes");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            FleetTrainer.Settings ts = FleetTrainer.Settings.of(broker.url(), "lab", "t1", fleetDir).withSchedule(CORRECTIONS, Duration.ZERO).withGate(0)
                    .withTraining(new Trainer.Options(40, 32, 5e-3f, 40, 1));
            try (FleetTrainer trainer = new FleetTrainer(ts, profile, library, null).start();
                 FleetAgent a = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", "a", fleetDir.resolve("agents/a"), true), profile, library);
                 FleetAgent b = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", "b", fleetDir.resolve("agents/b"), true), profile, library)) {
                assertThat(a.awaitPolicy(Duration.ofSeconds(60))).isNotNull();
                assertThat(b.awaitPolicy(Duration.ofSeconds(60))).isNotNull();
                assertThat(b.current().version()).isEqualTo("v0001");

                // B plays in real time with nobody at its keyboard (it makes no examples) and counts its steps by version
                SimFleetAgent simB = new SimFleetAgent(b, profile, library);
                Map<String, AtomicInteger> byVersion = new java.util.concurrent.ConcurrentHashMap<>();
                java.util.concurrent.atomic.AtomicBoolean bDone = new java.util.concurrent.atomic.AtomicBoolean();
                Future<?> bRuns = pool.submit(() -> {
                    SimFleetAgent.Settings s = SimFleetAgent.Settings.of(50, 500).withoutOperator().withMaxSteps(400)
                            .withPeriod(Duration.ofMillis(40)).recordingTo(episodes);
                    for (int i = 0; i < s.episodes() && !bDone.get(); i++) {
                        simB.episode(s, s.firstSeed() + i, (step, inbox) -> {
                            if (step.decision() != null) {
                                byVersion.computeIfAbsent(step.decision().by(), k -> new AtomicInteger()).incrementAndGet();
                            }
                        });
                    }
                    return null;
                });
                long bEnd = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (byVersion.getOrDefault("learned v0001", new AtomicInteger()).get() < 5 && System.nanoTime() < bEnd) {
                    Thread.sleep(20);
                }
                assertThat(byVersion).as("B plays on v0001").containsKey("learned v0001");

                // A's operator overrides v0001 four times with the command v0001 liked least at step 3
                AtomicReference<String> said = new AtomicReference<>();
                AtomicInteger given = new AtomicInteger();
                SimFleetAgent simA = new SimFleetAgent(a, profile, library);
                SimFleetAgent.Played pa = simA.episode(SimFleetAgent.Settings.of(1, 7).withoutOperator().withMaxSteps(3 + CORRECTIONS + 2), 7, (step, inbox) -> {
                    if (step.index() == 3) {
                        said.set(step.decision().scores().entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey());
                    }
                    if (step.index() >= 3 && given.get() < CORRECTIONS) {
                        given.incrementAndGet();
                        inbox.submit(Intervention.command(SkillCall.parse(said.get()), said.get(), "test"));
                    }
                });
                long corrected = System.nanoTime();
                assertThat(pa.corrections()).isEqualTo(CORRECTIONS);
                assertThat(a.drain(Duration.ofSeconds(20))).isTrue();

                // within the first round, B runs what it trained
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (byVersion.getOrDefault("learned v0002", new AtomicInteger()).get() < 5 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - corrected) / 1e9;
                bDone.set(true);
                simB.stop();
                bRuns.get();
                assertThat(b.swaps()).as("B swapped in the first round's checkpoint").containsExactly("v0001", "v0002");
                assertThat(byVersion).as("B's steps by version").containsKey("learned v0002");
                assertThat(trainer.rounds()).hasSize(1);
                FleetTrainer.Round round = trainer.rounds().get(0);
                assertThat(round.version()).isEqualTo("v0002");
                assertThat(round.fresh()).as("round 1 trained on A's corrections alone").isEqualTo(CORRECTIONS);
                List<FleetDataset.Record> records = trainer.dataset().records().get("t1");
                assertThat(records).hasSize(CORRECTIONS).allSatisfy(r -> {
                    assertThat(r.message().agent()).isEqualTo("a");
                    assertThat(r.message().example().source()).isEqualTo(Example.Source.CORRECTION);
                    assertThat(r.message().example().label()).isEqualTo(said.get());
                });

                // what changed: on A's corrected inputs, v0001 did not pick the operator's command; v0002, which B runs, does
                LearnedPolicy before = profile.load(trainer.checkpoints(), trainer.checkpoints().find("v0001").orElseThrow());
                LearnedPolicy after = b.current();
                assertThat(after.version()).isEqualTo("v0002");
                int c = after.commands().indexOf(said.get());
                try (before) {
                    for (FleetDataset.Record r : records) {
                        float[] p1 = before.probabilities(r.message().example().input());
                        float[] p2 = after.probabilities(r.message().example().input());
                        assertThat(argmax(p1)).as("v0001's choice at %s", r.message().id()).isNotEqualTo(c);
                        assertThat(argmax(p2)).as("v0002's choice at %s (p %.3f -> %.3f)", r.message().id(), p1[c], p2[c]).isEqualTo(c);
                    }
                }

                // B's recorded episodes: every decision names its checkpoint; v0002's come after v0001's
                List<String> decidedBy = new ArrayList<>();
                try (Stream<Path> dirs = Files.list(episodes)) {
                    for (Path e : dirs.filter(d -> d.getFileName().toString().startsWith("b-")).sorted(Comparator.comparing(FleetCorrectionTest::startedAt)).toList()) {
                        for (String line : Files.readAllLines(e.resolve("steps.jsonl"))) {
                            JsonNode n = JSON.readTree(line);
                            if (!n.path("by").isNull()) {
                                decidedBy.add(n.path("by").asText());
                            }
                        }
                    }
                }
                assertThat(decidedBy).isNotEmpty().allMatch(by -> by.matches("learned v\\d{4}"));
                int firstNew = decidedBy.indexOf("learned v0002");
                assertThat(firstNew).as("B's record shows v0002 deciding").isPositive();
                assertThat(decidedBy.subList(0, firstNew)).containsOnly("learned v0001");
                assertThat(decidedBy.subList(firstNew, decidedBy.size())).containsOnly("learned v0002");
                System.out.printf(java.util.Locale.ROOT, "fleet correction: A's %d corrections ('%s') -> v0002 running on B %.1f s later (round %.1f s); B's steps %s%n",
                        CORRECTIONS, said.get(), seconds, round.trainSeconds(), byVersion);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** B's episodes are ids b-s&lt;seed&gt;-..., seeds in the order played. */
    private static long startedAt(Path episode) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^b-s(\\d+)-").matcher(episode.getFileName().toString());
        return m.find() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
