package dev.embody.learning;

import dev.embody.profile.SimGameProfile;
import dev.embody.sim.SimGame;
import dev.embody.loop.Goal;
import dev.embody.planning.LearnedPolicy;
import dev.embody.sim.Oracle;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GateTest {

    @Test
    void adoptsAPolicyThatIsNotWorseOnHeldOutSeedsAndRejectsOneThatIs() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        Arena arena = LearningFixtures.arena(library, 60);
        List<Long> heldOut = List.of(Improvement.EVAL_SEEDS, Improvement.EVAL_SEEDS + 1);
        // the oracle plays these seeds perfectly (it needs each game's true state, so the scorer makes one per game);
        // an untrained network does not
        Oracle oracle = new Oracle(library);
        Gate.Scorer onHeldOut = p -> arena.evaluate(g -> p instanceof LearnedPolicy ? p : oracle.asPolicy(g),
                SimGame.COLLECT_COINS, heldOut, Arena.Progress.none()).successRate();
        Gate gate = new Gate(onHeldOut, 0);

        Gate.Verdict good = gate.judge(oracle.asPolicy(null), 0.5);
        assertThat(good.adopt()).isTrue();
        assertThat(good.candidate()).isEqualTo(1.0);

        try (LearnedPolicy untrained = SimGameProfile.standard().untrained(library, 1)) {
            Gate.Verdict bad = gate.judge(untrained, 0.5);
            assertThat(bad.adopt()).isFalse();
            assertThat(bad.candidate()).isLessThan(0.5);
        }
        assertThat(new Gate(p -> 0.5, 0).judge(oracle.asPolicy(null), 0.5).adopt()).as("equal is not worse").isTrue();
    }
}
