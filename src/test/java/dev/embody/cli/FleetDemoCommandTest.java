package dev.embody.cli;

import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./run fleet demo} on the in-process MQTT 5 broker (HiveMQ CE): two sim agents whose simulated operators correct
 * them, one trainer; the summary's counts agree with the episodes it printed, nothing is lost or doubled, and the
 * curve is written as a PNG.
 */
@Timeout(180)
@Tag("slow")
class FleetDemoCommandTest {

    private static final Pattern SUMMARY = Pattern.compile(
            "summary: agents=(\\d+) trainers=(\\d+) examples_published=(\\d+) examples_trained=(\\d+) lost=(\\d+) doubled=(\\d+) checkpoints=(\\d+)");
    private static final Pattern EPISODE = Pattern.compile("^episode \\d+/\\d+ agent=a\\d .* corrections=(\\d+) ");

    @Test
    void theDemoEndsWithASummaryCountedFromTheAgentsAndTheTrainers() throws Exception {
        CliRun r = CliRun.of("fleet", "demo", "--agents", "2", "--episodes", "2", "--broker", "embedded", "--gate-episodes", "0",
                "--train-every", "30", "--train-steps", "20", "--max-steps", "60");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        Matcher m = SUMMARY.matcher(lines[lines.length - 1]);
        assertThat(m.matches()).as("the last line is the summary:\n%s", r.out()).isTrue();
        long published = Long.parseLong(m.group(3)), trained = Long.parseLong(m.group(4));
        assertThat(m.group(1)).isEqualTo("2");
        assertThat(m.group(2)).isEqualTo("1");
        assertThat(m.group(5)).as("lost").isEqualTo("0");
        assertThat(m.group(6)).as("doubled").isEqualTo("0");
        assertThat(Long.parseLong(m.group(7))).as("the untrained v0001 and at least one round").isGreaterThanOrEqualTo(2);

        // the agents learn only from their operators here: every correction printed is one example published
        long corrections = 0;
        int episodes = 0;
        for (String l : lines) {
            Matcher e = EPISODE.matcher(l);
            if (e.find()) {
                corrections += Long.parseLong(e.group(1));
                episodes++;
            }
        }
        assertThat(episodes).isEqualTo(4);
        assertThat(published).as("examples published = corrections the episodes counted").isEqualTo(corrections).isPositive();
        assertThat(trained).as("the last round trains on what came after the one before").isEqualTo(published);

        Path png = Path.of(r.line("learning curve: ").substring("learning curve: ".length()));
        assertThat(png).isRegularFile();
        byte[] head = Files.readAllBytes(png);
        assertThat(head).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @Test
    void aFleetOfNoAgentsIsABadCommandLine() {
        CliRun r = CliRun.of("fleet", "demo", "--agents", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--agents");
    }
}
