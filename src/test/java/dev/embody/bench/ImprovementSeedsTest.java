package dev.embody.bench;

import dev.embody.loop.Rate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** improve --seeds: both arms by round over the seeds, their mean, spread and pooled interval, and the curve drawn. */
class ImprovementSeedsTest {

    @TempDir
    Path tmp;

    private static Improvement.Row row(String round, long hits, double corrections, double seconds) {
        return new Improvement.Row(round, new Rate(hits, 32), corrections, 100, 1, "cpu", "adopted", seconds);
    }

    private static Improvement.Report report(long seed, long[] corrected, long[] control) {
        List<Improvement.Row> rows = List.of(row("0", corrected[0], Double.NaN, 4), row("1", corrected[1], 50, 600), row("2", corrected[2], 30, 1000));
        Map<Integer, Improvement.Row> controls = Map.of(1, row("control 1", control[0], Double.NaN, 600), 2, row("control 2", control[1], Double.NaN, 1000));
        return new Improvement.Report(rows, controls, null, null, null, null, 10, seed);
    }

    @Test
    void eachRoundAndArmHasTheSeedsMeanSpreadAndPooledEpisodes() throws Exception {
        List<Improvement.Report> reports = List.of(report(1, new long[]{0, 4, 8}, new long[]{24, 28}), report(1001, new long[]{0, 8, 16}, new long[]{20, 30}),
                report(2001, new long[]{0, 0, 12}, new long[]{16, 32}));
        List<Improvement.Pooled> pooled = Improvement.pooled(reports);
        assertThat(pooled).extracting(p -> p.round() + " " + p.arm())
                .containsExactly("0 corrections", "1 corrections", "1 control", "2 corrections", "2 control");
        Improvement.Pooled last = pooled.get(3);
        assertThat(last.mean()).isCloseTo((8 + 16 + 12) / 96.0, within(1e-9));
        assertThat(last.min()).isCloseTo(8 / 32.0, within(1e-9));
        assertThat(last.max()).isCloseTo(16 / 32.0, within(1e-9));
        assertThat(last.pooled()).isEqualTo(new Rate(36, 96));
        assertThat(last.correctionsPerEpisode()).isEqualTo(30);
        assertThat(pooled.get(4).pooled()).isEqualTo(new Rate(90, 96));
        assertThat(pooled.get(4).operatorSeconds()).isEqualTo(1000);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Improvement.summary(reports, new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("over 3 seed(s) (1, 1001, 2001)");
        assertThat(table.lines().filter(l -> l.startsWith("2     corrections")).findFirst().orElseThrow())
                .contains("0.38", "0.25..0.50", new Rate(36, 96).toString(), "30.0", "operator_s=1000");

        Path png = tmp.resolve("curve.png");
        Improvement.plot(reports, png);
        assertThat(Files.size(png)).isPositive();
    }

    @Test
    void anArmTrainedOnlyAtTheLastRoundHasOnlyThatRow() {
        List<Improvement.Row> rows = List.of(row("0", 0, Double.NaN, 4), row("1", 5, 50, 600));
        Improvement.Report once = new Improvement.Report(rows, Map.of(1, row("control 1", 20, Double.NaN, 600)), null, null, null, null, 10, 1);
        assertThat(once.control().success()).isEqualTo(new Rate(20, 32));
        Improvement.Report none = new Improvement.Report(rows, Map.of(), null, null, null, null, 10, 1);
        assertThat(none.control()).isNull();
        assertThat(Improvement.pooled(List.of(none))).extracting(Improvement.Pooled::arm).containsExactly("corrections", "corrections");
    }
}
