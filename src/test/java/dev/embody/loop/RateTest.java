package dev.embody.loop;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RateTest {

    @Test
    void theWilsonIntervalOfSomeHits() {
        Rate r = new Rate(20, 50);
        assertThat(r.value()).isEqualTo(0.40);
        assertThat(r.low()).isCloseTo(0.276, within(0.001));
        assertThat(r.high()).isCloseTo(0.538, within(0.001));
    }

    @Test
    void allHitsReachOneAndNoneReachZero_exactly() {
        // the formula computes a hair inside (0.9999999999999998 for 38/38), which made a perfect tie look worse
        assertThat(new Rate(38, 38).high()).isEqualTo(1.0);
        assertThat(new Rate(0, 38).low()).isEqualTo(0.0);
        assertThat(new Rate(38, 38).low()).isLessThan(1.0);
        assertThat(new Rate(0, 38).high()).isGreaterThan(0.0);
    }
}
