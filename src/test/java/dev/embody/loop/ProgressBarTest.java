package dev.embody.loop;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String drawn() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aKnownTotalDrawsABarWithItsShare_andTheLastOneAlways() {
        ProgressBar bar = ProgressBar.of(err, "eval", "episode", 4);
        for (int i = 0; i < 4; i++) {
            bar.step("success " + i);
        }
        // the first draw and the last always (the ones between only when a tenth of a second has passed)
        assertThat(drawn()).startsWith("\reval [#######").contains("  25% episode 1/4  success 0")
                .contains("\reval [##############################] 100% episode 4/4  success 3");
        assertThat(bar.line()).contains("100% episode 4/4").endsWith(" s");
    }

    @Test
    void anOpenEndedJobCountsWithoutABar() {
        ProgressBar bar = ProgressBar.of(err, "recording 1/2:", "step", 0);
        bar.update(12, "mapped 3  idle 9");
        assertThat(drawn()).startsWith("\rrecording 1/2: step 12  mapped 3  idle 9  ").doesNotContain("[");
    }

    @Test
    void clearBlanksTheLineForAResult_andDoneLeavesItStanding() {
        ProgressBar bar = ProgressBar.of(err, "training", "step", 10);
        bar.update(5, "loss 0.500");
        int drawnLength = bar.line().length();
        bar.clear();
        assertThat(drawn()).endsWith("\r" + " ".repeat(drawnLength) + "\r");
        bar.update(10, "loss 0.100");
        bar.done();
        assertThat(drawn()).contains("training [##############################] 100% step 10/10  loss 0.100").endsWith(System.lineSeparator());
    }

    @Test
    void aShorterLineBlanksWhatALongerOneLeft() {
        ProgressBar bar = ProgressBar.of(err, "gate", "episode", 2);
        bar.update(1, "a long detail that takes room");
        String longer = drawn().substring(1);
        bar.update(2, ""); // the last is drawn at once
        String last = drawn().substring(drawn().lastIndexOf('\r') + 1);
        assertThat(last).startsWith("gate [").contains("100% episode 2/2");
        assertThat(last.strip().length()).isLessThan(longer.length());
        assertThat(last).as("padded with blanks over the longer line").hasSize(longer.length()).endsWith(" ");
    }
}
