package dev.embody.learning;

import dev.embody.profile.Arena;
import dev.embody.profile.SimGameProfile;
import dev.embody.correction.CorrectionParser;
import dev.embody.loop.Decision;
import dev.embody.loop.Goal;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Policy;
import dev.embody.loop.StepListener;
import dev.embody.sim.Oracle;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimulatedOperator;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** What an episode with a (simulated) operator correcting an agent yields as training examples. */
class ExampleCollectorTest {

    @Test
    void correctionsAreLabelledWithTheOperatorsCommandAndApprovalsKeepClearOfThem() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        Oracle oracle = new Oracle(library);
        SimulatedOperator[] operator = new SimulatedOperator[1];
        ExampleCollector[] collector = new ExampleCollector[1];
        Arena.Played played = LearningFixtures.arena(library, 80).play(5, SimGame.COLLECT_COINS, new Arena.Cast() {
            @Override
            public Policy policy(dev.embody.loop.Target target) {
                return sometimesWrong(oracle.asPolicy(game(target)));
            }

            @Override
            public List<StepListener> watchers(dev.embody.loop.Target target, OperatorInbox inbox, Policy policy) {
                operator[0] = new SimulatedOperator(game(target), oracle, new CorrectionParser(library), inbox,
                        SimulatedOperator.Settings.attentive(100), 5);
                return List.of(operator[0]);
            }
        }, target -> collector[0] = ExampleCollector.corrections(SimGameProfile.standard().inputSpec(), "ep").withApproval(2, Example.APPROVAL_WEIGHT,
                step -> operator[0].wouldHaveDone(step)), null);

        List<Example> examples = played.examples();
        List<Example> corrections = examples.stream().filter(e -> e.source() == Example.Source.CORRECTION).toList();
        List<Example> approvals = examples.stream().filter(e -> e.source() == Example.Source.APPROVAL).toList();
        assertThat(corrections).as("its wrong steps get corrected").isNotEmpty();
        assertThat(corrections).hasSize(played.corrections());
        assertThat(corrections).allSatisfy(e -> assertThat(e.weight()).isEqualTo(Example.CORRECTION_WEIGHT));
        // every correction's label is what the operator said, as the parser understood it
        assertThat(corrections).extracting(Example::label).isSubsetOf(operator[0].said().stream()
                .map(u -> u.understood().command().toString()).toList());
        assertThat(approvals).as("steps the operator would have taken too").isNotEmpty().hasSize(collector[0].approved());
        assertThat(approvals).allSatisfy(e -> assertThat(e.weight()).isEqualTo(Example.APPROVAL_WEIGHT));

        TreeSet<Long> corrected = new TreeSet<>(corrections.stream().map(ExampleCollectorTest::step).toList());
        for (Example a : approvals) {
            long s = step(a);
            assertThat(operator[0].wouldHaveDone(s)).as("step %d was one the operator would have taken", s).isTrue();
            Long next = corrected.higher(s);
            assertThat(next == null || next - s > 2).as("approved step %d is not among the 2 before a correction at %s", s, next).isTrue();
        }
        assertThat(Set.copyOf(examples.stream().map(Example::origin).toList())).hasSameSizeAs(examples);
    }

    /** The oracle, except that every sixth step it goes left whatever the oracle would do. */
    private static Policy sometimesWrong(Policy oracle) {
        int[] calls = {0};
        return new Policy() {
            @Override
            public String name() {
                return "sometimes-wrong";
            }

            @Override
            public Decision plan(PlanningContext ctx) {
                Decision d = oracle.plan(ctx);
                return ++calls[0] % 6 == 0 ? Decision.of(ctx.candidates().get(0), name(), "wrong on purpose") : Decision.of(d.call(), name(), d.why());
            }
        };
    }

    private static long step(Example e) {
        return Long.parseLong(e.origin().substring(e.origin().indexOf('#') + 1));
    }

    private static SimGame game(dev.embody.loop.Target t) {
        return ((dev.embody.sim.SimGameTarget) t).game();
    }
}
