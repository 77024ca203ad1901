package dev.embody.learning;

import dev.embody.profile.Arena;
import dev.embody.bench.Improvement;
import dev.embody.profile.SimGameProfile;
import dev.embody.sim.SimGame;
import dev.embody.loop.Goal;
import dev.embody.loop.Rate;
import dev.embody.planning.LearnedPolicy;
import dev.embody.sim.Oracle;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GateTest {

    @Tag("slow")
    @Test
    void adoptsAPolicyThatIsNotWorseOnHeldOutSeedsAndRejectsOneThatIs() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        Arena arena = LearningFixtures.arena(library, 60);
        List<Long> heldOut = List.of(Improvement.EVAL_SEEDS, Improvement.EVAL_SEEDS + 1);
        // the oracle plays these seeds perfectly (it needs each game's true state, so the scorer makes one per game);
        // an untrained network does not
        Oracle oracle = new Oracle(library);
        Gate.Scorer onHeldOut = p -> arena.evaluate(t -> p instanceof LearnedPolicy ? p : oracle.asPolicy(((dev.embody.sim.SimGameTarget) t).game()),
                SimGame.COLLECT_COINS, heldOut, Gate.Progress.none()).success();
        Gate gate = Gate.notBelow(onHeldOut);
        Rate half = new Rate(1, 2);

        Gate.Verdict good = gate.judge(oracle.asPolicy(null), half);
        assertThat(good.adopt()).isTrue();
        assertThat(good.candidate()).isEqualTo(new Rate(2, 2));

        try (LearnedPolicy untrained = SimGameProfile.standard().untrained(library, 1)) {
            Gate.Verdict bad = gate.judge(untrained, half);
            assertThat(bad.adopt()).isFalse();
            assertThat(bad.candidate().value()).isLessThan(0.5);
        }
        assertThat(Gate.notBelow(p -> half).judge(oracle.asPolicy(null), half).adopt()).as("equal is not worse").isTrue();
        assertThat(gate.judge(oracle.asPolicy(null), null).adopt()).as("nothing in use: adopted").isTrue();
    }

    @Test
    void whereFewTrialsScoreACandidateOnlyAClearlyWorseOneIsRejected() throws Exception {
        Rate incumbent = new Rate(40, 50);
        Gate lenient = new Gate(p -> new Rate(35, 50), Gate.Rule.NOT_WORSE_BEYOND_INTERVAL, 0);
        assertThat(lenient.judge(new Oracle(LearningFixtures.library()).asPolicy(null), incumbent).adopt())
                .as("35/50 [0.56, 0.81]: the incumbent's 0.80 is inside the interval").isTrue();
        Gate strict = new Gate(p -> new Rate(20, 50), Gate.Rule.NOT_WORSE_BEYOND_INTERVAL, 0);
        Gate.Verdict worse = strict.judge(new Oracle(LearningFixtures.library()).asPolicy(null), incumbent);
        assertThat(worse.adopt()).as("20/50 [0.28, 0.54] is wholly below 0.80").isFalse();
        assertThat(worse.toString()).contains("rejected").contains("0.40 [0.28, 0.54] (20/50)").contains("0.80");
    }

    /** The rule as the README's "Learning" section says it: the candidate's interval against the incumbent's rate as a point. */
    @Test
    void theIntervalRuleComparesWithTheIncumbentsRateNotItsInterval() throws Exception {
        Rate incumbent = new Rate(40, 50);
        Rate candidate = new Rate(33, 50);
        assertThat(candidate.high()).as("the two intervals overlap").isGreaterThan(incumbent.low());
        Gate.Verdict v = new Gate(p -> candidate, Gate.Rule.NOT_WORSE_BEYOND_INTERVAL, 0).judge(new Oracle(LearningFixtures.library()).asPolicy(null), incumbent);
        assertThat(v.adopt()).as("33/50 [0.52, 0.78] lies wholly below 0.80").isFalse();
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        assertThat(readme).as("the README says the rule the code keeps")
                .contains("rejected only when its agreement's 95% interval lies wholly below the\nincumbent's agreement, a point")
                .contains("33/50 [0.52, 0.78] against 40/50\n= 0.80 is rejected");
    }

    @Test
    void aPerfectCandidateAgainstAPerfectIncumbentIsAdopted() throws Exception {
        // a perfect score's Wilson upper end is 1, as the incumbent's rate (computed, it came a hair under: 0.9999999999999998)
        Rate perfect = new Rate(38, 38);
        Gate.Verdict v = new Gate(p -> perfect, Gate.Rule.NOT_WORSE_BEYOND_INTERVAL, 0).judge(new Oracle(LearningFixtures.library()).asPolicy(null), perfect);
        assertThat(v.adopt()).as(v.toString()).isTrue();
    }
}
