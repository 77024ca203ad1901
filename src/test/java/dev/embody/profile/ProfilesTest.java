package dev.embody.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.episode.EpisodeRecorder;
import dev.embody.learning.Gate;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Target;
import dev.embody.sim.SimGame;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every command builds its agent from a profile: live from the command line's options, replay and train from what an
 * episode's meta.json recorded, improve and the gate through the simulator's arena. Each path gives the same modules.
 */
class ProfilesTest {

    @TempDir
    static Path dir;

    /** A calibration for a program with no parser, as {@code calibrate screen} writes one. */
    static Path genericCalibration() throws Exception {
        Path f = dir.resolve("editor.yaml");
        Files.writeString(f, """
                name: editor
                window: {title: My Editor, focus: xdotool}
                region: {x: 0, y: 0, width: 800, height: 600}
                scene: {width: 800, height: 600}
                source: x11grab
                parser: none
                skills: skills/desktop
                """);
        return f;
    }

    static Stream<Object[]> profiles() throws Exception {
        return Stream.of(
                new Object[]{"sim-game", TargetOptions.defaults(), List.of("GameSceneParser", "SceneChangeReflection", "GoalTaskInference", "TagCuration", "scene-planner")},
                new Object[]{"desktop", TargetOptions.defaults(), List.of("DesktopGathering", "SceneChangeReflection", "GoalTaskInference", "TagCuration", "scene-planner")},
                new Object[]{"desktop", TargetOptions.defaults().withCalibration(genericCalibration()),
                        List.of("DesktopGathering", "PixelChangeReflection", "GoalWordsTaskInference", "FitCuration", "wait")},
                new Object[]{"sim-robot", TargetOptions.defaults(), List.of("TableSceneParser", "RobotMotionReflection", "RobotTaskInference", "TagCuration", "robot-scene-planner")},
                new Object[]{"robot", TargetOptions.defaults(), List.of("TableSceneParser", "RobotMotionReflection", "RobotTaskInference", "TagCuration", "robot-scene-planner")});
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("profiles")
    void liveReplayAndTrainBuildTheSameModules(String name, TargetOptions options, List<String> expected) throws Exception {
        try (Profile live = Profiles.open(name, options)) {
            SkillLibrary library = live.skills();
            Map<String, String> liveModules;
            Map<String, Object> facts;
            try (Modules m = live.modules(library)) {
                liveModules = m.names();
                facts = EpisodeRecorder.facts(live.describe(), m, library, live.defaultGoal(), 1);
            }
            assertThat(List.copyOf(liveModules.values())).isEqualTo(expected);

            // what replay and train read back: the episode's meta.json
            ObjectMapper json = new ObjectMapper();
            JsonNode meta = json.valueToTree(facts);
            ((com.fasterxml.jackson.databind.node.ObjectNode) meta).put("target", name);
            try (Profile replayed = Profiles.fromEpisode(dir.resolve("meta.json"), meta, null); Modules m = replayed.modules(replayed.skills())) {
                assertThat(replayed.name()).isEqualTo(name);
                assertThat(replayed.skillsDir()).isEqualTo(live.skillsDir());
                assertThat(replayed.describe()).isEqualTo(live.describe());
                assertThat(m.names()).isEqualTo(liveModules).isEqualTo(json.convertValue(meta.get("modules"), Map.class));
            }
        }
    }

    @Test
    void improveAndTheGatePlayThroughTheProfilesModules() throws Exception {
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        Arena arena = profile.arena(library, 1, 5, Duration.ofSeconds(90));
        arena.play(1, SimGame.COLLECT_COINS, g -> profile.baseline(library), g -> null, new Arena.Recording(dir.resolve("arena"), "t", Map.of()));
        JsonNode meta;
        try (var eps = Files.list(dir.resolve("arena"))) {
            meta = new ObjectMapper().readTree(eps.findFirst().orElseThrow().resolve("meta.json").toFile());
        }
        try (Modules m = profile.modules(library)) {
            assertThat(new ObjectMapper().convertValue(meta.get("modules"), Map.class)).isEqualTo(m.names());
        }
        assertThat(profile.gate(library, 2, dir.resolve("none"), Gate.Progress.none())).isPresent();
        assertThat(Profiles.open("robot", TargetOptions.defaults()).gate(library, 2, dir.resolve("none"), Gate.Progress.none()))
                .as("no simulator and no held-out episodes to score a real robot's policy on").isEmpty();
    }

    @Test
    void goalsNoModuleUnderstandsAreRefusedUpFrontWithTheGoalsItKnows() throws Exception {
        Profile game = SimGameProfile.standard();
        game.checkGoal(new Goal("reach the flag"), game.skills());
        assertThatThrownBy(() -> game.checkGoal(new Goal("build a castle"), game.skills()))
                .hasMessageContaining("no plan for the goal 'build a castle'").hasMessageContaining("'collect all coins', 'reach the flag'");
        try (Profile desktop = Profiles.open("desktop", TargetOptions.defaults().withCalibration(genericCalibration()))) {
            desktop.checkGoal(new Goal("follow the operator"), desktop.skills());
            assertThatThrownBy(() -> desktop.checkGoal(new Goal("collect all the gems"), desktop.skills()))
                    .hasMessageContaining("'follow the operator'").hasMessageContaining("goals:");
            assertThat(desktop.defaultGoal().text()).isEqualTo("follow the operator");
            assertThat(desktop.memoryName()).isEqualTo("desktop-editor");
        }
    }

    @Test
    void aRealRobotNeedsItsBroker_anUnknownTargetIsNamed() throws Exception {
        try (Profile robot = Profiles.open("robot", TargetOptions.defaults())) {
            assertThatThrownBy(() -> robot.open(new EpisodeSpec(1, 1, robot.defaultGoal(), Duration.ofSeconds(60), true, null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--target robot needs --broker");
        }
        assertThatThrownBy(() -> Profiles.open("moon-rover", TargetOptions.defaults()))
                .hasMessage("unknown target 'moon-rover' (expected one of sim-game, desktop, sim-robot, robot)");
    }

    @Test
    void theSimGameOpensItsGameForAnEpisode() throws Exception {
        try (Target t = SimGameProfile.standard().open(new EpisodeSpec(3, 2, SimGame.REACH_FLAG, Duration.ofSeconds(60), false, null))) {
            assertThat(t.name()).isEqualTo("sim-game");
            assertThat(t.frames().next().frame().width()).isEqualTo(640);
        }
    }

    /** The oracle and the simulated operator read a simulator's true state: the sim game's profile has them, no other. */
    @Test
    void onlyTheSimGameSuppliesAnOracleAndASimulatedOperator() throws Exception {
        SimGameProfile sim = SimGameProfile.standard();
        SkillLibrary library = sim.skills();
        var parser = dev.embody.correction.CorrectionParser.following(() -> library, sim.words()).get();
        try (Target t = sim.open(new EpisodeSpec(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(60), false, null))) {
            assertThat(sim.hasOracle()).isTrue();
            assertThat(sim.oracle(t, library)).get().extracting(dev.embody.loop.Policy::name).isEqualTo("oracle");
            assertThat(sim.simulatedOperator(t, library, parser, new dev.embody.loop.OperatorInbox(), 3)).isPresent();
        }
        try (Profile robot = Profiles.open("sim-robot", TargetOptions.defaults())) {
            SkillLibrary skills = robot.skills();
            try (Target t = robot.open(new EpisodeSpec(3, 1, robot.defaultGoal(), Duration.ofSeconds(60), false, null))) {
                assertThat(robot.hasOracle()).isFalse();
                assertThat(robot.oracle(t, skills)).isEmpty();
                assertThat(robot.simulatedOperator(t, skills, parser, new dev.embody.loop.OperatorInbox(), 3)).isEmpty();
            }
        }
    }
}
