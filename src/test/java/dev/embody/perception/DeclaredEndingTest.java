package dev.embody.perception;

import dev.embody.file.BadFileException;
import dev.embody.loop.Frame;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each kind of declared ending, read from frames drawn here (text drawn in a real font, read by the real Tesseract):
 * a template appearing and going, a region standing still, a colour filling a region, words and a number read by OCR,
 * the program ending, the time limit; and the score, time survived or a number read.
 */
@Tag("external")
class DeclaredEndingTest {

    static final String HEAD = "name: p\nregion: {x: 0, y: 0, width: 320, height: 120}\n";
    static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    ScreenCalibration calibration(String declared) throws Exception {
        return ScreenCalibration.load(Files.writeString(dir.resolve("p.yaml"), HEAD + declared));
    }

    /** A dark screen with light words at (10, 40) and an optional filled box at (200, 10, 40, 40). */
    static Frame screen(String words, Color box) {
        BufferedImage img = new BufferedImage(320, 120, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 320, 120);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 20));
        if (words != null) {
            g.drawString(words, 10, 40);
        }
        if (box != null) {
            g.setColor(box);
            g.fillRect(200, 10, 40, 40);
        }
        g.dispose();
        return Frame.of(img);
    }

    static Observation at(double seconds, Frame f) {
        return new Observation(0, (long) (seconds * SECOND), f);
    }

    /**
     * A screen judged as the loop judges it (OCR goes on off the loop's thread), OCR let finish, and the same screen
     * judged half a second later: what a reading region says, dated by the frame that showed it.
     */
    static Outcome read(DeclaredEnding e, double seconds, Frame f) throws InterruptedException {
        e.judge(at(seconds, f));
        e.settle(Duration.ofSeconds(60));
        return e.judge(at(seconds + 0.5, f));
    }

    static boolean readyRead(DeclaredEnding e, double seconds, Frame f) throws InterruptedException {
        e.ready(at(seconds, f));
        e.settle(Duration.ofSeconds(60));
        return e.ready(at(seconds + 0.5, f));
    }

    @Test
    void wordsReadInARegion_endTheEpisodeAsDeclared() throws Exception {
        try (DeclaredEnding e = new DeclaredEnding(calibration("""
                ending:
                - {kind: text, text: game over, region: {x: 0, y: 10, width: 190, height: 45}, outcome: failure}
                """), Duration.ofSeconds(60))) {
            assertThat(read(e, 0, screen("PLAYING", null))).isEqualTo(Outcome.RUNNING);
            assertThat(read(e, 2.5, screen("GAME OVER", null))).isEqualTo(Outcome.FAILURE);
            // dated by the frame that showed it, not by when OCR finished reading it
            assertThat(e.reason()).isEqualTo("the screen reads 'game over' after 2.5 s");
            assertThat(e.score()).containsEntry("survived_s", 2.5).containsEntry("score", 2.5);
        }
    }

    /** OCR runs off the loop: an end shown just before the time limit, still being read when it passes, comes first. */
    @Test
    void anEndStillBeingReadWhenTheTimeLimitPasses_isHeardFirst() throws Exception {
        try (DeclaredEnding e = new DeclaredEnding(calibration("""
                ending:
                - {kind: text, text: buggy crashed, region: {x: 0, y: 10, width: 190, height: 45}, outcome: failure}
                - {kind: time_limit, outcome: success}
                """), Duration.ofSeconds(5))) {
            assertThat(read(e, 0, screen("DRIVING", null))).isEqualTo(Outcome.RUNNING);
            Frame crashed = screen("BUGGY CRASHED", null);
            e.judge(at(4.9, crashed));
            assertThat(e.judge(at(5.0, crashed))).isEqualTo(Outcome.FAILURE);
            assertThat(e.reason()).isEqualTo("the screen reads 'buggy crashed' after 4.9 s");
        }
        // shown only once the limit had passed: the limit's verdict
        try (DeclaredEnding e = new DeclaredEnding(calibration("""
                ending:
                - {kind: text, text: buggy crashed, region: {x: 0, y: 10, width: 190, height: 45}, outcome: failure}
                - {kind: time_limit, outcome: success}
                """), Duration.ofSeconds(5))) {
            assertThat(read(e, 0, screen("DRIVING", null))).isEqualTo(Outcome.RUNNING);
            assertThat(e.judge(at(5.0, screen("BUGGY CRASHED", null)))).isEqualTo(Outcome.SUCCESS);
        }
    }

    @Test
    void aNumberReadInARegion_endsItWhenItCrossesTheLine_andIsTheScore() throws Exception {
        try (DeclaredEnding e = new DeclaredEnding(calibration("""
                ending:
                - {kind: number, region: {x: 0, y: 10, width: 190, height: 45}, above: 99, outcome: success, says: a hundred reached}
                score: {kind: number, region: {x: 0, y: 10, width: 190, height: 45}}
                """), Duration.ofSeconds(60))) {
            e.checkScore(at(0, screen("42", null)));
            assertThat(read(e, 0, screen("42", null))).isEqualTo(Outcome.RUNNING);
            assertThat(e.score()).containsEntry("score", 42.0);
            assertThat(read(e, 1, screen("120", null))).isEqualTo(Outcome.SUCCESS);
            assertThat(e.reason()).isEqualTo("a hundred reached after 1.0 s");
            assertThat(e.score()).containsEntry("score", 120.0);
        }
    }

    @Test
    void aScoreRegionWithNothingLegible_isTheFilesFault_namedWithItsLine() throws Exception {
        ScreenCalibration cal = calibration("score: {kind: number, region: {x: 250, y: 60, width: 60, height: 50}}\n");
        try (DeclaredEnding e = new DeclaredEnding(cal, Duration.ofSeconds(60))) {
            assertThatThrownBy(() -> e.checkScore(at(0, screen("42", null)))).isInstanceOf(BadFileException.class)
                    .hasMessageStartingWith(cal.file() + ":3: field 'score.region': expected a region where a number is legible, got")
                    .hasMessageContaining("where OCR reads nothing");
        }
    }

    @Test
    void aColourFillingARegion() throws Exception {
        try (DeclaredEnding e = new DeclaredEnding(calibration("""
                ending:
                - {kind: colour, colour: '#ff0000', region: {x: 200, y: 10, width: 40, height: 40}, fraction: 0.9, outcome: failure}
                """), Duration.ofSeconds(60))) {
            assertThat(e.judge(at(0, screen(null, Color.GREEN)))).isEqualTo(Outcome.RUNNING);
            assertThat(e.judge(at(1, screen(null, new Color(250, 10, 5))))).isEqualTo(Outcome.FAILURE);
            assertThat(e.reason()).startsWith("the screen at ").contains("turned #ff0000");
        }
    }

    @Test
    void aRegionThatStandsStill_forTheSecondsDeclared() throws Exception {
        try (DeclaredEnding e = new DeclaredEnding(calibration("""
                ending:
                - {kind: unchanged, seconds: 2, region: {x: 200, y: 10, width: 40, height: 40}, outcome: failure, says: it froze}
                """), Duration.ofSeconds(60))) {
            assertThat(e.judge(at(0, screen(null, Color.GREEN)))).isEqualTo(Outcome.RUNNING);
            assertThat(e.judge(at(1.5, screen(null, Color.BLUE)))).isEqualTo(Outcome.RUNNING);
            // what changes elsewhere does not count
            assertThat(e.judge(at(3, screen("moving", Color.BLUE)))).isEqualTo(Outcome.RUNNING);
            assertThat(e.judge(at(3.6, screen(null, Color.BLUE)))).isEqualTo(Outcome.FAILURE);
            assertThat(e.reason()).isEqualTo("it froze after 3.6 s");
        }
    }

    @Test
    void aTemplateAppearing_andATemplateGoing() throws Exception {
        BufferedImage banner = screen(null, Color.MAGENTA).toImage().getSubimage(190, 0, 60, 60);
        Files.createDirectories(dir.resolve("templates"));
        ImageIO.write(banner, "png", dir.resolve("templates/box.png").toFile());
        String templates = "templates: {box: templates/box.png}\n";
        try (DeclaredEnding e = new DeclaredEnding(calibration(templates + "ending:\n- {kind: template, template: box, outcome: success}\n"), Duration.ofSeconds(60))) {
            assertThat(e.judge(at(0, screen(null, null)))).isEqualTo(Outcome.RUNNING);
            assertThat(e.judge(at(1, screen(null, Color.MAGENTA)))).isEqualTo(Outcome.SUCCESS);
            assertThat(e.reason()).isEqualTo("the screen shows template:box after 1.0 s");
        }
        try (DeclaredEnding e = new DeclaredEnding(calibration(templates + "ending:\n- {kind: template_gone, template: box, outcome: failure}\n"), Duration.ofSeconds(60))) {
            assertThat(e.judge(at(0, screen(null, null)))).as("never seen, not gone").isEqualTo(Outcome.RUNNING);
            assertThat(e.judge(at(1, screen(null, Color.MAGENTA)))).isEqualTo(Outcome.RUNNING);
            assertThat(e.judge(at(2, screen(null, null)))).isEqualTo(Outcome.FAILURE);
            assertThat(e.reason()).isEqualTo("template:box left the screen after 2.0 s");
        }
    }

    @Test
    void theProgramEnding_andTheTimeLimit() throws Exception {
        try (DeclaredEnding e = new DeclaredEnding(calibration("ending:\n- {kind: exited, outcome: failure}\n- {kind: time_limit, outcome: success, says: it lasted}\n"),
                Duration.ofSeconds(5))) {
            assertThat(e.judge(at(0, screen(null, null)))).isEqualTo(Outcome.RUNNING);
            assertThat(e.judge(at(5, screen(null, null)))).isEqualTo(Outcome.SUCCESS);
            assertThat(e.reason()).isEqualTo("it lasted after 5.0 s");
        }
        try (DeclaredEnding e = new DeclaredEnding(calibration("ending:\n- {kind: exited, outcome: failure}\n"), Duration.ofSeconds(5))) {
            e.judge(at(0, screen(null, null)));
            e.judge(at(1.2, screen(null, null)));
            assertThat(e.programEnded()).isEqualTo(Outcome.FAILURE);
            assertThat(e.reason()).isEqualTo("the program ended after 1.2 s");
        }
        // nothing declared: the time limit is a timeout, not a success nor a step count
        try (DeclaredEnding e = new DeclaredEnding(calibration(""), Duration.ofSeconds(5))) {
            e.judge(at(0, screen(null, null)));
            assertThat(e.programEnded()).as("no exited ending declared").isEqualTo(Outcome.RUNNING);
            assertThat(e.judge(at(5, screen(null, null)))).isEqualTo(Outcome.TIMEOUT);
            assertThat(e.reason()).isEqualTo("the time limit of 5.0 s passed");
            assertThat(e.score()).containsEntry("survived_s", 5.0);
        }
    }

    @Test
    void theReadyScreen_isDeclaredToo() throws Exception {
        try (DeclaredEnding e = new DeclaredEnding(calibration("ready: {kind: text, text: start, region: {x: 0, y: 10, width: 190, height: 45}}\n"),
                Duration.ofSeconds(5))) {
            assertThat(readyRead(e, 0, screen("TITLE", null))).isFalse();
            assertThat(readyRead(e, 1, screen("START", null))).isTrue();
            // a reading of an earlier screen does not make a changed one ready
            assertThat(e.ready(at(2, screen("OVER", null)))).isFalse();
        }
    }
}
