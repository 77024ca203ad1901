package dev.embody.perception;

import dev.embody.testkit.XPrograms;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** OCR of what a real program draws: an xterm under the tests' Xvfb showing a number, captured as an episode captures. */
@Tag("external")
class TextReaderTest {

    @Test
    void readsTheNumberAnXtermShows() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: this test needs an X server (./run tests starts Xvfb)");
        String title = "embody-ocr-" + ProcessHandle.current().pid();
        Process xterm = new ProcessBuilder("xterm", "-T", title, "-geometry", "30x3+40+700", "-fa", "DejaVu Sans Mono", "-fs", "10",
                "-e", "sh", "-c", "printf 'score: 40715'; sleep 60").start();
        try {
            XPrograms.awaitWindow(title);
            XWindows.Window w = XWindows.find(title).orElseThrow();
            ScreenRegion region = new ScreenRegion(w.region().x(), w.region().y(), w.region().width(), w.region().height());
            try (ScreenCapture capture = ScreenCapture.open("x11grab", region, region.width(), region.height(), 30);
                 TextReader reader = new TextReader()) {
                // the first line of cells: the shell prints once the terminal is up, so read until it is there (bounded)
                ScreenRegion firstLine = new ScreenRegion(0, 0, region.width(), Math.min(region.height(), 21));
                Optional<Double> n = Optional.empty();
                String read = "";
                for (int i = 0; i < 100 && n.isEmpty(); i++) {
                    read = reader.text(capture.next().frame(), firstLine);
                    n = TextReader.number(read);
                    if (n.isEmpty()) {
                        Thread.sleep(50);
                    }
                }
                assertThat(read).containsIgnoringCase("score");
                assertThat(n).as("read: " + read).contains(40715.0);
            }
        } finally {
            xterm.destroy();
        }
    }

    @Test
    void readsADarkRedNumberOnABlackTerminal() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: this test needs an X server (./run tests starts Xvfb)");
        String title = "embody-ocr-red-" + ProcessHandle.current().pid();
        // a terminal game's status line: ANSI red (205,0,0) on black is a grey of 50, leading zeros in a small font, no cursor
        Process xterm = new ProcessBuilder("xterm", "-T", title, "-geometry", "30x3+40+600", "-bg", "black", "-fg", "white", "-fa", "DejaVu Sans Mono",
                "-fs", "10", "-e", "sh", "-c", "printf '\\033[?25l\\033[31m0003250\\033[0m'; sleep 60").start();
        try {
            XPrograms.awaitWindow(title);
            XWindows.Window w = XWindows.find(title).orElseThrow();
            ScreenRegion region = new ScreenRegion(w.region().x(), w.region().y(), w.region().width(), w.region().height());
            try (ScreenCapture capture = ScreenCapture.open("x11grab", region, region.width(), region.height(), 30);
                 TextReader reader = new TextReader()) {
                // the digits' cells (8x17 pixels each, from a 2-pixel border) with a cell of margin, as a calibration declares them
                ScreenRegion digits = new ScreenRegion(0, 2, 9 * 8, 17);
                Optional<Double> n = Optional.empty();
                String read = "";
                for (int i = 0; i < 100 && n.isEmpty(); i++) {
                    read = reader.text(capture.next().frame(), digits);
                    n = TextReader.number(read);
                    if (n.isEmpty()) {
                        Thread.sleep(50);
                    }
                }
                assertThat(n).as("read: " + read).contains(3250.0);
                assertThat(read).isEqualTo("0003250");
            }
        } finally {
            xterm.destroy();
        }
    }

    @Test
    void readsNumbersWhoseLastDigitTouchesTheRegionsEdge() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: this test needs an X server (./run tests starts Xvfb)");
        String title = "embody-ocr-edge-" + ProcessHandle.current().pid();
        // a score right-aligned before a word, as Debian's 2048 draws "588 pts": a region declared up to the number's last cell
        Process xterm = new ProcessBuilder("xterm", "-T", title, "-geometry", "30x5+40+500", "-fa", "DejaVu Sans Mono", "-fs", "10",
                "-e", "sh", "-c", "printf '\\033[?25l      588 pts\\n      120 pts\\n      500 pts'; sleep 60").start();
        try {
            XPrograms.awaitWindow(title);
            XWindows.Window w = XWindows.find(title).orElseThrow();
            ScreenRegion region = new ScreenRegion(w.region().x(), w.region().y(), w.region().width(), w.region().height());
            try (ScreenCapture capture = ScreenCapture.open("x11grab", region, region.width(), region.height(), 30);
                 TextReader reader = new TextReader()) {
                // cells of 8x17 pixels from a 2-pixel border: columns 0-8 of each line, the last digit's cell at the region's edge
                double[] want = {588, 120, 500};
                for (int line = 0; line < 3; line++) {
                    ScreenRegion digits = new ScreenRegion(2, 2 + 17 * line, 9 * 8, 17);
                    Optional<Double> n = Optional.empty();
                    String read = "";
                    for (int i = 0; i < 100 && !n.equals(Optional.of(want[line])); i++) {
                        read = reader.text(capture.next().frame(), digits);
                        n = TextReader.number(read);
                        if (n.isEmpty()) {
                            Thread.sleep(50);
                        }
                    }
                    // before the margin Tesseract read the real game's 588 as 5868, 120 as 126, 500 as 506
                    assertThat(read).as("line " + line).isEqualTo(String.valueOf((int) want[line]));
                }
            }
        } finally {
            xterm.destroy();
        }
    }

    @Test
    void aBlankRegionReadsNothing() {
        // a terminal's empty status line, white (Tesseract read 'EERE' into one of 96x17 pixels) and black
        for (int grey : new int[]{255, 0}) {
            byte[] px = new byte[96 * 17 * 3];
            java.util.Arrays.fill(px, (byte) grey);
            try (TextReader reader = new TextReader()) {
                assertThat(reader.text(new dev.embody.loop.Frame(96, 17, px), new ScreenRegion(0, 0, 96, 17))).as("grey " + grey).isEmpty();
            }
        }
    }

    @Test
    void aNumberInWords() {
        assertThat(TextReader.number("score: 120 lives 3")).contains(120.0);
        assertThat(TextReader.number("level: 1O")).as("an O among digits is a zero").contains(10.0);
        assertThat(TextReader.number("GAME OVER")).isEmpty();
    }
}
