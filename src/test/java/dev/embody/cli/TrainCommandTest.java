package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code train} says how well the policy it made fits what it was shown, on the training and the held-out episodes. */
class TrainCommandTest {

    @TempDir
    Path dir;

    @Test
    void aFewSimGameDemonstrationsAreFitted_andTrainReportsAgreementBesideTheMajorityClass() throws Exception {
        Path episodes = dir.resolve("episodes");
        CliRun demos = CliRun.of("live", "--target", "sim-game", "--policy", "oracle", "--episodes", "4", "--difficulty", "1",
                "--max-steps", "60", "--episodes-dir", episodes.toString());
        assertThat(demos.exit()).as(demos.err()).isZero();

        CliRun train = CliRun.of("train", "--episodes-dir", episodes.toString(), "--checkpoints", dir.resolve("ck").toString(),
                "--gate-episodes", "0", "--epochs", "40");
        assertThat(train.exit()).as(train.out() + train.err()).isZero();
        System.out.println(train.out());
        // four demonstrations: one held out, three trained on
        assertThat(train.line("dataset: ")).contains("from 3 episodes");
        assertThat(train.line("held out: ")).endsWith("from 1 episodes (never trained on)");
        assertThat(train.line("trained ")).containsPattern("trained \\d+ epochs \\(\\d+ steps\\) on \\d+ examples, kept epoch \\d+ \\(best held-out agreement\\)");
        String fit = train.line("fit on training episodes: ");
        Matcher m = Pattern.compile("agreement (\\d\\.\\d\\d) \\[\\d\\.\\d\\d, \\d\\.\\d\\d] \\((\\d+)/(\\d+)\\) vs always '[^']+' \\d\\.\\d\\d \\[").matcher(fit);
        assertThat(m.find()).as(fit).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as(fit).isGreaterThanOrEqualTo(0.9);
        assertThat(train.line("fit on held-out episodes: ")).startsWith("fit on held-out episodes: agreement ");
        assertThat(train.out()).contains("fit: the policy fits its training steps").doesNotContain("warning:");

        JsonNode metrics = new ObjectMapper().readTree(dir.resolve("ck/sim-game/v0001/checkpoint.json").toFile()).path("metrics");
        assertThat(metrics.path("agreement_train").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(metrics.path("agreement_train_n").asInt()).isEqualTo(Integer.parseInt(m.group(3)));
        assertThat(metrics.path("agreement_train_95ci")).hasSize(2);
        assertThat(metrics.has("agreement_heldout_episodes")).isTrue();
    }
}
