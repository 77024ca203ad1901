package dev.embody.learning;

import dev.embody.loop.Rate;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FineTuneRoundTest {

    /** A gate asked for its verdict: {@code gate.judge(}, {@code gate.get().judge(}, {@code gate().judge(}... */
    static final Pattern JUDGES = Pattern.compile("\\b\\w*[gG]ate\\w*(\\(\\))?(\\.get\\(\\))?\\s*\\.\\s*judge\\(");
    /** A checkpoint written: {@code checkpoints.write(policy, }, {@code store.write(candidate, }... */
    static final Pattern WRITES = Pattern.compile("\\b\\w*([cC]heckpoints|[sS]tore)\\s*\\.\\s*write\\(\\s*\\w+\\s*,");

    @TempDir
    Path dir;

    @Test
    void onlyTheRoundAsksAGateOrWritesACheckpoint() throws Exception {
        Path round = Path.of("src/main/java/dev/embody/learning/FineTuneRound.java");
        String own = Files.readString(round);
        assertThat(JUDGES.matcher(own).find()).as("the scan sees the round's own gate call").isTrue();
        assertThat(WRITES.matcher(own).find()).as("the scan sees the round's own checkpoint write").isTrue();
        List<String> found = new ArrayList<>();
        List<String> callers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                if (text.contains("FineTuneRound.") || text.contains("new FineTuneRound(")) {
                    callers.add(f.getFileName().toString());
                }
                if (f.equals(round)) {
                    continue;
                }
                if (JUDGES.matcher(text).find()) {
                    found.add(f + " asks a gate itself");
                }
                if (WRITES.matcher(text).find()) {
                    found.add(f + " writes a checkpoint itself");
                }
            }
        }
        assertThat(found).as("gate verdicts and checkpoint writes outside learning/FineTuneRound").isEmpty();
        assertThat(callers).as("train, periodic training, the fleet's trainer and both improve loops run the round")
                .contains("TrainCommand.java", "PeriodicTraining.java", "FleetTrainer.java", "Improvement.java", "DesktopImprovement.java");
    }

    @Test
    void writesEveryRoundWithOneMetricsMapAndPutsOnlyTheAdoptedInUse() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        List<Example> demo = LearningFixtures.demonstration(library, 5);
        Checkpoints store = Checkpoints.forTarget(dir, "sim-game");
        FineTuneRound round = new FineTuneRound(store, library.version());
        Trainer.Options quick = new Trainer.Options(1, 16, 5e-3f, 3, 1);
        try (LearnedPolicy base = SimGameProfile.standard().untrained(library, 1)) {
            FineTuneRound.Outcome first = round.settle(FineTuneRound.train(base, demo, null, quick, null, base.rules()), null, null, null,
                    Map.of("corrections", 0), FineTuneRound.NO_GATE);
            assertThat(first.adopted()).isTrue();
            assertThat(first.policy().version()).isEqualTo("v0001");
            first.policy().close();
            assertThat(store.current().orElseThrow().version()).isEqualTo("v0001");
            var m1 = first.checkpoint().metrics();
            assertThat(m1.path("gate").asText()).isEqualTo("adopted (no gate)");
            assertThat(m1.path("adopted").asBoolean()).isTrue();
            assertThat(m1.path("examples").asInt()).isEqualTo(demo.size());
            assertThat(m1.path("train_steps").asInt()).isBetween(1, 3);
            assertThat(m1.has("loss_first") && m1.has("loss_last") && m1.has("train_s") && m1.has("corrections")).isTrue();
            assertThat(m1.has("score_heldout")).as("no gate, no score").isFalse();

            // a gate that scores the candidate 1/2 against an incumbent's 2/2 rejects it: written, not in use
            Gate worse = Gate.notBelow(p -> new Rate(1, 2));
            FineTuneRound.Outcome second = round.settle(FineTuneRound.train(base, demo, null, quick, null, base.rules()), worse,
                    scorer -> new Rate(2, 2), "v0001", Map.of(), FineTuneRound.NO_GATE);
            assertThat(second.adopted()).isFalse();
            assertThat(second.policy()).isNull();
            assertThat(second.checkpoint().version()).isEqualTo("v0002");
            assertThat(second.checkpoint().parent()).isEqualTo("v0001");
            assertThat(store.current().orElseThrow().version()).as("the rejected one is not put in use").isEqualTo("v0001");
            var m2 = second.checkpoint().metrics();
            assertThat(m2.path("gate").asText()).startsWith("rejected").isEqualTo(second.says());
            assertThat(m2.path("adopted").asBoolean()).isFalse();
            assertThat(m2.path("score_heldout").asDouble()).isEqualTo(0.5);
            assertThat(m2.path("score_hits").asLong()).isEqualTo(1);
            assertThat(m2.path("score_trials").asLong()).isEqualTo(2);
            assertThat(m2.path("score_heldout_n").asLong()).isEqualTo(2);
            assertThat(m2.path("gate_what").asText()).isEqualTo("held-out score");
            assertThat(m2.path("score_heldout_95ci").size()).isEqualTo(2);

            // told after judging that it may not write (the fleet lost its lease): nothing written
            FineTuneRound.Outcome third = round.scoringSuccess().settle(FineTuneRound.train(base, demo, null, quick, null, base.rules()),
                    Gate.notBelow(p -> new Rate(2, 2)), scorer -> null, "v0001", Map.of(), FineTuneRound.NO_GATE, () -> false);
            assertThat(third.checkpoint()).isNull();
            assertThat(third.metrics()).containsEntry("success_heldout", 1.0).containsEntry("heldout_episodes", 2L);
            assertThat(store.list()).extracting(Checkpoint::version).containsExactly("v0001", "v0002");
        }
    }
}
