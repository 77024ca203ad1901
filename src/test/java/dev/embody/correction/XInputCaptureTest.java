package dev.embody.correction;

import dev.embody.loop.InputLog;
import dev.embody.loop.PersonInput;
import dev.embody.perception.ScreenRegion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.awt.Robot;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The X server's input heard globally: real XTest events (java.awt.Robot, as a scripted person sends them) come back
 * named as skills name keys, the pointer in the region's scene units, each as it happens; how soon is measured.
 */
@Tag("external")
class XInputCaptureTest {

    @BeforeAll
    static void needsX() {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: these tests need an X server (./run tests starts Xvfb)");
    }

    /** Waits until the log holds n events; returns them with their arrival stamps. */
    private static List<InputLog.Stamped> await(InputLog log, List<InputLog.Stamped> got, int n) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (got.size() < n && System.nanoTime() < end) {
            got.addAll(log.take(Long.MAX_VALUE));
            Thread.sleep(1);
        }
        return got;
    }

    @Test
    void keysButtonsAndTheWheel_comeBackNamedAsSkillsNameThem_inSceneUnits_withinMilliseconds() throws Exception {
        InputLog log = new InputLog();
        // a bare 640x360 region at (100, 50), scaled to a 320x180 scene: every key counts, the pointer inside it
        var area = new XInputCapture.Area(new ScreenRegion(100, 50, 640, 360), 320, 180, 0);
        Robot robot = new Robot();
        List<InputLog.Stamped> got = new ArrayList<>();
        try (XInputCapture capture = XInputCapture.start(log, area)) {
            int[] codes = {KeyEvent.VK_RIGHT, KeyEvent.VK_Q, KeyEvent.VK_ENTER, KeyEvent.VK_CONTROL, KeyEvent.VK_F7, KeyEvent.VK_BACK_SPACE,
                    KeyEvent.VK_SPACE, KeyEvent.VK_5, KeyEvent.VK_MINUS, KeyEvent.VK_SHIFT};
            for (int c : codes) {
                robot.keyPress(c);
                robot.keyRelease(c);
            }
            await(log, got, codes.length * 2);
            assertThat(got).extracting(s -> s.event().event() + " " + s.event().key()).startsWith(
                    "key_down RIGHT", "key_up RIGHT", "key_down Q", "key_up Q", "key_down ENTER", "key_up ENTER", "key_down CONTROL",
                    "key_up CONTROL", "key_down F7", "key_up F7", "key_down BACK_SPACE", "key_up BACK_SPACE", "key_down SPACE",
                    "key_up SPACE", "key_down 5", "key_up 5", "key_down MINUS", "key_up MINUS", "key_down SHIFT", "key_up SHIFT");

            got.clear();
            robot.mouseMove(100 + 320, 50 + 180);
            robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
            robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
            robot.mouseWheel(2);
            robot.mouseMove(1000, 800); // outside the region: not the program's
            robot.mousePress(InputEvent.BUTTON3_DOWN_MASK);
            robot.mouseRelease(InputEvent.BUTTON3_DOWN_MASK);
            await(log, got, 4);
            Thread.sleep(300);
            got.addAll(log.take(Long.MAX_VALUE));
            assertThat(got).extracting(s -> s.event().toString())
                    .containsExactly("button_down LEFT at (160,90)", "button_up LEFT at (160,90)", "scroll 1 at (160,90)", "scroll 1 at (160,90)");
            assertThat(capture.elsewhere()).as("the right click outside the region").isEqualTo(2);

            // how soon a key is heard: from the XTest event's sending to its arrival in the log
            long[] lag = new long[60];
            for (int i = 0; i < lag.length; i++) {
                got.clear();
                long sent = System.nanoTime();
                robot.keyPress(KeyEvent.VK_A);
                await(log, got, 1);
                lag[i] = got.get(0).nanos() - sent;
                robot.keyRelease(KeyEvent.VK_A);
                await(log, got, 2);
            }
            Arrays.sort(lag);
            System.out.printf(Locale.ROOT, "x input heard after: p50=%.2f ms p95=%.2f ms max=%.2f ms (n=%d, xinput test-xi2 --root)%n",
                    lag[lag.length / 2] / 1e6, lag[(int) (lag.length * 0.95)] / 1e6, lag[lag.length - 1] / 1e6, lag.length);
            assertThat(lag[lag.length / 2]).as("heard well within a 100 ms step window").isLessThan(50_000_000L);
            assertThat(capture.taken()).isGreaterThanOrEqualTo(20 + 4 + 120);
        }
        assertThat(PersonInput.Event.keyDown("A").event()).isEqualTo("key_down");
    }

    @Test
    void keysymNames_becomeTheKeyEventNamesSkillsUse() {
        assertThat(XInputCapture.keyName("a")).isEqualTo("A");
        assertThat(XInputCapture.keyName("Return")).isEqualTo("ENTER");
        assertThat(XInputCapture.keyName("Control_R")).isEqualTo("CONTROL");
        assertThat(XInputCapture.keyName("Next")).isEqualTo("PAGE_DOWN");
        assertThat(XInputCapture.keyName("KP_7")).isEqualTo("NUMPAD7");
        assertThat(XInputCapture.keyName("F12")).isEqualTo("F12");
        assertThat(XInputCapture.keyName("bracketleft")).isEqualTo("OPEN_BRACKET");
        for (String k : List.of("ENTER", "CONTROL", "PAGE_DOWN", "NUMPAD7", "OPEN_BRACKET", "BACK_SPACE", "CONTEXT_MENU", "PRINTSCREEN", "WINDOWS", "ALT_GRAPH")) {
            assertThat(dev.embody.skill.Keys.code(k)).as(k + " is a KeyEvent name").isPositive();
        }
    }
}
