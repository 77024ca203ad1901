package dev.embody.planning;

import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.loop.Reflection;
import dev.embody.skill.SkillCall;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The random baseline draws anew in every episode, and the same again when the evaluation is run again. */
class RandomPolicyTest {

    private static final List<SkillCall> CANDIDATES = List.of(SkillCall.parse("wait"), SkillCall.parse("press_key(key=LEFT)"),
            SkillCall.parse("press_key(key=RIGHT)"), SkillCall.parse("press_key(key=UP)"), SkillCall.parse("press_key(key=DOWN)"));

    private static List<String> play(Policy p) {
        PlanningContext ctx = new PlanningContext(null, null, null, Reflection.first(), CANDIDATES, null, null);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(p.plan(ctx).call().toString());
        }
        return out;
    }

    @Test
    void eachEpisodeGetsItsOwnDraws_andARunIsRepeatable() {
        Supplier<Policy> episodes = RandomPolicy.perEpisode(1);
        List<String> first = play(episodes.get()), second = play(episodes.get()), third = play(episodes.get());
        // a desktop game starts alike every time: one seed for all would play the same game 15 times
        assertThat(second).isNotEqualTo(first);
        assertThat(third).isNotEqualTo(second).isNotEqualTo(first);
        Supplier<Policy> again = RandomPolicy.perEpisode(1);
        assertThat(play(again.get())).isEqualTo(first);
        assertThat(play(again.get())).isEqualTo(second);
    }
}
