package dev.embody.sim;

import dev.embody.planning.PolicyInput;
import dev.embody.skill.SkillCall;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LavaShieldTest {

    @Test
    void theShieldVetoesMovesThatSweepThePlayerOverLava() {
        int w = 32, h = 18, n = w * h;
        byte[] px = new byte[3 * n];
        int lava = 9 * w + 12;
        px[lava] = (byte) 235;
        px[n + lava] = 70;
        px[2 * n + lava] = 20;
        int me = 9 * w + 10; // the player: blue, one cell
        px[me] = 40;
        px[n + me] = 110;
        px[2 * n + me] = (byte) 245;
        PolicyInput in = new PolicyInput(px, w, h, 1, Float.NaN, Float.NaN, "collect all coins", null);
        LavaShield shield = new LavaShield();
        assertThat(shield.forbids(in, SkillCall.parse("move(direction=right, amount=large)"))).isEqualTo("into lava");
        assertThat(shield.forbids(in, SkillCall.parse("move(direction=right, amount=small)"))).isNull();
        assertThat(shield.forbids(in, SkillCall.parse("move(direction=left, amount=large)"))).isNull();
        assertThat(shield.forbids(in, SkillCall.parse("stop()"))).isNull();
    }
}
