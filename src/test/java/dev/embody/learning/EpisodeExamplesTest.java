package dev.embody.learning;

import dev.embody.curation.TagCuration;
import dev.embody.episode.Episode;
import dev.embody.episode.EpisodeRecorder;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.PolicyInput;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EpisodeExamplesTest {

    @TempDir
    Path root;

    @Test
    void aRecordedEpisodeGivesOneExamplePerCorrectionWithTheFrameItCorrected() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        SimGameTarget target = new SimGameTarget(SimGame.of(12, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        OperatorInbox inbox = new OperatorInbox();
        SkillCall left = library.normalize(SkillCall.of("move", "direction", "left", "amount", "small"));
        SkillCall up = library.normalize(SkillCall.of("move", "direction", "up"));
        Map<Long, byte[]> seen = new HashMap<>();
        List<String> commands = new ArrayList<>();
        try (GameSceneParser parser = GameSceneParser.forSimGame();
             EpisodeRecorder recorder = EpisodeRecorder.start(root, "e1", target, Map.of("policy", "scene-planner"))) {
            AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(target).library(library).modules(SimGameProfile.standard().modules(library).withPolicy(new ScenePlannerPolicy(library)))
                    .memory(EpisodicMemory.inMemory()).inbox(inbox).maxSteps(8).listener(recorder)
                    .listener((s, o) -> {
                        seen.put(s.index(), PolicyInput.downscale(o.frame(), 32, 18));
                        commands.add(s.command().toString());
                        // the operator speaks after steps 1 and 4; the loop applies it at the next step
                        if (s.index() == 1) {
                            inbox.submit(Intervention.command(left, "a bit more to the left", "terminal"));
                        } else if (s.index() == 4) {
                            inbox.submit(Intervention.command(up, "no, go up", "terminal"));
                        }
                    }).build().run();
        }
        List<Example> examples = EpisodeExamples.read(Episode.open(root.resolve("e1")), GameSceneParser.forSimGame(), SimGameProfile.standard().inputSpec());

        assertThat(examples).hasSize(2).allMatch(e -> e.source() == Example.Source.CORRECTION && e.weight() == Example.CORRECTION_WEIGHT);
        assertThat(examples).extracting(Example::label).containsExactly(left.toString(), up.toString());
        assertThat(examples).extracting(Example::origin).containsExactly("e1#2", "e1#5");
        assertThat(examples.get(0).input().previous()).isEqualTo(commands.get(1));
        assertThat(examples.get(1).input().previous()).isEqualTo(commands.get(4));
        // lossless frames: the example sees exactly what the agent saw at that step
        assertThat(examples.get(0).input().pixels()).isEqualTo(seen.get(2L));
        assertThat(examples.get(1).input().pixels()).isEqualTo(seen.get(5L));
        assertThat(examples.get(0).input().hasTarget()).isTrue();
        assertThat(examples.get(0).input().taskText()).startsWith("navigate go to the coin");
    }

    @Test
    void anOracleEpisodeIsADemonstrationStepByStepAndABrokenStepLineIsNamed() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        SimGame game = SimGame.of(13, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        SimGameTarget target = new SimGameTarget(game);
        long steps;
        try (GameSceneParser parser = GameSceneParser.forSimGame();
             EpisodeRecorder recorder = EpisodeRecorder.start(root, "demo", target, Map.of("policy", "oracle"))) {
            steps = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(target).library(library).modules(SimGameProfile.standard().modules(library).withPolicy(new dev.embody.sim.Oracle(library).asPolicy(game)))
                    .memory(EpisodicMemory.inMemory()).maxSteps(10).listener(recorder).build().run().steps();
        }
        List<Example> examples = EpisodeExamples.readAll(root, "sim-game", GameSceneParser.forSimGame(), SimGameProfile.standard().inputSpec());
        assertThat(examples).hasSize((int) steps).allMatch(e -> e.source() == Example.Source.DEMONSTRATION);
        assertThat(examples.get(0).input().previous()).isNull();

        Path stepsFile = root.resolve("demo").resolve(Episode.STEPS);
        List<String> lines = new ArrayList<>(Files.readAllLines(stepsFile));
        lines.set(1, "{\"step\": 1, \"by\": \"oracle\"}");
        Files.write(stepsFile, lines);
        assertThatThrownBy(() -> EpisodeExamples.read(Episode.open(root.resolve("demo")), null, SimGameProfile.standard().inputSpec()))
                .hasMessageContaining(stepsFile + ":2: field 'target_ms' must be a number");
        // read as replay reads it: train skips the episode with that reason instead of stopping
        EpisodeExamples.Collected all = EpisodeExamples.collect(root, "sim-game", null, SimGameProfile.standard().inputSpec());
        assertThat(all.skipped()).extracting(Throwable::getMessage).anyMatch(m -> m.startsWith(stepsFile + ":2:"));
    }

    @Test
    void aDemonstrationThatEndedInFailureTeachesNothingUnlessMarkedGood() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        SimGame game = SimGame.of(13, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        SimGameTarget target = new SimGameTarget(game);
        try (EpisodeRecorder recorder = EpisodeRecorder.start(root, "crashed", target, Map.of("policy", "oracle"))) {
            AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(target).library(library).modules(SimGameProfile.standard().modules(library)
                            .withPolicy(new dev.embody.sim.Oracle(library).asPolicy(game)))
                    .memory(EpisodicMemory.inMemory()).maxSteps(6).listener(recorder).build().run();
        }
        Path meta = root.resolve("crashed").resolve(Episode.META);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode m = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(meta.toFile());
        assertThat(EpisodeExamples.collect(root, "sim-game", null, SimGameProfile.standard().inputSpec()).examples()).hasSize(6);
        // the person's mistake that ended it is somewhere among its steps, labelled as if it were right
        m.put("outcome", "failure");
        json.writeValue(meta.toFile(), m);
        EpisodeExamples.Collected failed = EpisodeExamples.collect(root, "sim-game", null, SimGameProfile.standard().inputSpec());
        assertThat(failed.examples()).isEmpty();
        assertThat(failed.episodes()).isZero();
        assertThat(HeldOutEpisodes.teaching(dev.embody.episode.RecordedEpisode.read(root.resolve("crashed")))).isZero();

        dev.embody.episode.EpisodeEdit.apply(root.resolve("crashed"), "good", null, false);
        assertThat(EpisodeExamples.collect(root, "sim-game", null, SimGameProfile.standard().inputSpec()).examples()).hasSize(6)
                .allMatch(e -> e.source() == Example.Source.DEMONSTRATION);
    }
}
