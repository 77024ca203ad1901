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
 * A third-party program's commands refuse what they cannot do, with one line and exit 2 (a command line) or 3 (a file),
 * before anything is started: the arena, and calibrating a program with its launch command.
 */
class DemonstrateCommandTest {

    @TempDir
    Path dir;

    @Test
    void theArenaChecksItsOptions() {
        // no program is the default: the calibration is named
        CliRun none = CliRun.of("bench", "arena");
        assertThat(none.exit()).isEqualTo(Main.USAGE);
        assertThat(none.err()).contains("--calibration");
        CliRun op = CliRun.of("bench", "arena", "--calibration", "calibration/desktop/sim-window.yaml", "--operator-command", " ");
        assertThat(op.exit()).isEqualTo(Main.USAGE);
        assertThat(op.err()).contains("--operator-command needs a program to run");
        CliRun limit = CliRun.of("bench", "arena", "--calibration", "calibration/desktop/sim-window.yaml", "--time-limit", "0");
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
