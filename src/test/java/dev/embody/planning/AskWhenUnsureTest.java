package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillCall;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AskWhenUnsureTest {

    static final SkillCall LEFT = SkillCall.of("move", "direction", "left"), RIGHT = SkillCall.of("move", "direction", "right");

    /** A learned policy's decision with this top score. */
    static Policy learned(double top) {
        return new Policy() {
            @Override
            public Decision plan(PlanningContext context) {
                return new Decision(LEFT, Map.of(LEFT.toString(), top, RIGHT.toString(), 1 - top), "learned v1", "p=" + top);
            }

            @Override
            public String name() {
                return "learned v1";
            }
        };
    }

    static final Policy MODEL = new Policy() {
        @Override
        public Decision plan(PlanningContext context) {
            return Decision.of(RIGHT, VlmPolicy.BY, "model: the coin is to the right");
        }

        @Override
        public String name() {
            return "vlm";
        }
    };

    @Test
    void theLearnedPolicyActsWhereItIsSureAndTheModelIsAskedWhereItIsNot() {
        AskWhenUnsure sure = new AskWhenUnsure(learned(0.9), MODEL, 0.6);
        Decision d = sure.plan(null);
        assertThat(d.call()).isEqualTo(LEFT);
        assertThat(d.by()).isEqualTo("learned v1");
        assertThat(d.why()).startsWith("confident (top 0.90 >= 0.60)");

        AskWhenUnsure unsure = new AskWhenUnsure(learned(0.55), MODEL, 0.6);
        Decision m = unsure.plan(null);
        assertThat(m.call()).isEqualTo(RIGHT);
        assertThat(m.by()).as("a model's decision is a demonstration").isEqualTo("vlm");
        assertThat(m.why()).startsWith("unsure (top 0.55 < 0.60), asked the model: model: the coin is to the right");
        assertThat(sure.counts()).containsExactly(1, 0);
        assertThat(unsure.counts()).containsExactly(0, 1);
    }

    @Test
    void theThresholdIsAProbability() {
        assertThatThrownBy(() -> new AskWhenUnsure(learned(1), MODEL, 1.5)).hasMessageContaining("from 0 to 1");
    }
}
