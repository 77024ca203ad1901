package dev.embody.loop;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpellingTest {

    @Test
    void aSwapOfNeighboursIsOneEditLikeAnInsertionDeletionOrSubstitution() {
        assertThat(Spelling.distance("donw", "down")).isEqualTo(1);
        assertThat(Spelling.distance("regoin", "region")).isEqualTo(1);
        assertThat(Spelling.distance("lft", "left")).isEqualTo(1);
        assertThat(Spelling.distance("jumpp", "jump")).isEqualTo(1);
        assertThat(Spelling.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Spelling.distance("", "abc")).isEqualTo(3);
        assertThat(Spelling.distance("same", "same")).isZero();
    }
}
