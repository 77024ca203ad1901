package dev.embody.cli;

import dev.embody.testkit.CliRun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.testkit.EmbodyProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("slow")
class LiveCommandTest {

    @TempDir
    Path dir;

    @Test
    void playsSeededLevelsAndPrintsALinePerEpisodeAndASummary() throws Exception {
        CliRun r = CliRun.of("live", "--episodes", "3", "--seed", "7", "--difficulty", "1,2", "--episodes-dir", dir.resolve("eps").toString(),
                "--memory", dir.resolve("mem").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("episode 1/6 seed=7 difficulty=1 outcome=success coins=3/3 steps=\\d+");
        assertThat(r.out()).contains("difficulty 1: success=").contains("difficulty 2: success=");
        assertThat(r.out()).containsPattern("summary: episodes=6 success=1\\.00 success_95ci=\\[0\\.61,1\\.00] coins=\\d+/\\d+ steps=\\d+ step_ms_p50=[\\d.]+ step_ms_p99=[\\d.]+ episodes_dir=");
        try (Stream<Path> s = Files.list(dir.resolve("eps"))) {
            assertThat(s.count()).isEqualTo(6);
        }
        assertThat(dir.resolve("mem/steps.jsonl")).isNotEmptyFile();
        CliRun list = CliRun.of("episodes", "list", "--dir", dir.resolve("eps").toString());
        assertThat(list.out()).contains("6 episodes in").contains("success");
    }

    @Test
    void badInputGetsOneClearLineAndAMeaningfulExitCode() throws Exception {
        CliRun target = CliRun.of("live", "--target", "moon-rover");
        assertThat(target.exit()).isEqualTo(Main.USAGE);
        assertThat(target.err().strip()).isEqualTo("error: --target must be one of " + String.join(", ", dev.embody.profile.Profiles.names()) + ", got 'moon-rover' (see 'embody live --help')");

        CliRun flag = CliRun.of("live", "--episodes", "lots");
        assertThat(flag.exit()).isEqualTo(Main.USAGE);
        assertThat(flag.err().lines().count()).isEqualTo(1);

        Path skills = dir.resolve("skills");
        Files.createDirectories(skills);
        Files.copy(Path.of("skills/sim-game/move.yaml"), skills.resolve("move.yaml"));
        Files.writeString(skills.resolve("broken.yaml"), "name: broken\ndescription: x\nbody:\n  - hold: LEFT\n");
        Path eps = dir.resolve("eps");
        Files.createDirectories(eps.resolve("kept"));
        Files.writeString(eps.resolve("kept/meta.json"), "{\"id\":\"kept\",\"target\":\"sim-game\"}");
        CliRun bad = CliRun.of("live", "--skills", skills.toString(), "--episodes-dir", eps.toString(), "--memory", dir.resolve("mem").toString());
        assertThat(bad.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(bad.err().strip()).isEqualTo("error: " + skills.resolve("broken.yaml") + ":4: 'hold' needs 'for: DURATION' (e.g. for: 200ms)");
        assertThat(eps.resolve("kept/meta.json")).as("nothing already recorded is lost").exists();

        CliRun check = CliRun.of("skills", "check", skills.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.err()).contains("broken.yaml:4:");
        assertThat(CliRun.of("skills", "check").exit()).as("the shipped skills are valid").isZero();
    }

    @Test
    void desktopLiveWithNoDisplayFailsAtOnceSayingSo() throws Exception {
        EmbodyProcess.copyProjectFolders(dir, "skills", "calibration");
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put("DISPLAY", null);
        try (EmbodyProcess p = EmbodyProcess.cli(dir, env, "live", "--target", "desktop", "--episodes", "1", "--no-record", "--no-stdin-corrections",
                "--memory", dir.resolve("mem").toString())) {
            assertThat(p.waitFor(120)).as(p.stderr()).isEqualTo(Main.FAILED);
            assertThat(p.stderr()).contains("error: no X display: DISPLAY is not set, and the desktop target (calibration ")
                    .doesNotContain("display null", "no window titled");
        }
    }

    @Test
    void anEpisodeThatEndedInErrorIsAFailedSession_underAnEStopAndCtrlC() {
        assertThat(LiveCommand.exitCode(false, false, 0)).isEqualTo(Main.OK);
        assertThat(LiveCommand.exitCode(false, false, 1)).isEqualTo(Main.FAILED);
        assertThat(LiveCommand.exitCode(false, true, 1)).isEqualTo(Main.ESTOPPED);
        assertThat(LiveCommand.exitCode(true, true, 1)).isEqualTo(Main.INTERRUPTED);
    }

    @Test
    void helpOnEveryCommand() {
        for (List<String> cmd : List.of(List.of("--help"), List.of("live", "--help"), List.of("skills", "list", "--help"),
                List.of("skills", "check", "--help"), List.of("episodes", "list", "--help"), List.of("bench", "loop", "--help"))) {
            CliRun r = CliRun.of(cmd.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", cmd)).isZero();
            assertThat(r.out()).contains("Usage:");
        }
    }

    @Test
    void ctrlCReleasesHeldKeysAndLeavesAClosedReadableEpisode() throws Exception {
        EmbodyProcess.copyProjectFolders(dir, "skills");
        try (EmbodyProcess agent = EmbodyProcess.cli(dir, Map.of(), "live", "--realtime", "--episodes", "1", "--seed", "5")) {
            Path eps = dir.resolve("episodes");
            Path steps = null;
            for (int i = 0; i < 300 && steps == null; i++) {
                Thread.sleep(100);
                if (Files.isDirectory(eps)) {
                    try (Stream<Path> s = Files.list(eps)) {
                        steps = s.map(p -> p.resolve("steps.jsonl")).filter(p -> {
                            try {
                                return Files.exists(p) && Files.readAllLines(p).size() >= 3;
                            } catch (Exception e) {
                                return false;
                            }
                        }).findFirst().orElse(null);
                    }
                }
            }
            assertThat(steps).as("the agent recorded a few steps: " + agent.stderr()).isNotNull();
            agent.interrupt();
            assertThat(agent.waitFor(20)).as(agent.stderr()).isEqualTo(130);
            JsonNode meta = new ObjectMapper().readTree(steps.resolveSibling("meta.json").toFile());
            assertThat(meta.get("outcome").asText()).isEqualTo("stopped");
            assertThat(meta.get("score").get("keys_held")).as("the game saw every key released").isEmpty();
            List<String> lines = Files.readAllLines(steps);
            assertThat(meta.get("steps").asInt()).isEqualTo(lines.size());
            ObjectMapper json = new ObjectMapper();
            for (String line : lines) {
                assertThat(json.readTree(line).has("command")).isTrue();
            }
            assertThat(meta.get("frames").asInt()).isEqualTo(lines.size());
        }
    }
}
