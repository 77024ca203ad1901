package dev.embody.cli;

import dev.embody.perception.ScreenCapture;
import dev.embody.perception.ScreenRegion;
import dev.embody.testkit.CliRun;

import dev.embody.testkit.SimWindowGame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Tag("external")
class CalibrateScreenCommandTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsAnXServer() {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: these tests need an X server (./run tests starts Xvfb)");
    }

    private Path out() {
        return dir.resolve("cal");
    }

    @Test
    void aMissingWindowIsAClearErrorAndWritesNothing() {
        CliRun r = CliRun.of("calibrate", "screen", "--title", "no such window 4711", "--name", "ghost", "--dir", out().toString());
        assertThat(r.exit()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("no visible window titled 'no such window 4711'").contains("nothing written");
        assertThat(out()).doesNotExist();
    }

    @Test
    void aTemplateThatIsNotAnImageOrNotOnScreenIsAClearErrorAndWritesNothing() throws Exception {
        Path notImage = Files.writeString(dir.resolve("button.png"), "this is text, not a PNG");
        CliRun bad = CliRun.of("calibrate", "screen", "--template", notImage.toString(), "--name", "x", "--dir", out().toString());
        assertThat(bad.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(bad.err()).contains("button.png").contains("not an image");

        CliRun missing = CliRun.of("calibrate", "screen", "--template", dir.resolve("nope.png").toString(), "--name", "x", "--dir", out().toString());
        assertThat(missing.exit()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("nope.png: no such file");

        // a real image of something that is not on the screen: seeded noise no program draws
        Path noisePng = noise();
        CliRun absent = CliRun.of("calibrate", "screen", "--template", noisePng.toString(), "--name", "x", "--dir", out().toString());
        assertThat(absent.exit()).isEqualTo(Main.FAILED);
        assertThat(absent.err()).contains("is not on the screen").contains("nothing written");
        assertThat(out()).doesNotExist();
    }

    /** A PNG of seeded noise: a real image that no program on the screen draws. */
    private Path noise() throws Exception {
        java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(48, 24, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(12);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        Path png = dir.resolve("noise.png");
        ImageIO.write(noise, "png", png.toFile());
        return png;
    }

    @Test
    void aListedTemplateThatThisScreenDoesNotShowIsRecordedWithAWarning() throws Exception {
        CliRun r = CliRun.of("calibrate", "screen", "--geometry", "640x360+0+0", "--name", "g", "--template-image", "noise=" + noise(),
                "--dir", out().toString(), "--frames", "5");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("warning: template noise matches this screen at most").contains("capture it from this screen");
        String written = Files.readString(out().resolve("g.yaml"));
        assertThat(written).contains("template_captures:").contains("noise:").contains("captured: ").contains("host: ");
        assertThat(dev.embody.perception.ScreenCalibration.load(out().resolve("g.yaml")).captures().get("noise").score()).isLessThan(0.9);
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliRun two = CliRun.of("calibrate", "screen", "--title", "a", "--geometry", "10x10+0+0", "--name", "x", "--dir", out().toString());
        assertThat(two.exit()).isEqualTo(Main.USAGE);
        assertThat(two.err()).contains("give one of --title, --geometry or --template");
        CliRun geometry = CliRun.of("calibrate", "screen", "--geometry", "wide", "--name", "x", "--dir", out().toString());
        assertThat(geometry.exit()).isEqualTo(Main.USAGE);
        assertThat(geometry.err()).contains("--geometry must be WxH+X+Y");
        CliRun off = CliRun.of("calibrate", "screen", "--geometry", "640x360+99999+0", "--name", "x", "--dir", out().toString());
        assertThat(off.exit()).isEqualTo(Main.FAILED);
        assertThat(off.err()).contains("is not inside the");
        assertThat(out()).doesNotExist();
    }

    @Test
    void findsTheSimWindowByTitleAndByTemplate_andMeasuresCapture() throws Exception {
        Path cal = SimWindowGame.calibration(dir, 3.0);
        try (SimWindowGame game = SimWindowGame.start(dir, "--time-limit", "600")) {
            CliRun byTitle = CliRun.of("calibrate", "screen", "--from", cal.toString(), "--name", "sim-window", "--dir", out().toString());
            assertThat(byTitle.exit()).as(byTitle.err()).isZero();
            assertThat(byTitle.out()).containsPattern("region 640x360\\+\\d+\\+\\d+, frames 640x360 by x11grab: capture p50 [\\d.]+ ms");
            String written = Files.readString(out().resolve("sim-window.yaml"));
            assertThat(written).contains("title: embody sim-window").contains("level-won: templates/level-won.png").contains("success: level-won");
            assertThat(out().resolve("templates/level-won.png")).exists();
            // by template: a crop of the window's top-left corner (its HUD), read from the screen by the project's own capture
            Path corner = dir.resolve("corner.png");
            try (ScreenCapture cap = ScreenCapture.open("robot", new ScreenRegion(0, 0, 160, 40), 160, 40, 30)) {
                ImageIO.write(cap.next().frame().toImage(), "png", corner.toFile());
            }
            CliRun byTemplate = CliRun.of("calibrate", "screen", "--template", corner.toString(), "--size", "640x360", "--name", "by-template",
                    "--source", "robot", "--dir", out().toString());
            assertThat(byTemplate.exit()).as(byTemplate.err()).isZero();
            assertThat(Files.readString(out().resolve("by-template.yaml"))).contains("source: robot").contains("width: 640");
        }
    }

    /**
     * Declaring an ending on a real program: what OCR reads in a region of its scene is shown (so the region of a score
     * can be chosen), and a part of its screen is saved as a template to declare as its end screen; neither writes the
     * calibration, a template in use is not overwritten, and a region outside the scene is refused.
     */
    @Test
    void readsWhatOcrSeesInARegion_andCapturesATemplate_forDeclaringAnEnding() throws Exception {
        String title = "embody-look-" + ProcessHandle.current().pid();
        Process xterm = new ProcessBuilder("xterm", "-T", title, "-geometry", "30x3+40+780", "-fa", "DejaVu Sans Mono", "-fs", "10",
                "-e", "sh", "-c", "printf 'score: 40715'; sleep 60").start();
        try {
            dev.embody.testkit.XPrograms.awaitWindow(title);
            CliRun cal = CliRun.of("calibrate", "screen", "--title", title, "--name", "look", "--dir", out().toString(), "--frames", "5");
            assertThat(cal.exit()).as(cal.out() + cal.err()).isZero();
            Path file = out().resolve("look.yaml");
            String written = Files.readString(file);
            // the shell prints once the terminal is up: read until the number is there (bounded)
            CliRun read = null;
            for (int i = 0; i < 40 && (read == null || !read.out().contains("number=40715")); i++) {
                read = CliRun.of("calibrate", "screen", "--from", file.toString(), "--read", "0,0,200,21");
            }
            assertThat(read.exit()).as(read.out() + read.err()).isZero();
            assertThat(read.line("read 0,0,200,21:")).containsIgnoringCase("score").contains("number=40715");
            assertThat(read.out()).contains("declare it: {kind: text, text: WORDS, region: {x: 0, \"y\": 0, width: 200, height: 21}");

            CliRun capture = CliRun.of("calibrate", "screen", "--from", file.toString(), "--capture-template", "over=0,0,120,21");
            assertThat(capture.exit()).as(capture.out() + capture.err()).isZero();
            Path png = out().resolve("templates/over.png");
            var img = ImageIO.read(png.toFile());
            assertThat(img.getWidth()).isEqualTo(120);
            assertThat(img.getHeight()).isEqualTo(21);
            assertThat(capture.out()).contains("templates: {over: templates/over.png}").contains("- {kind: template, template: over, outcome: failure}");
            CliRun again = CliRun.of("calibrate", "screen", "--from", file.toString(), "--capture-template", "over=0,0,10,10");
            assertThat(again.exit()).isEqualTo(Main.USAGE);
            assertThat(again.err()).contains("already exists");
            assertThat(ImageIO.read(png.toFile()).getWidth()).as("the template in use is kept").isEqualTo(120);

            CliRun outside = CliRun.of("calibrate", "screen", "--from", file.toString(), "--read", "0,0,5000,21");
            assertThat(outside.exit()).isEqualTo(Main.USAGE);
            assertThat(outside.err()).contains("--read: expected a region inside the scene").contains("got 0,0,5000,21");
            assertThat(Files.readString(file)).as("looking writes no calibration").isEqualTo(written);
        } finally {
            xterm.destroy();
        }
    }
}
