package dev.embody.episode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.curation.TagCuration;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EpisodeRecorderTest {

    @TempDir
    Path root;

    @Test
    void writesMetaStepsAndALosslessVideoWithOneFramePerStep() throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills/sim-game"));
        SimGameTarget target = new SimGameTarget(SimGame.of(11, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        List<BufferedImage> seen = new ArrayList<>();
        AgentLoop.EpisodeResult r;
        try (GameSceneParser parser = GameSceneParser.forSimGame();
             EpisodeRecorder recorder = EpisodeRecorder.start(root, "e1", target, Map.of("policy", "scene-planner", "skills_version", library.version()))) {
            r = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(target).library(library).modules(SimGameProfile.standard().modules(library).withPolicy(new ScenePlannerPolicy(library)))
                    .memory(EpisodicMemory.inMemory()).listener(recorder).listener((s, o) -> seen.add(o.frame().toImage())).build().run();
        }
        Episode e = Episode.open(root.resolve("e1"));
        JsonNode meta = e.meta();
        assertThat(meta.get("target").asText()).isEqualTo("sim-game");
        assertThat(meta.get("seed").asLong()).isEqualTo(11);
        assertThat(meta.get("outcome").asText()).isEqualTo("success");
        assertThat(meta.get("steps").asLong()).isEqualTo(r.steps());
        assertThat(meta.get("frames").asLong()).isEqualTo(r.steps());
        assertThat(meta.get("score").get("keys_held")).isEmpty();
        assertThat(meta.get("policy").asText()).isEqualTo("scene-planner");

        List<String> lines = Files.readAllLines(root.resolve("e1/steps.jsonl"));
        assertThat(lines).hasSize((int) r.steps());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("step").asInt()).isZero();
        assertThat(first.get("command").asText()).startsWith("move(");
        assertThat(first.get("by").asText()).isEqualTo("scene-planner");
        assertThat(first.get("task").get("subtask").asText()).startsWith("go to the coin");
        assertThat(first.get("latency_ms").get("gather").asDouble()).isPositive();
        assertThat(json.readTree(lines.get(lines.size() - 1)).get("outcome").asText()).isEqualTo("success");

        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(root.resolve("e1/frames.mp4").toFile());
             Java2DFrameConverter conv = new Java2DFrameConverter()) {
            grabber.start();
            int n = 0;
            Frame f;
            while ((f = grabber.grabImage()) != null) {
                BufferedImage img = conv.convert(f);
                if (n == 3) {
                    for (int y = 0; y < 360; y += 7) {
                        for (int x = 0; x < 640; x += 7) {
                            assertThat(img.getRGB(x, y) & 0xffffff).isEqualTo(seen.get(3).getRGB(x, y) & 0xffffff);
                        }
                    }
                }
                n++;
            }
            assertThat(n).isEqualTo(r.steps());
        }
    }

    @Test
    void refusesToOverwriteAnEpisodeAndListsOnlyEpisodes() throws Exception {
        SimGameTarget target = new SimGameTarget(SimGame.of(1, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        try (EpisodeRecorder r = EpisodeRecorder.start(root, "a", target, Map.of())) {
            assertThat(r.dir()).exists();
        }
        assertThat(Episode.open(root.resolve("a")).outcome()).as("closed without an end: stopped").isEqualTo("stopped");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EpisodeRecorder.start(root, "a", target, Map.of()))
                .hasMessageContaining("already exists");
        Files.createDirectories(root.resolve("not-an-episode"));
        assertThat(Episode.list(root)).extracting(Episode::id).containsExactly("a");
    }
}
