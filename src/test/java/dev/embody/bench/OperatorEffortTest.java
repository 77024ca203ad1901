package dev.embody.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The one rule both arms of both improves count the operator's seconds with. */
class OperatorEffortTest {

    private final OperatorEffort effort = new OperatorEffort(0.25, 1.0, 0.3);

    @Test
    void aDemonstrationOfNStepsCostsNStepPeriods() {
        assertThat(effort.demonstration(0)).isZero();
        assertThat(effort.demonstration(40)).isCloseTo(10.0, within(1e-9));
        assertThat(OperatorEffort.person(0.35).demonstration(624)).isCloseTo(624 * 0.35, within(1e-9));
        // a real-time demonstration costs its wall seconds as they are
        assertThat(effort.demonstrationSeconds(17.4)).isEqualTo(17.4);
    }

    @Test
    void aCorrectionOfKWordsCostsTheReactionAndKWords() {
        assertThat(OperatorEffort.words("left!")).isEqualTo(1);
        assertThat(OperatorEffort.words("no, go left")).isEqualTo(3);
        assertThat(OperatorEffort.words("not left, right")).isEqualTo(3);
        assertThat(OperatorEffort.words("no, lava! go down")).isEqualTo(4);
        assertThat(OperatorEffort.words("don't jump")).isEqualTo(2);
        assertThat(OperatorEffort.words("  ")).isZero();
        assertThat(effort.correction("left!")).isCloseTo(1.3, within(1e-9));
        assertThat(effort.correction("no, go left")).isCloseTo(1.0 + 3 * 0.3, within(1e-9));
        assertThat(effort.corrections(List.of("left!", "no, go left"))).isCloseTo(1.3 + 1.9, within(1e-9));
        assertThat(effort.corrections(List.of())).isZero();
    }

    @Test
    void theControlArmSpendsTheCorrectionsArmsSecondsOnWholeDemonstrationsAndCutsTheLast() {
        long[] lengths = {40, 30, 50, 20};
        List<Integer> asked = new ArrayList<>();
        // the corrections arm: a few corrections said; the control spends exactly their seconds
        double budget = effort.corrections(List.of("no, go left", "up!", "go down a lot", "not left, right", "left!", "move right",
                "a bit more to the left", "no, go up", "right!", "far down", "go left"));
        OperatorEffort.Spent s = effort.spend(budget, i -> {
            asked.add(i);
            return lengths[i];
        });
        // 40 and 30 steps fit (17.5 s), 50 do not: the third is cut to the steps that fit
        assertThat(budget).isCloseTo(11 * 1.0 + 28 * 0.3, within(1e-9));
        assertThat(s.cut()).isEqualTo(7);
        assertThat(s.whole()).isEqualTo(2);
        assertThat(s.cut()).isEqualTo((long) Math.floor((budget - 17.5) / 0.25));
        assertThat(s.seconds()).isLessThanOrEqualTo(budget).isGreaterThan(budget - effort.stepSeconds());
        // demonstrations are played only as the budget needs them
        assertThat(asked).containsExactly(0, 1, 2);
    }

    @Test
    void aBudgetThatEndsOnAWholeDemonstrationCutsNothing() {
        OperatorEffort.Spent s = effort.spend(17.5, i -> new long[]{40, 30, 50}[i]);
        assertThat(s).isEqualTo(new OperatorEffort.Spent(2, 0, 17.5));
        assertThat(effort.spend(0, i -> {
            throw new AssertionError("nothing to spend, nothing to play");
        })).isEqualTo(new OperatorEffort.Spent(0, 0, 0));
    }

    @Test
    void badRatesAndEmptyDemonstrationsAreRefused() {
        assertThatThrownBy(() -> new OperatorEffort(0, 1, 0.3)).hasMessageContaining("step > 0");
        assertThatThrownBy(() -> new OperatorEffort(0.25, -1, 0.3)).hasMessageContaining("reaction >= 0");
        assertThatThrownBy(() -> effort.spend(5, i -> 0)).hasMessageContaining("no steps");
    }
}
