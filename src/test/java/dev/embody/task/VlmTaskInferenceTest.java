package dev.embody.task;

import dev.embody.loop.Frame;
import dev.embody.loop.Goal;
import dev.embody.loop.Observation;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.sim.SimGame;
import dev.embody.bench.StandInVlm;
import dev.embody.testkit.StandInModel;
import dev.embody.vlm.ModelSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Task inference by a model: here the stand-in server (no model exists on this machine), which sees the image sent. */
class VlmTaskInferenceTest {

    static StandInModel model;
    static Observation obs;
    static Scene scene;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        model = StandInModel.start();
        Frame f = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)).render();
        obs = new Observation(0, 0, f);
        try (GameSceneParser p = GameSceneParser.forSimGame()) {
            scene = p.gather(obs, null);
        }
    }

    @AfterAll
    static void stop() {
        model.close();
    }

    @Test
    void theModelsTargetIsMappedBackThroughTheDownscaleIntoTheFramesPixels() throws Exception {
        // 640x360 sent as 320x180: the model answers in the small image's pixels
        try (ModelSession s = model.session(model.settings(dir, true).withImageSide(320))) {
            Task local = new GoalTaskInference().infer(SimGame.COLLECT_COINS, obs, scene, Reflection.first(), model.library, EpisodicMemory.inMemory());
            Task t = new VlmTaskInference(new GoalTaskInference(), s).infer(SimGame.COLLECT_COINS, obs, scene, Reflection.first(), model.library, EpisodicMemory.inMemory());
            assertThat(model.server.imageSizes().get(model.server.imageSizes().size() - 1)).containsExactly(320, 180);
            assertThat(t.kind()).isEqualTo("navigate");
            assertThat(t.targetKind()).isEqualTo("coin");
            assertThat(t.targetX()).isCloseTo(local.targetX(), within(3.0));
            assertThat(t.targetY()).isCloseTo(local.targetY(), within(3.0));
            assertThat(s.takeNotes()).isEmpty();
        }
    }

    @Test
    void aTargetOutsideTheFrameFallsBackToTheLocalTaskAndSaysSo() throws Exception {
        model.server.behave(StandInVlm.Behaviour.OUT_OF_FRAME);
        try (ModelSession s = model.session(model.settings(dir, true))) {
            Task local = new GoalTaskInference().infer(SimGame.COLLECT_COINS, obs, scene, Reflection.first(), model.library, EpisodicMemory.inMemory());
            Task t = new VlmTaskInference(new GoalTaskInference(), s).infer(SimGame.COLLECT_COINS, obs, scene, Reflection.first(), model.library, EpisodicMemory.inMemory());
            assertThat(t).isEqualTo(local);
            assertThat(s.takeNotes()).singleElement().asString().startsWith("task: the model's answer was not usable, unusable: the target (")
                    .contains("is outside the 640x360 image").contains("2 tries");
        } finally {
            model.server.behave(StandInVlm.Behaviour.GOOD);
        }
    }

    @Test
    void aModelReadsAnyGoalInWords() throws Exception {
        try (ModelSession s = model.session(model.settings(dir, true))) {
            VlmTaskInference t = new VlmTaskInference(new GoalTaskInference(), s);
            assertThat(new GoalTaskInference().understands(new Goal("build a castle"))).isFalse();
            assertThat(t.understands(new Goal("build a castle"))).isTrue();
        }
    }
}
