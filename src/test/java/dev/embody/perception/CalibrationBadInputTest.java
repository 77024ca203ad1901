package dev.embody.perception;

import dev.embody.cli.Main;
import dev.embody.file.BadFileException;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A desktop calibration file (calibration/desktop/*.yaml) with one field wrong, and the one line each gives:
 * {@code file:line: field 'x': expected ..., got ...}. Nothing is silently defaulted.
 */
class CalibrationBadInputTest {

    /** Every field, one a line, so each case names its own line. */
    static final String GOOD = """
            name: prog
            window:
              title: My Program
              focus: click
              offset: {x: 0, y: 0}
            region:
              x: 0
              y: 0
              width: 640
              height: 360
            scene: {width: 640, height: 360}
            source: x11grab
            resize: area
            framerate: 240
            mouse: {gain: 1.0}
            capture_latency_ms: 2.5
            parser: none
            skills: skills/desktop
            template_threshold: 0.9
            template_scales: [1.0, 0.5]
            safety:
              watchdog_s: 3.0
              check_ms: 250
              deny: [ALT+F4, CONTROL+ALT+DELETE]
            """;

    static final String FIELDS = "name, window, region, scene, source, resize, framerate, mouse, capture_latency_ms, templates, "
            + "template_threshold, template_scales, template_captures, episode_end, skills, parser, safety, goals, launch, policy, stick, words, ready, ending, score";

    @TempDir
    Path dir;

    Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("prog.yaml"), text);
    }

    @Test
    void theGoodFileLoadsWithEveryFieldAsWritten() throws Exception {
        ScreenCalibration c = ScreenCalibration.load(write(GOOD));
        assertThat(c.title()).isEqualTo("My Program");
        assertThat(c.focus()).isEqualTo("click");
        assertThat(c.region()).isEqualTo(new ScreenRegion(0, 0, 640, 360));
        assertThat(c.framerate()).isEqualTo(240);
        assertThat(c.mouseGain()).isEqualTo(1.0);
        assertThat(c.scales()).containsExactly(1.0, 0.5);
        assertThat(c.watchdogSeconds()).isEqualTo(3.0);
        assertThat(c.checkMillis()).isEqualTo(250);
        assertThat(c.denied()).containsExactly(java.util.List.of("ALT", "F4"), java.util.List.of("CONTROL", "ALT", "DELETE"));
    }

    /** One line of the good file replaced (or, with an empty replacement, removed): the line and reason it must give. */
    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            framerate: 240          | framerate: fast        | 14 | field 'framerate': expected an integer from 1 to 1000, got 'fast'
            framerate: 240          | framerate: 0           | 14 | field 'framerate': expected an integer from 1 to 1000, got 0
            framerate: 240          | framerate: 2.5         | 14 | field 'framerate': expected an integer from 1 to 1000, got 2.5
            framerate: 240          | framerate: '240'       | 14 | field 'framerate': expected an integer from 1 to 1000, got '240'
            framerate: 240          | framrate: 240          | 14 | field 'framrate': expected one of FIELDS, got an unknown field (did you mean 'framerate'?)
            framerate: 240          | colour: blue           | 14 | field 'colour': expected one of FIELDS, got an unknown field
            mouse: {gain: 1.0}      | mouse: {gain: lots}    | 15 | field 'mouse.gain': expected a number above 0 and at most 100, got 'lots'
            mouse: {gain: 1.0}      | mouse: {gain: -2}      | 15 | field 'mouse.gain': expected a number above 0 and at most 100, got -2
            mouse: {gain: 1.0}      | mouse: {gain: 0}       | 15 | field 'mouse.gain': expected a number above 0 and at most 100, got 0
            mouse: {gain: 1.0}      | mouse: {gain: .nan}    | 15 | not valid YAML: Malformed numeric value '.nan'
            mouse: {gain: 1.0}      | mouse: {gian: 2}       | 15 | field 'mouse.gian': expected one of gain, got an unknown field (did you mean 'gain'?)
            mouse: {gain: 1.0}      | mouse: 2               | 15 | field 'mouse': expected a mapping such as {gain: 1.0}, got 2
            '  watchdog_s: 3.0'     | '  watchdog_s: -1'     | 22 | field 'safety.watchdog_s': expected a number from 0.5 to 600 (seconds), got -1
            '  watchdog_s: 3.0'     | '  watchdog_s: 0'      | 22 | field 'safety.watchdog_s': expected a number from 0.5 to 600 (seconds), got 0
            '  watchdog_s: 3.0'     | '  watchdog_s: soon'   | 22 | field 'safety.watchdog_s': expected a number from 0.5 to 600 (seconds), got 'soon'
            '  watchdog_s: 3.0'     | '  watchdog_s: 1e999'  | 22 | field 'safety.watchdog_s': expected a number from 0.5 to 600 (seconds), got Infinity
            '  watchdog_s: 3.0'     | '  watchdog: 3.0'      | 22 | field 'safety.watchdog': expected one of watchdog_s, check_ms, deny, got an unknown field (did you mean 'watchdog_s'?)
            '  check_ms: 250'       | '  check_ms: 0'        | 23 | field 'safety.check_ms': expected an integer from 10 to 60000 (milliseconds), got 0
            '  check_ms: 250'       | '  check_ms: often'    | 23 | field 'safety.check_ms': expected an integer from 10 to 60000 (milliseconds), got 'often'
            '  deny: [ALT+F4, CONTROL+ALT+DELETE]' | '  deny: ALT+F4' | 24 | field 'safety.deny': expected a list of key chords such as [ALT+F4], got 'ALT+F4'
            '  deny: [ALT+F4, CONTROL+ALT+DELETE]' | '  deny: [ALT+F4, ALT+]' | 24 | field 'safety.deny[1]': expected a key chord such as ALT+F4, got 'ALT+'
            '  deny: [ALT+F4, CONTROL+ALT+DELETE]' | '  deny: [[ALT, F4]]' | 24 | field 'safety.deny[0]': expected a key chord such as ALT+F4, got a list
            '  deny: [ALT+F4, CONTROL+ALT+DELETE]' | '  deny: [ALT+WARP]' | 24 | field 'safety.deny[0]': unknown key 'WARP' in 'ALT+WARP' (expected java.awt.event.KeyEvent names without VK_, such as ALT, F4, CONTROL, DELETE)
            '  deny: [ALT+F4, CONTROL+ALT+DELETE]' | '  deny: [ALT+F4, CTRL+ALT+DEL, SHIFT+F44]' | 24 | field 'safety.deny[2]': unknown key 'F44' in 'SHIFT+F44' (expected java.awt.event.KeyEvent names without VK_, such as ALT, F4, CONTROL, DELETE)
            '  width: 640'          | '  width: 100000'      | 9  | field 'region.width': expected an integer from 1 to 16384 (screen pixels), got 100000
            '  width: 640'          | '  width: -640'        | 9  | field 'region.width': expected an integer from 1 to 16384 (screen pixels), got -640
            '  width: 640'          | '  width: wide'        | 9  | field 'region.width': expected an integer from 1 to 16384 (screen pixels), got 'wide'
            '  x: 0'                | '  x: -5'              | 7  | field 'region.x': expected an integer from 0 to 16383 (screen pixels), got -5
            '  height: 360'         | ''                     | 6  | field 'region.height': expected an integer from 1 to 16384 (screen pixels), got nothing
            '  height: 360'         | '  heigth: 360'        | 10 | field 'region.heigth': expected one of x, y, width, height, got an unknown field (did you mean 'height'?)
            scene: {width: 640, height: 360} | scene: {width: 0, height: 360} | 11 | field 'scene.width': expected an integer from 1 to 16384 (the program's own pixels), got 0
            scene: {width: 640, height: 360} | scene: 640x360 | 11 | field 'scene': expected a mapping such as {width: 640, height: 360}, got '640x360'
            source: x11grab         | source: vnc            | 12 | field 'source': expected one of x11grab, robot, got 'vnc'
            source: x11grab         | source: x11grb         | 12 | field 'source': expected one of x11grab, robot, got 'x11grb' (did you mean 'x11grab'?)
            resize: area            | resize: cubic          | 13 | field 'resize': expected one of area, nearest, got 'cubic'
            '  focus: click'        | '  focus: mouse'       | 4  | field 'window.focus': expected one of click, xdotool, none, got 'mouse'
            '  title: My Program'   | '  title: ""'          | 3  | field 'window.title': expected the window's exact title, got ''
            '  title: My Program'   | '  tittle: My Program' | 3  | field 'window.tittle': expected one of title, focus, offset, got an unknown field (did you mean 'title'?)
            '  offset: {x: 0, y: 0}' | '  offset: {x: -1, y: 0}' | 5 | field 'window.offset.x': expected an integer from 0 to 16383 (pixels), got -1
            capture_latency_ms: 2.5 | capture_latency_ms: -3 | 16 | field 'capture_latency_ms': expected a number from 0 to 10000 (milliseconds), got -3
            parser: none            | parser: sim_game       | 17 | field 'parser': expected one of none, sim-game, got 'sim_game' (did you mean 'sim-game'?)
            skills: skills/desktop  | skills: [a, b]         | 18 | field 'skills': expected a skills folder, got a list
            template_threshold: 0.9 | template_threshold: 1.5 | 19 | field 'template_threshold': expected a number above 0 and at most 1, got 1.5
            template_threshold: 0.9 | template_threshold: high | 19 | field 'template_threshold': expected a number above 0 and at most 1, got 'high'
            template_scales: [1.0, 0.5] | template_scales: [1.0, big] | 20 | field 'template_scales[1]': expected a number above 0 and at most 10, got 'big'
            template_scales: [1.0, 0.5] | template_scales: [] | 20 | field 'template_scales': expected a list of scales such as [1.0, 0.5], got an empty list
            template_scales: [1.0, 0.5] | template_scales: 1.0 | 20 | field 'template_scales': expected a list of scales such as [1.0, 0.5], got 1.0
            name: prog              | name: ../x             | 1  | field 'name': expected a plain name (letters, digits, '.', '_' and '-', not starting with '.'), got '../x'
            name: prog              | name: [a]              | 1  | field 'name': expected a plain name (letters, digits, '.', '_' and '-', not starting with '.'), got a list
            """)
    void eachFieldIsTypedAndRangeChecked(String line, String replacement, int expectedLine, String reason) throws Exception {
        assertThat(GOOD).contains(line + "\n");
        Path f = write(GOOD.replace(line + "\n", replacement.isEmpty() ? "" : replacement + "\n"));
        assertThatThrownBy(() -> ScreenCalibration.load(f)).isInstanceOf(BadFileException.class)
                .hasMessage(f + ":" + expectedLine + ": " + reason.replace("FIELDS", FIELDS));
    }

    @Test
    void templatesAndEpisodeEndsNameWhatIsWrong() throws Exception {
        Files.createDirectories(dir.resolve("templates"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", dir.resolve("templates/save.png").toFile());
        Files.write(dir.resolve("templates/quit.png"), new byte[]{1});
        Path notImage = write(GOOD + "templates:\n  save: templates/save.png\n  quit: templates/quit.png\n");
        assertThatThrownBy(() -> ScreenCalibration.load(notImage)).isInstanceOf(BadFileException.class).hasMessage(notImage + ":27: field 'templates.quit': "
                + "expected an image file, got 'templates/quit.png' (" + dir.toAbsolutePath().resolve("templates/quit.png") + " is not an image OpenCV can read)");
        Files.delete(dir.resolve("templates/quit.png"));
        Path notAMap = write(GOOD + "templates: save.png\n");
        assertThatThrownBy(() -> ScreenCalibration.load(notAMap)).hasMessage(notAMap + ":25: field 'templates': expected a mapping of name to image "
                + "file such as {save: templates/save.png}, got 'save.png'");
        Path missing = write(GOOD + "templates:\n  save: templates/save.png\n  quit: templates/quit.png\n");
        assertThatThrownBy(() -> ScreenCalibration.load(missing)).hasMessage(missing + ":27: field 'templates.quit': expected an image file, got '"
                + "templates/quit.png' (no such file: " + dir.toAbsolutePath().resolve("templates/quit.png") + ")");
        Path end = write(GOOD + "templates:\n  save: templates/save.png\nepisode_end:\n  success: won\n");
        assertThatThrownBy(() -> ScreenCalibration.load(end)).hasMessage(end + ":28: field 'episode_end.success': expected one of the templates "
                + "(save), got 'won'");
        Path endKey = write(GOOD + "templates:\n  save: templates/save.png\nepisode_end:\n  sucess: save\n");
        assertThatThrownBy(() -> ScreenCalibration.load(endKey)).hasMessage(endKey + ":28: field 'episode_end.sucess': expected one of success, "
                + "failure, got an unknown field (did you mean 'success'?)");
    }

    /** On the command line: a template that is not an image, and a calibration far too large, are bad files (exit 3) naming file and line. */
    @Test
    void theCommandLineRefusesABadTemplateOrAHugeCalibrationWithExitThree() throws Exception {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("templates/save.png"), "not a picture");
        Path cal = write(GOOD + "templates:\n  save: templates/save.png\n");
        CliRun r = CliRun.of("skills", "list", "--target", "desktop", "--calibration", cal.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(Main.BAD_FILE);
        assertThat(r.err()).contains(cal + ":26: field 'templates.save': expected an image file, got 'templates/save.png'");

        Path big = dir.resolve("big.yaml");
        Files.writeString(big, GOOD + "goals: [\"" + "a".repeat(35 << 20) + "\"]\n");
        Path sparse = dir.resolve("sparse.yaml");
        try (var f = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        for (Path f : List.of(big, sparse)) {
            long t0 = System.nanoTime();
            CliRun huge = CliRun.of("skills", "list", "--target", "desktop", "--calibration", f.toString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(huge.exit()).as(huge.out() + huge.err()).isEqualTo(Main.BAD_FILE);
            assertThat(huge.err()).contains(f + ": too large: " + Files.size(f) + " bytes; a YAML file embody reads is at most 262144 bytes (256 KiB)");
            assertThat(ms).as("refused before reading").isLessThan(2000);
        }
    }

    @Test
    void aTitledWindowWithNoRegionNeedsTheSceneSize() throws Exception {
        String titled = GOOD.replaceAll("(?s)region:.*?scene: \\{width: 640, height: 360}\n", "");
        ScreenCalibration.load(write(titled.replace("source: x11grab", "scene: {width: 640, height: 360}\nsource: x11grab")));
        Path f = write(titled);
        assertThatThrownBy(() -> ScreenCalibration.load(f)).hasMessage(f + ":1: field 'scene': expected a mapping such as {width: 640, height: 360} "
                + "(the program's own resolution; there is no region to take it from), got nothing");
    }

    // ---- relative to the screen: checked when an episode starts, where the screen is known ----

    @Test
    void aRegionOffTheScreenOrLargerThanItNamesTheScreenSize() throws Exception {
        ScreenRegion screen = new ScreenRegion(0, 0, 1920, 1080);
        ScreenCalibration fits = ScreenCalibration.load(write(GOOD));
        fits.checkOnScreen(fits.region(), screen, ":99");

        ScreenCalibration off = ScreenCalibration.load(write(GOOD.replace("  x: 0\n", "  x: 1500\n").replace("  y: 0\n", "  y: 900\n")));
        assertThatThrownBy(() -> off.checkOnScreen(off.region(), screen, ":99")).isInstanceOf(BadFileException.class)
                .hasMessage(dir.resolve("prog.yaml") + ":6: field 'region': expected a rectangle on the screen (1920x1080 on display :99), "
                        + "got 640x360+1500+900, which reaches x=2140, y=1260");
        ScreenCalibration huge = ScreenCalibration.load(write(GOOD.replace("  width: 640\n", "  width: 4000\n")));
        assertThatThrownBy(() -> huge.checkOnScreen(huge.region(), screen, ":99")).isInstanceOf(BadFileException.class)
                .hasMessage(dir.resolve("prog.yaml") + ":6: field 'region': expected a rectangle on the screen (1920x1080 on display :99), "
                        + "got 4000x360+0+0, which is larger than the screen");
    }
}
