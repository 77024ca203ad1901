package dev.embody.cli;

import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** How good a policy is, with its interval: played on held-out seeds, or scored against recorded choices. */
@Tag("slow")
class EvalCommandTest {

    @TempDir
    Path dir;

    @Test
    void playsHeldOutSeedsAndPrintsSuccessWithItsWilsonInterval() throws Exception {
        CliRun planner = CliRun.of("eval", "--policy", "baseline", "--episodes", "6", "--episodes-dir", dir.resolve("kept").toString());
        assertThat(planner.exit()).as(planner.err()).isZero();
        // each episode's line carries the target's own figures and why it ended; a simulated game is not paced
        assertThat(planner.out()).containsPattern("episode 6/6 seed=100005 outcome=success coins=\\d+/\\d+ steps=\\d+")
                .contains("summary: target=sim-game policy=baseline episodes=6 success=1.00 [0.61, 1.00] (6/6)").contains("rate=unpaced")
                .contains("episodes_dir=" + dir.resolve("kept"));
        // the episodes played are kept, as live keeps its own
        try (var kept = java.nio.file.Files.list(dir.resolve("kept"))) {
            assertThat(kept.filter(p -> java.nio.file.Files.isRegularFile(p.resolve("meta.json"))).count()).isEqualTo(6);
        }
        CliRun nothing = CliRun.of("eval", "--policy", "nothing", "--episodes", "3", "--max-steps", "30", "--no-record");
        assertThat(nothing.out()).contains("success=0.00 [0.00, 0.56] (0/3)").contains("episodes_dir=-");
        CliRun none = CliRun.of("eval", "--checkpoints", dir.resolve("none").toString());
        assertThat(none.exit()).isEqualTo(Main.USAGE);
        assertThat(none.err()).contains("--policy learned: no checkpoint under");
    }

    @Test
    void scoresAPolicyAgainstRecordedChoicesWithIntervals() {
        CliRun demo = CliRun.of("live", "--policy", "oracle", "--episodes", "2", "--episodes-dir", dir.resolve("eps").toString(),
                "--memory", dir.resolve("mem").toString());
        assertThat(demo.exit()).as(demo.err()).isZero();
        CliRun eval = CliRun.of("eval", "--policy", "baseline", "--recorded", dir.resolve("eps").toString());
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).containsPattern("summary: episodes=2 policy=baseline agreement_demonstrated=[01]\\.\\d\\d \\[[01]\\.\\d\\d, [01]\\.\\d\\d] \\(\\d+/\\d+\\) agreement_corrections=n/a \\(0/0\\)");
    }
}
