package dev.embody.testkit;

import dev.embody.loop.Frame;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * moon-buggy's screen as its xterm shows it (80x24 cells of 8x17 pixels inside a 2-pixel border, 644x412), drawn
 * here with Java's own monospaced font: the reader counts ink per cell and knows no font, so any terminal-like
 * rendering reads the same.
 */
class MoonBuggyScreenTest {

    static final int W = 644, H = 412;
    static final String GROUND = "#".repeat(80);
    static final String BUGGY_TOP = " ".repeat(71) + "Omm";
    static final String BUGGY_WHEELS = " ".repeat(68) + "(/)-(/)";

    /** A terminal picture: each line's characters drawn in their cells, black on white. */
    static Frame terminal(Map<Integer, String> lines) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 13));
        lines.forEach((row, text) -> {
            for (int c = 0; c < text.length() && c < 80; c++) {
                g.drawString(String.valueOf(text.charAt(c)), 2 + 8 * c, 2 + 17 * row + 13);
            }
        });
        g.dispose();
        return Frame.of(img);
    }

    /** Ground with a crater of {@code width} cells starting at {@code from}. */
    static String groundWithCrater(int from, int width) {
        return GROUND.substring(0, from) + " ".repeat(width) + GROUND.substring(from + width);
    }

    static Frame standing(int craterFrom) {
        return terminal(Map.of(18, BUGGY_TOP, 19, BUGGY_WHEELS, 20, groundWithCrater(craterFrom, 2), 21, GROUND,
                23, "                                    level: 1    lives: 3     score: 0"));
    }

    static Frame jumping(int rowsUp, int craterFrom) {
        return terminal(Map.of(18 - rowsUp, BUGGY_TOP, 19 - rowsUp, BUGGY_WHEELS, 20, groundWithCrater(craterFrom, 2), 21, GROUND));
    }

    /** The buggy sunk into a crater under its wheels: no body, its wheels a row of wreck further on. */
    static Frame crashed() {
        return terminal(Map.of(17, " ".repeat(66) + "#", 19, " ".repeat(70) + "o######", 20, groundWithCrater(69, 2), 21, GROUND));
    }

    @Test
    void readsTheGroundItsCratersAndTheBuggyStandingOnIt() {
        MoonBuggyScreen s = new MoonBuggyScreen(W, H);
        MoonBuggyScreen.View v = s.read(standing(60));
        assertThat(v.ground()).isEqualTo(20);
        assertThat(v.craters()).containsExactly(new MoonBuggyScreen.Crater(60, 61));
        assertThat(v.buggy()).contains(new MoonBuggyScreen.Buggy(18, 68, 74, false));
        assertThat(v.nextCraterDistance()).as("cells of ground between the crater and the rear wheel").contains(6);
        assertThat(v.nextCrater()).contains(new MoonBuggyScreen.Crater(60, 61));
    }

    @Test
    void aCraterPastTheRearWheelIsNoLongerAhead() {
        MoonBuggyScreen s = new MoonBuggyScreen(W, H);
        MoonBuggyScreen.View v = s.read(standing(76));
        assertThat(v.craters()).containsExactly(new MoonBuggyScreen.Crater(76, 77));
        assertThat(v.nextCraterDistance()).isEmpty();
    }

    @Test
    void findsTheBuggyInTheAirByTheShapeItLearnedOnTheGround() {
        MoonBuggyScreen s = new MoonBuggyScreen(W, H);
        assertThat(s.read(jumping(2, 30)).buggy()).as("never seen standing: its shape is not known yet").isEmpty();
        s.read(standing(30));
        assertThat(s.knowsTheBuggy()).isTrue();
        assertThat(s.read(jumping(1, 31)).buggy()).contains(new MoonBuggyScreen.Buggy(17, 68, 74, true));
        assertThat(s.read(jumping(2, 32)).buggy()).contains(new MoonBuggyScreen.Buggy(16, 68, 74, true));
    }

    @Test
    void aCrashedBuggyIsMissing() {
        MoonBuggyScreen s = new MoonBuggyScreen(W, H);
        s.read(standing(60));
        assertThat(s.read(crashed()).buggy()).isEmpty();
    }

    @Test
    void theTitleScreenHasGroundButNoBuggy() {
        MoonBuggyScreen s = new MoonBuggyScreen(W, H);
        MoonBuggyScreen.View v = s.read(terminal(Map.of(5, "              MM     MM   OOOOO    OOOOO   NN     N", 20, GROUND, 21, GROUND,
                22, "y,RET:start game  q:quit c:show copyright w:show warranty s:show scores r:redraw")));
        assertThat(v.ground()).isEqualTo(20);
        assertThat(v.buggy()).isEmpty();
        assertThat(s.knowsTheBuggy()).isFalse();
    }

    @Test
    void anEmptyScreenHasNoGround() {
        assertThat(new MoonBuggyScreen(W, H).read(terminal(Map.of(3, "Moon-Buggy version 1.0.51"))).ground()).isEqualTo(-1);
    }

    private static Observation at(long millis, Frame f) {
        return new Observation(millis / 100, millis * 1_000_000L, f);
    }

    @Test
    void anEpisodeFailsWhenTheBuggyStaysMissingAndSaysHowLongItSurvived() {
        MoonBuggyEnding e = new MoonBuggyEnding(W, H, Duration.ofSeconds(30));
        assertThat(e.ready(at(0, standing(40)))).isTrue();
        assertThat(e.judge(at(1000, standing(40)))).isEqualTo(Outcome.RUNNING);
        assertThat(e.judge(at(6000, standing(60)))).isEqualTo(Outcome.RUNNING);
        assertThat(e.judge(at(6100, crashed()))).as("one frame missing is not yet a crash").isEqualTo(Outcome.RUNNING);
        assertThat(e.judge(at(6200, crashed()))).as("nor 100 ms").isEqualTo(Outcome.RUNNING);
        assertThat(e.judge(at(6400, crashed()))).isEqualTo(Outcome.FAILURE);
        assertThat(e.reason()).isEqualTo("the buggy crashed after 5.0 s");
        assertThat(e.score()).containsEntry("survived_s", 5.0);
        assertThat(e.judge(at(7000, standing(40)))).as("a verdict is kept").isEqualTo(Outcome.FAILURE);
    }

    @Test
    void surviving_theTimeLimitSucceeds_andEachCraterThatPassedUnderItIsCleared() {
        MoonBuggyEnding e = new MoonBuggyEnding(W, H, Duration.ofSeconds(10));
        assertThat(e.judge(at(0, standing(60)))).isEqualTo(Outcome.RUNNING);
        assertThat(e.judge(at(1000, jumping(2, 66)))).isEqualTo(Outcome.RUNNING);
        assertThat(e.judge(at(2000, jumping(1, 72)))).isEqualTo(Outcome.RUNNING);
        assertThat(e.judge(at(3000, standing(76)))).isEqualTo(Outcome.RUNNING);
        assertThat(e.score()).containsEntry("craters", 1);
        assertThat(e.judge(at(9900, standing(20)))).isEqualTo(Outcome.RUNNING);
        assertThat(e.judge(at(10000, standing(22)))).isEqualTo(Outcome.SUCCESS);
        assertThat(e.reason()).isEqualTo("the buggy survived 10.0 s");
    }

    @Test
    void theGameIsNotReadyWhileItsTitleScreenShows() {
        MoonBuggyEnding e = new MoonBuggyEnding(W, H, Duration.ofSeconds(10));
        assertThat(e.ready(at(0, terminal(Map.of(20, GROUND, 21, GROUND, 22, "y,RET:start game  q:quit"))))).isFalse();
        assertThat(e.ready(at(100, standing(10)))).isTrue();
    }
}
