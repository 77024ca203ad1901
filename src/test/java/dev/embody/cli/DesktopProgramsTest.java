package dev.embody.cli;

import dev.embody.testkit.CliRun;

import dev.embody.testkit.EmbodyProcess;
import dev.embody.testkit.XPrograms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Dimension;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Desktop skills on Debian X11 programs nobody in this project wrote: a shell in xterm, and xmessage's buttons.
 * Each program is calibrated by its title ({@code calibrate screen}) and driven with {@code act}; the test then checks
 * what the program itself left behind (a file the shell wrote, the button xmessage reports through its exit code).
 */
@Tag("external")
class DesktopProgramsTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsAnXServer() {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: these tests need an X server (./run tests starts Xvfb)");
    }

    /**
     * Saves a picture of the rightmost button of a window's bottom row. Xaw buttons are X windows of their own, so the
     * X server's window tree says where they are; the pointer is moved away first so the button is not drawn highlighted.
     */
    private static Path captureLastButton(String title, Path png) throws Exception {
        Process p = new ProcessBuilder("xwininfo", "-root", "-tree").redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertThat(p.waitFor()).isZero();
        Pattern row = Pattern.compile("^(\\s*)0x[0-9a-f]+ .*\\s(\\d+)x(\\d+)\\+-?\\d+\\+-?\\d+\\s+\\+(-?\\d+)\\+(-?\\d+)\\s*$");
        int top = -1;
        List<Rectangle> inside = new ArrayList<>();
        for (String line : lines) {
            Matcher m = row.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int indent = m.group(1).length();
            if (top < 0) {
                if (line.contains("\"" + title + "\"")) {
                    top = indent;
                }
            } else if (indent > top) {
                inside.add(new Rectangle(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
            } else {
                break;
            }
        }
        int bottomRow = inside.stream().mapToInt(r -> r.y).max().orElseThrow(() -> new AssertionError("no windows inside '" + title + "'"));
        Rectangle button = inside.stream().filter(r -> r.y == bottomRow).max(Comparator.comparingInt(r -> r.x)).orElseThrow();
        Robot robot = new Robot();
        Dimension screen = Toolkit.getDefaultToolkit().getScreenSize();
        robot.mouseMove(screen.width - 1, screen.height - 1);
        robot.waitForIdle();
        ImageIO.write(robot.createScreenCapture(button), "png", png.toFile());
        return png;
    }

    @Test
    void typesAShellCommandIntoXtermThatWritesAFile() throws Exception {
        EmbodyProcess.copyProjectFolders(dir, "skills");
        // an operator-taught skill built from the desktop primitives: type a line, then the shipped press_key skill
        Files.writeString(dir.resolve("skills/desktop/write_note.yaml"), """
                name: write_note
                description: Write a note into note.txt from a shell.
                tags: [ui]
                body:
                  - type: "echo 'Embody was here: 1+1=2' > note.txt"
                  - call: {skill: press_key, args: {key: enter}}
                """);
        Path work = Files.createDirectories(dir.resolve("shell"));
        Process xterm = new ProcessBuilder("xterm", "-T", "embody-xterm", "-geometry", "80x20+700+400", "-e", "sh")
                .directory(work.toFile()).redirectErrorStream(true).start();
        try {
            XPrograms.awaitWindow("embody-xterm");
            CliRun cal = CliRun.of("calibrate", "screen", "--title", "embody-xterm", "--name", "xterm", "--dir", dir.resolve("calibration/desktop").toString(),
                    "--skills", dir.resolve("skills/desktop").toString());
            assertThat(cal.exit()).as(cal.err()).isZero();
            Path file = dir.resolve("calibration/desktop/xterm.yaml");
            assertThat(Files.readString(file)).contains("title: embody-xterm").contains("source: x11grab");
            CliRun act = CliRun.of("act", "--calibration", file.toString(), "write_note");
            assertThat(act.exit()).as(act.err()).isZero();
            assertThat(act.out()).contains("did write_note: type echo 'Embody was here: 1+1=2' > note.txt; press ENTER");
            Path note = work.resolve("note.txt");
            for (int i = 0; i < 100 && !(Files.exists(note) && Files.size(note) > 0); i++) {
                Thread.sleep(50);
            }
            assertThat(note).hasContent("Embody was here: 1+1=2");
        } finally {
            xterm.destroy();
            xterm.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void clicksAButtonOfXmessageFoundByItsTemplate() throws Exception {
        EmbodyProcess.copyProjectFolders(dir, "skills");
        Process xmessage = new ProcessBuilder("xmessage", "-title", "embody-xmessage", "-geometry", "+900+150",
                "-buttons", "Cancel:4,Save:3", "Save the note?").redirectErrorStream(true).start();
        try {
            XPrograms.awaitWindow("embody-xmessage");
            // the button's template is captured here, from the running program, as an operator would: a template made
            // on another machine carries that machine's fonts and would not match this screen
            Path save = captureLastButton("embody-xmessage", dir.resolve("save.png"));
            CliRun cal = CliRun.of("calibrate", "screen", "--title", "embody-xmessage", "--name", "xmessage", "--dir", dir.resolve("calibration/desktop").toString(),
                    "--skills", dir.resolve("skills/desktop").toString(), "--template-image", "save=" + save);
            assertThat(cal.exit()).as(cal.err()).isZero();
            // the calibration says when and where the template was captured and how well it matched then
            assertThat(cal.out()).containsPattern("template save: best match on this screen (0\\.99\\d|1\\.000)");
            assertThat(Files.readString(dir.resolve("calibration/desktop/xmessage.yaml"))).contains("template_captures:")
                    .contains("display: " + System.getenv("DISPLAY")).containsPattern("score: (0\\.99\\d*|1\\.0)");
            CliRun act = CliRun.of("act", "--calibration", dir.resolve("calibration/desktop/xmessage.yaml").toString(), "click_template(template=save)");
            assertThat(act.exit()).as(act.err()).isZero();
            assertThat(act.out()).contains("click left");
            // xmessage exits with the code of the button pressed: 3 is Save (Cancel, 4, comes first on its row)
            assertThat(xmessage.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(xmessage.exitValue()).isEqualTo(3);
        } finally {
            xmessage.destroy();
        }
    }
}
