package dev.embody.actuation;

import dev.embody.perception.ScreenRegion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.awt.MouseInfo;
import java.awt.Point;
import java.awt.event.KeyEvent;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Tag("external")
class DesktopActuatorTest {

    @Test
    void typesCapitalsAndSymbolsWithShiftOnAUsLayout() {
        assertThat(DesktopActuator.stroke('a')).containsExactly(KeyEvent.VK_A, 0);
        assertThat(DesktopActuator.stroke('E')).containsExactly(KeyEvent.VK_E, 1);
        assertThat(DesktopActuator.stroke('>')).containsExactly(KeyEvent.VK_PERIOD, 1);
        assertThat(DesktopActuator.stroke('\'')).containsExactly(KeyEvent.VK_QUOTE, 0);
        assertThat(DesktopActuator.stroke('+')).containsExactly(KeyEvent.VK_EQUALS, 1);
        assertThatThrownBy(() -> DesktopActuator.stroke('é')).hasMessageContaining("cannot type 'é'");
    }

    @Test
    void mouseMovesMapSceneUnitsIntoTheRegionAndNeverLeaveIt() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: this test moves the real X pointer");
        ScreenRegion region = new ScreenRegion(100, 200, 400, 200);
        String[] problem = {null};
        DesktopActuator a = new DesktopActuator(region, 200, 100, 2.0, List.of(Set.of("ALT", "F4")), () -> problem[0]);
        try {
            a.mouseMove(50, 25, false);                     // scene (50, 25) is a quarter in: screen (200, 250)
            assertThat(pointer()).isEqualTo(new Point(200, 250));
            a.mouseMove(10, -5, true);                      // relative, times the gain of 2
            assertThat(pointer()).isEqualTo(new Point(220, 240));
            a.mouseMove(5000, 5000, false);                 // far outside: kept at the region's edge
            assertThat(pointer()).isEqualTo(new Point(499, 399));
            a.mouseMove(-5000, 0, true);
            assertThat(pointer()).isEqualTo(new Point(100, 399));
            // a misplaced window: nothing is sent, and what is held is let go
            problem[0] = "the target window moved";
            assertThatThrownBy(() -> a.mouseMove(10, 10, false)).hasMessageContaining("paused").hasMessageContaining("moved");
            assertThat(pointer()).isEqualTo(new Point(100, 399));
        } finally {
            a.close();
        }
    }

    private static Point pointer() throws InterruptedException {
        Thread.sleep(30);
        return MouseInfo.getPointerInfo().getLocation();
    }
}
