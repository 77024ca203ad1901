package dev.embody.cli;

import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The third-party game's commands refuse what they cannot do, with one line and exit 2 (a command line) or 3 (a file),
 * before anything is started: the demonstrator, the arena, and calibrating a program with its launch command.
 */
class DemonstrateCommandTest {

    @TempDir
    Path dir;

    @Test
    void theDemonstratorKnowsOneGameAndChecksItsNumbers() {
        CliRun chess = CliRun.of("demonstrate", "chess");
        assertThat(chess.exit()).isEqualTo(Main.USAGE);
        assertThat(chess.err()).contains("GAME must be one of moon-buggy, got 'chess'");
        CliRun lead = CliRun.of("demonstrate", "moon-buggy", "--lead", "-1");
        assertThat(lead.exit()).isEqualTo(Main.USAGE);
        assertThat(lead.err()).contains("--lead");
        CliRun mqtt = CliRun.of("demonstrate", "moon-buggy", "--mqtt-corrections", "tcp://127.0.0.1:1883");
        assertThat(mqtt.exit()).isEqualTo(Main.USAGE);
        assertThat(mqtt.err()).contains("--mqtt-corrections needs --correct");
        CliRun missing = CliRun.of("demonstrate", "moon-buggy", "--calibration", dir.resolve("none.yaml").toString());
        assertThat(missing.exit()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("--calibration: no such file");
    }

    @Tag("external")
    @Test
    void theDemonstratorRefusesACalibrationForAnotherProgram() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: the calibration is read once an X display is there (./run tests starts Xvfb)");
        CliRun other = CliRun.of("demonstrate", "moon-buggy", "--calibration", "calibration/desktop/sim-window.yaml");
        assertThat(other.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(other.err()).contains("sim-window.yaml:").contains("field 'parser': expected moon-buggy (the demonstrator reads that game's screen), got 'sim-game'");
        Path noLaunch = Files.writeString(dir.resolve("moon.yaml"), "name: moon\nwindow: {title: moon-buggy}\nscene: {width: 644, height: 412}\nparser: moon-buggy\n");
        CliRun play = CliRun.of("demonstrate", "moon-buggy", "--calibration", noLaunch.toString());
        assertThat(play.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(play.err()).contains("field 'launch': to play episodes the demonstrator starts a fresh game each time");
    }

    @Test
    void theArenaChecksItsOptions() {
        CliRun op = CliRun.of("bench", "arena", "--operator", "bob");
        assertThat(op.exit()).isEqualTo(Main.USAGE);
        assertThat(op.err()).contains("--operator must be one of none, demonstrator, got 'bob'");
        CliRun limit = CliRun.of("bench", "arena", "--time-limit", "0");
        assertThat(limit.exit()).isEqualTo(Main.USAGE);
        assertThat(limit.err()).contains("--time-limit");
    }

    @Test
    void calibratingWithALaunchCommandNeedsATitleAndAClosedQuote() {
        CliRun noTitle = CliRun.of("calibrate", "screen", "--geometry", "64x36+0+0", "--name", "x", "--dir", dir.toString(), "--launch", "xterm");
        assertThat(noTitle.exit()).isEqualTo(Main.USAGE);
        assertThat(noTitle.err()).contains("--launch needs --title");
        CliRun quote = CliRun.of("calibrate", "screen", "--title", "t", "--name", "x", "--dir", dir.toString(), "--launch", "xterm -fa 'DejaVu");
        assertThat(quote.exit()).isEqualTo(Main.USAGE);
        assertThat(quote.err()).contains("a quote is not closed");
        CliRun key = CliRun.of("calibrate", "screen", "--title", "t", "--name", "x", "--dir", dir.toString(), "--launch", "xterm", "--launch-key", "WARP");
        assertThat(key.exit()).isEqualTo(Main.USAGE);
        assertThat(key.err()).contains("--launch-key: unknown key 'WARP'");
        assertThat(dir.resolve("x.yaml")).doesNotExist();
    }

    @Tag("external")
    @Test
    void aLaunchCommandThatCannotStartIsOneLine_andNothingIsWritten() {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: calibrating needs an X display (./run tests starts Xvfb)");
        CliRun run = CliRun.of("calibrate", "screen", "--title", "embody-nothing", "--name", "x", "--dir", dir.toString(), "--launch", "/no/such/program -x");
        assertThat(run.exit()).isEqualTo(Main.FAILED);
        assertThat(run.err()).contains("cannot start '/no/such/program -x'");
        assertThat(dir.resolve("x.yaml")).doesNotExist();
    }

    @Test
    void wordsOfALaunchCommand_keepQuotedPartsWhole() {
        assertThat(CalibrateScreenCommand.words("xterm -T moon-buggy -fa 'DejaVu Sans Mono' -fs 10 -e \"/usr/games/moon-buggy\""))
                .containsExactly("xterm", "-T", "moon-buggy", "-fa", "DejaVu Sans Mono", "-fs", "10", "-e", "/usr/games/moon-buggy");
        assertThat(CalibrateScreenCommand.words("  a  ''  b ")).containsExactly("a", "", "b");
    }
}
