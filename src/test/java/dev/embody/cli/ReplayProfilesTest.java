package dev.embody.cli;

import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Replay rebuilds the agent an episode was recorded with, whatever its target: here a robot's, over MQTT frames. */
class ReplayProfilesTest {

    @TempDir
    Path dir;

    @Tag("slow")
    @Test
    void aRobotEpisodeReplaysWithTheRobotProfilesModules_everyModuleAgreeing() {
        CliRun live = CliRun.of("live", "--target", "sim-robot", "--episodes", "1", "--max-steps", "12", "--seed", "3",
                "--episodes-dir", dir.resolve("eps").toString(), "--memory", dir.resolve("mem").toString());
        assertThat(live.exit()).as(live.err()).isZero();
        CliRun replay = CliRun.of("replay", dir.resolve("eps").toString(), "--out", dir.resolve("report").toString(), "--no-progress");
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("agreement=1.000", "modules=scene:1.000,reflection:1.000,task:1.000,candidates:1.000");
        CliRun planner = CliRun.of("replay", dir.resolve("eps").toString(), "--policy", "scene-planner", "--out", dir.resolve("r2").toString());
        assertThat(planner.exit()).as("the grid planner is not a robot's").isEqualTo(Main.USAGE);
        assertThat(planner.err()).contains("whose baseline is 'robot-scene-planner'; say --policy baseline");
    }
}
