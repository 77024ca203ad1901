package dev.embody.reflection;

import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
import dev.embody.loop.Frame;
import dev.embody.loop.Latency;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Step;
import dev.embody.loop.Task;
import dev.embody.memory.EpisodicMemory;
import dev.embody.skill.SkillCall;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reflection with no parser: what the pixels say about the last action. */
class PixelChangeReflectionTest {

    /** A grey screen with a white box at (x, y). */
    private static Observation screen(long i, int boxX, int boxY) {
        byte[] bgr = new byte[640 * 360 * 3];
        java.util.Arrays.fill(bgr, (byte) 60);
        for (int y = boxY; y < boxY + 60 && y < 360; y++) {
            for (int x = boxX; x < boxX + 60 && x < 640; x++) {
                java.util.Arrays.fill(bgr, (y * 640 + x) * 3, (y * 640 + x) * 3 + 3, (byte) 255);
            }
        }
        return new Observation(i, i * 1_000_000, new Frame(640, 360, bgr));
    }

    private static Step step(long i, Observation o, Scene scene, Reflection r, String command, List<String> sent) {
        return new Step(i, 0, 0, i, scene, r, Task.of("g", "play", "x"), List.of(), Decision.of(SkillCall.parse(command), "test", ""),
                null, sent, false, Outcome.RUNNING, new Latency(0, 0, 0, 0, 0, 0, 0), false, o.look(), List.of(), List.of());
    }

    @Test
    void aKeyThatChangesTheScreenMovedSomething_aClickThatChangesNothingWhereItClickedDidNot() {
        PixelChangeReflection reflection = new PixelChangeReflection();
        EpisodicMemory memory = EpisodicMemory.inMemory();
        Scene empty = Scene.empty(640, 360, "px");
        Observation a = screen(0, 100, 100), b = screen(1, 300, 100);
        Reflection first = reflection.reflect(null, a, empty, memory);
        assertThat(first.reason()).isEqualTo("first step");

        Reflection keyed = reflection.reflect(step(0, a, empty, first, "press_key(key=right)", List.of("press RIGHT")), b, empty, memory);
        assertThat(keyed.moved()).isTrue();
        assertThat(keyed.reason()).contains("press_key(key=right) changed the screen on screen");

        // a click far from where the box moved: nothing changed where it acted
        Reflection clicked = reflection.reflect(step(1, b, empty, keyed, "click_template(template=ok)",
                List.of("mouse_move to (600,330)", "click left")), screen(2, 100, 100), empty, memory);
        assertThat(clicked.moved()).isFalse();
        assertThat(clicked.reason()).contains("changed nothing where it clicked");
    }

    @Test
    void actingOnAScreenThatStaysTheSameIsBeingStuck_aTemplateAppearingIsProgress() {
        PixelChangeReflection reflection = new PixelChangeReflection(3);
        EpisodicMemory memory = EpisodicMemory.inMemory();
        Scene empty = Scene.empty(640, 360, "px");
        Observation same = screen(0, 100, 100);
        Reflection r = reflection.reflect(null, same, empty, memory);
        Step last = null;
        for (int i = 0; i < 4; i++) {
            last = step(i, same, empty, r, "press_key(key=space)", List.of("press SPACE"));
            memory.remember(last);
            r = reflection.reflect(last, same, empty, memory);
        }
        assertThat(r.stuck()).isTrue();
        assertThat(r.reason()).contains("changed nothing");
        assertThat(memory.takeCitations()).anySatisfy(c -> assertThat(c.module()).isEqualTo("reflection"));

        Scene won = new Scene(640, 360, "px", List.of(new Entity("template:ok", 320, 180, 40, 20)), null);
        Reflection appeared = reflection.reflect(last, screen(5, 300, 200), won, memory);
        assertThat(appeared.progress()).isTrue();
        assertThat(appeared.reason()).contains("appeared: template:ok");

        Reflection waited = reflection.reflect(step(6, same, empty, r, "wait(duration=short)", List.of("wait 200ms")), same, empty, memory);
        assertThat(waited.stuck()).as("waiting is not being stuck").isFalse();
    }
}
