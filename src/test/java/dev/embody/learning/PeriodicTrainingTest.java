package dev.embody.learning;

import dev.embody.curation.TagCuration;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Step;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class PeriodicTrainingTest {

    @TempDir
    Path dir;

    @Tag("slow")
    @Test
    void everyNCorrectionsItFineTunesInTheBackgroundWritesACheckpointAndSwapsItIntoTheRunningLoop() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        Checkpoints store = Checkpoints.forTarget(dir, "sim-game");
        LearnedPolicy start = SimGameProfile.standard().untrained(library, 1);
        OperatorInbox inbox = new OperatorInbox();
        SkillCall up = library.normalize(SkillCall.of("move", "direction", "up", "amount", "small"));
        SkillCall down = library.normalize(SkillCall.of("move", "direction", "down", "amount", "small"));
        List<Step> steps = new CopyOnWriteArrayList<>();
        try (GameSceneParser parser = GameSceneParser.forSimGame();
             PeriodicTraining training = new PeriodicTraining(start, store, library.version(), null, c -> SimGameProfile.standard().load(store, c),
                     new Trainer.Options(5, 8, 3e-3f, 5, 1), new PeriodicTraining.Schedule(4, Duration.ZERO), List.of())) {
            AgentLoop loop = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(new SimGameTarget(SimGame.of(2, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(900))))
                    .library(library).modules(SimGameProfile.standard().modules(library).withPolicy(start)).memory(EpisodicMemory.inMemory()).inbox(inbox).maxSteps(400)
                    .listener((s, o) -> {
                        steps.add(s);
                        // an operator who keeps the player bobbing up and down in place until the fine-tuned policy is in
                        if (s.decision().by().startsWith("learned v")) {
                            inbox.submit(Intervention.of(Intervention.Kind.STOP, null, "stop", "test"));
                        } else if (!training.current().version().startsWith("v")) {
                            inbox.submit(Intervention.command(s.index() % 2 == 0 ? up : down, "nudge", "test"));
                        }
                    }).build();
            training.attach(loop);
            AgentLoop.EpisodeResult r = loop.run();
            training.close(); // lets a fine-tuning still running finish (or be abandoned) before the store is read

            assertThat(training.rounds()).isGreaterThanOrEqualTo(1);
            List<Checkpoint> written = store.list();
            assertThat(written).isNotEmpty();
            Checkpoint first = written.get(0);
            assertThat(first.version()).isEqualTo("v0001");
            assertThat(first.metrics().get("corrections").asInt()).isGreaterThanOrEqualTo(4);
            String inUse = store.current().orElseThrow().version();
            assertThat(inUse).isEqualTo(written.get(written.size() - 1).version());
            // the loop went on from operator steps straight to steps planned by the first swapped-in checkpoint
            assertThat(steps).extracting(s -> s.decision().by()).contains("operator", "learned v0001");
            assertThat(steps).extracting(Step::index).containsExactlyElementsOf(java.util.stream.LongStream.range(0, steps.size()).boxed().toList());
            assertThat(r.reason()).isEqualTo("stopped by the operator");
            training.current().close();
        }
    }
}
