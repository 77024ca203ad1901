package dev.embody.reflection;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Modules;
import dev.embody.loop.Observation;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import dev.embody.profile.SimGameProfile;
import dev.embody.sim.SimGame;
import dev.embody.testkit.StandInModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Self-reflection by a model shown the frames before and after the last command (the stand-in server: no model here). */
class VlmReflectionTest {

    @TempDir
    Path dir;

    @Test
    void theModelJudgesTheLastCommandFromTheFramesBeforeAndAfterIt() throws Exception {
        List<Step> steps = new ArrayList<>();
        try (StandInModel model = StandInModel.start();
             Profile p = Profiles.choose(SimGameProfile.standard(), model.choice(model.settings(dir, true), "reflection"));
             Target t = p.open(new EpisodeSpec(2, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90), false, null));
             Modules m = p.modules(model.library)) {
            AgentLoop.builder().target(t).library(model.library).modules(m).memory(EpisodicMemory.inMemory()).goal(SimGame.COLLECT_COINS)
                    .maxSteps(4).listener(new StepListener() {
                        @Override
                        public void onStep(Step step, Observation observation) {
                            steps.add(step);
                        }
                    }).build().run();
            assertThat(model.server.asked()).containsOnly("reflection").hasSize(3);
            assertThat(model.server.imageSizes()).as("two frames a question").hasSize(6);
        }
        assertThat(steps.get(0).reflection().reason()).isEqualTo("first step");
        for (Step s : steps.subList(1, steps.size())) {
            // the scene planner's moves go somewhere: the model saw the player move between the two frames
            assertThat(s.reflection().reason()).startsWith("model: the player moved");
            assertThat(s.reflection().moved()).isTrue();
            assertThat(s.reflection().displacement()).as("measured locally, for the planner's gain").isGreaterThan(0);
        }
    }
}
