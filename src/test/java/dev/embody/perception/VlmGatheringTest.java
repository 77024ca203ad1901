package dev.embody.perception;

import dev.embody.loop.Entity;
import dev.embody.loop.Frame;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;
import dev.embody.memory.EpisodicMemory;
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

/** Information gathering by a model: the stand-in server (no model exists on this machine) sees the image sent. */
class VlmGatheringTest {

    static StandInModel model;
    static Observation obs;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        model = StandInModel.start();
        Frame f = SimGame.of(5, 2, SimGame.COLLECT_COINS, Duration.ofSeconds(90)).render();
        obs = new Observation(0, 0, f);
    }

    @AfterAll
    static void stop() {
        model.close();
    }

    @Test
    void boxesSeenInTheShrunkImageLandOnTheFramesOwnPixels() throws Exception {
        try (ModelSession s = model.session(model.settings(dir, true).withImageSide(320));
             GameSceneParser localParser = GameSceneParser.forSimGame(); VlmGathering g = new VlmGathering(GameSceneParser.forSimGame(), s)) {
            Scene local = localParser.gather(obs, null);
            Scene seen = g.gather(obs, EpisodicMemory.inMemory());
            assertThat(seen.entities()).hasSameSizeAs(local.entities());
            for (Entity e : seen.entities()) {
                // every entity the model saw is one the frame holds, within 3 px after mapping 320 -> 640
                assertThat(local.all(e.kind())).as(e.toString()).anyMatch(l -> l.distanceTo(e.x(), e.y()) <= 3);
            }
            assertThat(seen.terrain()).as("the local grid is kept: no model draws one").isNotNull();
            assertThat(seen.width()).isEqualTo(640);
        }
    }

    @Test
    void boxesOutsideTheImageFallBackToTheLocalSceneAndSaySo() throws Exception {
        model.server.behave(StandInVlm.Behaviour.OUT_OF_FRAME);
        try (ModelSession s = model.session(model.settings(dir, true));
             GameSceneParser localParser = GameSceneParser.forSimGame(); VlmGathering g = new VlmGathering(GameSceneParser.forSimGame(), s)) {
            Scene seen = g.gather(obs, EpisodicMemory.inMemory());
            assertThat(seen.entities()).isEqualTo(localParser.gather(obs, null).entities());
            assertThat(s.takeNotes()).singleElement().asString().startsWith("gathering: the model's answer was not usable, unusable: the box of '")
                    .contains("is not inside the 640x360 image");
        } finally {
            model.server.behave(StandInVlm.Behaviour.GOOD);
        }
    }
}
