package dev.embody.cli;

import dev.embody.perception.ScreenCalibration;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a calibration declares about its program, wrong, on the command line: exit 3 naming the file, the line and what
 * is expected, and nothing already saved (checkpoints, episodes) is touched.
 */
class DeclaredCalibrationBadInputTest {

    static final String GOOD = """
            name: game
            window: {title: game, focus: xdotool}
            region: {x: 0, y: 0, width: 644, height: 412}
            scene: {width: 644, height: 412}
            source: x11grab
            parser: none
            skills: skills/moon-buggy
            policy:
              input: {width: 80, height: 6, frames: 3, crop: {x: 0, y: 0.73, width: 1, height: 0.17}, position: true}
            ready: {kind: text, text: jump, region: {x: 2, y: 376, width: 400, height: 17}}
            ending:
            - {kind: text, text: continue, region: {x: 2, y: 376, width: 400, height: 17}, outcome: failure}
            - {kind: time_limit, outcome: success}
            """;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an unknown ending kind | '- {kind: time_limit, outcome: success}' | '- {kind: flashing, outcome: success}' | 13 | field 'ending[1].kind': expected one of template, template_gone, unchanged, colour, text, number, exited, time_limit, got 'flashing'
            a region off the screen | 'ready: {kind: text, text: jump, region: {x: 2, y: 376, width: 400, height: 17}}' | 'ready: {kind: text, text: jump, region: {x: 2, y: 400, width: 400, height: 17}}' | 10 | field 'ready.region': expected a region on the screen (inside the scene's 644x412 pixels), got 400x17+2+400, which reaches x=402, y=417
            a crop outside the frame | 'crop: {x: 0, y: 0.73, width: 1, height: 0.17}' | 'crop: {x: 0.5, y: 0.73, width: 0.6, height: 0.17}' | 9 | field 'policy.input.crop': expected a part inside the frame (x + width <= 1, y + height <= 1), got x=0.5 width=0.6, y=0.73 height=0.17, which reaches outside it
            """)
    void isExitThreeNamingFileLineAndWhatIsExpected_andNothingSavedIsLost(String what, String line, String replacement, int expectedLine, String reason)
            throws Exception {
        assertThat(GOOD).contains(line);
        Path cal = Files.writeString(dir.resolve("game.yaml"), GOOD.replace(line, replacement));
        // what was saved before: a checkpoint in use and a recorded episode
        Path saved = Files.createDirectories(dir.resolve("checkpoints/desktop-game/v0001"));
        Files.writeString(saved.resolve("checkpoint.json"), "{\"version\": \"v0001\"}\n");
        Files.writeString(dir.resolve("checkpoints/desktop-game/current"), "v0001\n");
        Path episode = Files.createDirectories(dir.resolve("episodes/e1"));
        Files.writeString(episode.resolve("meta.json"), "{\"id\": \"e1\"}\n");
        for (String[] args : new String[][]{
                {"train", "--target", "desktop", "--calibration", cal.toString(), "--episodes-dir", dir.resolve("episodes").toString(),
                        "--checkpoints", dir.resolve("checkpoints").toString()},
                {"eval", "--target", "desktop", "--calibration", cal.toString(), "--policy", "baseline", "--episodes", "1",
                        "--episodes-dir", dir.resolve("episodes").toString()}}) {
            CliRun r = CliRun.of(args);
            assertThat(r.exit()).as(what + ": " + args[0] + "\n" + r.out() + r.err()).isEqualTo(Main.BAD_FILE);
            assertThat(r.err()).as(args[0]).contains(cal + ":" + expectedLine + ": " + reason);
        }
        assertThat(Files.readString(saved.resolve("checkpoint.json"))).isEqualTo("{\"version\": \"v0001\"}\n");
        assertThat(Files.readString(dir.resolve("checkpoints/desktop-game/current"))).isEqualTo("v0001\n");
        try (var s = Files.list(dir.resolve("checkpoints/desktop-game"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("current", "v0001");
        }
        assertThat(Files.readString(episode.resolve("meta.json"))).isEqualTo("{\"id\": \"e1\"}\n");
        try (var s = Files.list(dir.resolve("episodes"))) {
            assertThat(s.toList()).hasSize(1);
        }
    }

    /** A score region where OCR reads nothing on the program's real screen (an empty xterm under Xvfb): found when the episode starts. */
    @Tag("external")
    @Tag("slow")
    @Test
    void anOcrRegionWithNothingLegible_isExitThreeNamingFileAndLine_andNothingSavedIsLost() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: the program runs on an X display (./run tests starts Xvfb)");
        Path calDir = dir.resolve("calibration");
        CliRun cal = CliRun.of("calibrate", "screen", "--title", "embody-blank", "--name", "blank", "--dir", calDir.toString(),
                "--skills", "skills/moon-buggy", "--launch", "xterm -T embody-blank -geometry 30x8+0+0 -e sleep 60");
        assertThat(cal.exit()).as(cal.out() + cal.err()).isZero();
        Path f = calDir.resolve("blank.yaml");
        ScreenCalibration c = ScreenCalibration.load(f);
        String written = Files.readString(f);
        int line = (int) written.lines().count() + 1;
        Files.writeString(f, written + String.format(Locale.ROOT, "score: {kind: number, region: {x: %d, y: %d, width: %d, height: %d}}%n",
                c.sceneWidth() / 2, c.sceneHeight() / 2, c.sceneWidth() / 4, c.sceneHeight() / 4));
        Path episode = Files.createDirectories(dir.resolve("episodes/e1"));
        Files.writeString(episode.resolve("meta.json"), "{\"id\": \"e1\"}\n");
        CliRun eval = CliRun.of("eval", "--target", "desktop", "--calibration", f.toString(), "--policy", "baseline", "--episodes", "1",
                "--realtime", "--rate", "10", "--time-limit", "5", "--episodes-dir", dir.resolve("episodes").toString());
        assertThat(eval.exit()).as(eval.out() + eval.err()).isEqualTo(Main.BAD_FILE);
        assertThat(eval.err()).contains(f + ":" + line + ": field 'score.region': expected a region where a number is legible, got");
        assertThat(Files.readString(episode.resolve("meta.json"))).isEqualTo("{\"id\": \"e1\"}\n");
    }
}
