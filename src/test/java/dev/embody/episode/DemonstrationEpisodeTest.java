package dev.embody.episode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.file.BadFileException;
import dev.embody.learning.EpisodeExamples;
import dev.embody.loop.PersonInput;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A person's demonstration as an episode: each step's command is what their input mapped to ({@code by: person}), the
 * raw input is kept beside it and reads back; a mark and a trim ({@code episodes edit}) change only meta.json, and
 * replay and training honour them.
 */
class DemonstrationEpisodeTest {

    @TempDir
    Path dir;

    @Test
    void stepsAreThePersonsCommands_withTheRawInputBesideThem_readBackAsRecorded() throws Exception {
        var rec = EpisodeFixtures.recordDemonstration(dir, 1, 12, EpisodeFixtures.KEYS);
        RecordedEpisode e = RecordedEpisode.read(rec.dir());
        assertThat(e.meta().path("policy").asText()).isEqualTo("person");
        assertThat(e.steps()).hasSize(12).allSatisfy(s -> assertThat(s.by()).isEqualTo("person"));
        RecordedStep first = e.steps().get(0);
        assertThat(first.command()).hasToString("move(direction=right, amount=small)");
        assertThat(first.input().events()).extracting(PersonInput.Event::event, PersonInput.Event::key).containsExactly(
                org.assertj.core.groups.Tuple.tuple("key_down", "RIGHT"));
        assertThat(first.sent()).as("carried out, as a console's or gamepad's command is").containsExactly("hold RIGHT 100ms");
        assertThat(e.steps().subList(1, 3)).allSatisfy(s -> {
            assertThat(s.command()).as("RIGHT still held").hasToString("move(direction=right, amount=small)");
            assertThat(s.input().events()).isEmpty();
        });
        RecordedStep q = e.steps().get(4);
        // an idle step's wait is the one nearest its wall-clock window, which a loaded machine stretches (the suite saw
        // 'long' beside other tests): what is asserted is that nothing done is a wait, whichever
        assertThat(q.command().skill()).isEqualTo("wait");
        assertThat(q.input().unmapped()).singleElement().asString().startsWith("pressed Q");
        assertThat(q.input().events()).extracting(PersonInput.Event::key).containsExactly("Q", "Q");
        assertThat(e.steps().get(5).command()).hasToString("move(direction=down, amount=small)");
        assertThat(e.steps().subList(8, 12)).allSatisfy(s -> assertThat(s.command().skill()).isEqualTo("wait"));
        assertThat(rec.game().timeNanos()).isPositive();
    }

    @Tag("slow")
    @Test
    void aTrimKeepsOnlyItsStepsForTrainingAndReplay_aBadMarkLeavesTheEpisodeOutOfTraining() throws Exception {
        var rec = EpisodeFixtures.recordDemonstration(dir, 2, 12, EpisodeFixtures.KEYS);
        String stepsBefore = Files.readString(rec.dir().resolve(Episode.STEPS));
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            assertThat(EpisodeExamples.collect(dir, "sim-game", parser, dev.embody.profile.SimGameProfile.standard().inputSpec()).examples()).hasSize(12);

            EpisodeEdit.Result r = EpisodeEdit.apply(rec.dir(), null, "2..5", false);
            assertThat(r.trim()).isEqualTo(new EpisodeEdit.Trim(2, 5));
            assertThat(Files.readString(rec.dir().resolve(Episode.STEPS))).as("non-destructive").isEqualTo(stepsBefore);
            var trimmed = EpisodeExamples.collect(dir, "sim-game", parser, dev.embody.profile.SimGameProfile.standard().inputSpec()).examples();
            assertThat(trimmed).hasSize(4).extracting(ex -> ex.source().toString()).allMatch(s -> s.equals("DEMONSTRATION"));

            RecordedEpisode e = RecordedEpisode.read(rec.dir());
            Replay.Result replayed = Replay.run(e, new Replay.Agent(EpisodeFixtures.agent(EpisodeFixtures.library()).modules()
                    .withPolicy(new RecordedPolicy(e)), EpisodeFixtures.library()), EpisodicMemory.inMemory(), false, null);
            assertThat(replayed.steps()).extracting(s -> s.recorded().step()).containsExactly(2L, 3L, 4L, 5L);
            assertThat(replayed.agreement()).isEqualTo(1.0);
            assertThat(replayed.moduleAgreement("scene")).isEqualTo(1.0);

            EpisodeEdit.apply(rec.dir(), "bad", null, false);
            EpisodeExamples.Collected none = EpisodeExamples.collect(dir, "sim-game", parser, dev.embody.profile.SimGameProfile.standard().inputSpec());
            assertThat(none.examples()).isEmpty();
            assertThat(none.skipped()).as("left out, not broken").isEmpty();

            EpisodeEdit.apply(rec.dir(), "good", null, true);
            assertThat(EpisodeExamples.collect(dir, "sim-game", parser, dev.embody.profile.SimGameProfile.standard().inputSpec()).examples()).as("untrimmed and good again").hasSize(12);
        }
    }

    @Test
    void anEditWhileTheEpisodeIsStillRecordingIsKeptWhenTheRecorderRewritesMetaAtItsEnd() throws Exception {
        var library = EpisodeFixtures.library();
        var target = new dev.embody.sim.SimGameTarget(dev.embody.sim.SimGame.of(3, 1, dev.embody.sim.SimGame.COLLECT_COINS, java.time.Duration.ofSeconds(90)));
        EpisodeEdit.Result[] edit = new EpisodeEdit.Result[1];
        try (EpisodeRecorder recorder = EpisodeRecorder.start(dir, "recording", target, java.util.Map.of("goal", "collect all coins"))) {
            dev.embody.loop.AgentLoop.builder().target(target).library(library).modules(EpisodeFixtures.agent(library).modules())
                    .memory(EpisodicMemory.inMemory()).goal(dev.embody.sim.SimGame.COLLECT_COINS).maxSteps(8).listener(recorder)
                    .listener(new dev.embody.loop.StepListener() {
                        @Override
                        public void onStep(dev.embody.loop.Step step, dev.embody.loop.Observation observation) {
                            if (step.index() == 3) {
                                try {
                                    edit[0] = EpisodeEdit.apply(recorder.dir(), "bad", "1..2", false);
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                        }
                    }).build().run();
        }
        assertThat(edit[0].steps()).as("edited at step 3: four steps on disk").isEqualTo(4);
        RecordedEpisode e = RecordedEpisode.read(dir.resolve("recording"));
        assertThat(e.steps()).hasSize(8);
        assertThat(e.meta().has("ended")).isTrue();
        assertThat(e.mark()).isEqualTo("bad");
        assertThat(e.trim()).isEqualTo(new EpisodeEdit.Trim(1, 2));
    }

    @Test
    void aMarkOrTrimThatIsNotWhatAnEditWritesIsABadFileNamingTheField() throws Exception {
        var rec = EpisodeFixtures.recordDemonstration(dir, 4, 6, EpisodeFixtures.KEYS);
        Path meta = rec.dir().resolve(Episode.META);
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(meta.toFile());
        m.putObject("trim").put("from", 4).put("to", 9);
        Files.writeString(meta, m.toString());
        assertThatThrownBy(() -> RecordedEpisode.read(rec.dir())).isInstanceOf(BadFileException.class)
                .hasMessageContaining("meta.json").hasMessageContaining("field 'trim' keeps steps 4..9, but the episode has steps 0..5");
        m.remove("trim");
        m.put("mark", "meh");
        Files.writeString(meta, m.toString());
        assertThatThrownBy(() -> RecordedEpisode.read(rec.dir())).isInstanceOf(BadFileException.class)
                .hasMessageContaining("field 'mark' must be \"good\" or \"bad\"");
        m.remove("mark");
        Files.writeString(meta, m.toString());
        Path steps = rec.dir().resolve(Episode.STEPS);
        List<String> lines = Files.readAllLines(steps);
        lines.set(2, lines.get(2).replaceFirst("\"input\":\\[[^]]*]", "\"input\":\"keys\""));
        Files.write(steps, lines);
        assertThatThrownBy(() -> RecordedEpisode.read(rec.dir())).isInstanceOf(BadFileException.class)
                .hasMessageContaining("steps.jsonl:3").hasMessageContaining("field 'input' must be a list");
    }

    @Test
    void aRangeThatIsNotTheEpisodesStepsIsRefusedSayingWhy() {
        assertThat(EpisodeEdit.parseTrim("3..", 10)).isEqualTo(new EpisodeEdit.Trim(3, 9));
        assertThat(EpisodeEdit.parseTrim("..4", 10)).isEqualTo(new EpisodeEdit.Trim(0, 4));
        assertThatThrownBy(() -> EpisodeEdit.parseTrim("9..3", 10)).hasMessageContaining("FROM (9) is after TO (3)");
        assertThatThrownBy(() -> EpisodeEdit.parseTrim("0..10", 10)).hasMessageContaining("steps 0..9, so TO (10) is past its end");
        assertThatThrownBy(() -> EpisodeEdit.parseTrim("two..five", 10)).hasMessageContaining("expected FROM..TO").hasMessageContaining("'two..five'");
        assertThatThrownBy(() -> EpisodeEdit.parseTrim("..", 10)).hasMessageContaining("expected FROM..TO");
    }
}
