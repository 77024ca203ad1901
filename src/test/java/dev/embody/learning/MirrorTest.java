package dev.embody.learning;

import dev.embody.planning.PolicyInput;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MirrorTest {

    private static Example example() {
        byte[] px = new byte[3 * 32 * 18];
        px[0] = 100; // red, top-left pixel
        return new Example(new PolicyInput(px, 32, 18, 1, 0.25f, 0.1f, "navigate go to the coin", "move(direction=up, amount=small)"),
                "move(direction=left, amount=large)", Example.Source.CORRECTION, 2f, "ep#3");
    }

    @Test
    void eachExampleComesWithItsThreeMirrorImages() {
        List<Example> all = Mirror.withMirrors(List.of(example()));
        assertThat(all).hasSize(4);
        assertThat(all).extracting(Example::label).containsExactly("move(direction=left, amount=large)",
                "move(direction=right, amount=large)", "move(direction=left, amount=large)", "move(direction=right, amount=large)");
        assertThat(all).extracting(e -> e.input().previous()).containsExactly("move(direction=up, amount=small)",
                "move(direction=up, amount=small)", "move(direction=down, amount=small)", "move(direction=down, amount=small)");
        Example both = all.get(3);
        assertThat(both.input().targetX()).isEqualTo(0.75f);
        assertThat(both.input().targetY()).isEqualTo(0.9f);
        // the top-left pixel is now bottom-right
        assertThat(both.input().pixels()[32 * 18 - 1]).isEqualTo((byte) 100);
        assertThat(both.source()).isEqualTo(Example.Source.CORRECTION);
        assertThat(both.weight()).isEqualTo(2f);
        assertThat(both.origin()).isEqualTo("ep#3~h~v");
    }

    @Test
    void flippingTwiceGivesTheExampleBack() {
        Example e = example();
        Example back = Mirror.flip(Mirror.flip(e, true, true), true, true);
        assertThat(back.input().pixels()).isEqualTo(e.input().pixels());
        assertThat(back.label()).isEqualTo(e.label());
        assertThat(back.input().targetX()).isEqualTo(e.input().targetX());
        assertThat(Mirror.swap("stop", true, true)).isEqualTo("stop");
    }
}
