package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short {@code improve} run (two rounds, a few episodes, fewer optimizer steps than the default) and what it leaves
 * behind: its table, its learning curve, its checkpoints, and the corrected episodes, which {@code replay} then scores
 * each checkpoint against. The simulated operator is a stand-in for a person (it sees the game's true state).
 */
@Tag("slow")
class ImproveCommandTest {

    @TempDir
    Path tmp;

    @Test
    void correctionAgreementRisesFromTheFirstCheckpointToTheLastOnTheCorrectedEpisodes() throws Exception {
        Path episodes = tmp.resolve("episodes");
        CliRun improve = CliRun.of("improve", "--demos", "2", "--rounds", "2", "--episodes", "2", "--eval", "3", "--flag-rounds", "0",
                "--no-control", "--train-steps", "150", "--episodes-dir", episodes.toString());
        assertThat(improve.exit()).as(improve.err()).isEqualTo(Main.OK);
        assertThat(improve.out()).contains("round    success [95% CI] (n)     corrections_per_episode examples train_s device");
        assertThat(improve.line("0 (v0001)")).contains("first policy");
        assertThat(improve.line("2 ")).containsPattern("(adopted|rejected) v0003");

        Matcher m = Pattern.compile("learning_curve=(\\S+) checkpoints=(\\S+) episodes=(\\S+)").matcher(improve.line("wall_s="));
        assertThat(m.find()).isTrue();
        assertThat(Path.of(m.group(1))).isRegularFile();
        Path checkpoints = Path.of(m.group(2)).getParent(); // .../checkpoints/sim-game: replay wants the folder above the target's
        assertThat(Path.of(m.group(3))).isEqualTo(episodes);
        List<Path> corrected;
        try (Stream<Path> s = Files.list(episodes)) {
            corrected = s.filter(p -> p.getFileName().toString().startsWith("improve-round")).sorted().toList();
        }
        assertThat(corrected).hasSize(4);

        double first = correctionAgreement(episodes, checkpoints, "v0001");
        double last = correctionAgreement(episodes, checkpoints, "v0003");
        System.out.printf("correction_agreement over the corrected episodes: v0001 %.3f, v0003 %.3f%n", first, last);
        // v0001 is the policy the operator corrected in round 1, so it disagreed with those corrections by definition;
        // v0003 was trained on all of them
        assertThat(last).as("correction agreement of the last checkpoint vs the first").isGreaterThan(first);
        assertThat(last).isGreaterThan(0.5);
    }

    private double correctionAgreement(Path episodes, Path checkpoints, String version) throws Exception {
        Path out = tmp.resolve("report-" + version);
        CliRun r = CliRun.of("replay", episodes.toString(), "--policy", version, "--checkpoints", checkpoints.toString(), "--out", out.toString(), "--no-progress");
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.OK);
        JsonNode totals = new ObjectMapper().readTree(out.resolve("report.json").toFile()).path("totals");
        assertThat(totals.path("episodes").asInt()).isEqualTo(4);
        assertThat(totals.path("corrections").asInt()).as("corrections in the recorded episodes").isGreaterThan(0);
        assertThat(r.line("summary: ")).contains("correction_agreement=");
        return totals.path("correction_agreement").asDouble();
    }
}
