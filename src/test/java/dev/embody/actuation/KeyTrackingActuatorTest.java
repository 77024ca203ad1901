package dev.embody.actuation;

import dev.embody.skill.Keys;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyTrackingActuatorTest {

    /** Records the key codes it is asked to press and release. */
    static final class Keyboard extends KeyTrackingActuator {
        final List<String> events = new ArrayList<>();

        @Override
        protected void press(int keyCode) {
            events.add("down " + Keys.name(keyCode));
        }

        @Override
        protected void release(int keyCode) {
            events.add("up " + Keys.name(keyCode));
        }

        @Override
        public void elapse(Duration d) {
        }
    }

    @Test
    void tracksWhatItHoldsAndReleasesEverything() {
        Keyboard k = new Keyboard();
        k.keyDown("left");
        k.keyDown("SHIFT");
        assertThat(k.held()).containsExactlyInAnyOrder("LEFT", "SHIFT");
        k.releaseAll();
        assertThat(k.held()).isEmpty();
        assertThat(k.events).containsExactly("down LEFT", "down SHIFT", "up SHIFT", "up LEFT");
        k.keyUp("LEFT");
        assertThat(k.events).as("releasing what is not held sends nothing").hasSize(4);
    }

    @Test
    void refusesChordsOnTheDenyList() {
        Keyboard k = new Keyboard();
        k.keyDown("ALT");
        k.keyDown("F4");
        assertThat(k.held()).containsExactly("ALT");
        assertThat(k.events).containsExactly("down ALT");
        k.keyDown("CTRL");
        k.keyDown("DELETE");
        assertThat(k.held()).containsExactlyInAnyOrder("ALT", "CONTROL");
    }

    /** A chord is checked whole before any of its keys goes down: the program never sees half of ALT+F4. */
    @Test
    void aDeniedChordInAnyOrderIsRefusedBeforeAnyOfItsKeysIsPressed() {
        Keyboard k = new Keyboard();
        for (List<String> chord : List.of(List.of("ALT", "SHIFT", "F4"), List.of("F4", "alt"), List.of("DEL", "CTRL", "ALT"),
                List.of("SHIFT", "BACKSPACE", "ALT", "CONTROL"))) {
            assertThatThrownBy(() -> k.press(chord)).as(chord.toString()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is on the deny-list; no key of it was pressed");
        }
        assertThat(k.events).isEmpty();
        k.keyDown("ALT");
        assertThatThrownBy(() -> k.press(List.of("SHIFT", "F4"))).as("with ALT held").hasMessageContaining("ALT+F4 is on the deny-list");
        assertThat(k.events).containsExactly("down ALT");
        k.releaseAll();
        k.press(List.of("CONTROL", "S"));
        assertThat(k.events).containsExactly("down ALT", "up ALT", "down CTRL", "down S", "up S", "up CTRL");
    }

    @Test
    void unknownKeysAreNamed() {
        assertThatThrownBy(() -> Keys.code("LEFTARROW")).hasMessageContaining("unknown key 'LEFTARROW'");
        assertThat(Keys.code("ctrl")).isEqualTo(java.awt.event.KeyEvent.VK_CONTROL);
    }
}
