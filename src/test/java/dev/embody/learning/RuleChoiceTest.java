package dev.embody.learning;

import dev.embody.loop.Rate;
import dev.embody.planning.DeclaredRules;
import dev.embody.planning.PolicyInput;
import dev.embody.planning.PolicyRules;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The still-screen rule is chosen from what the person did, as loop breaking is. */
class RuleChoiceTest {

    private static final Fit FITS = new Fit(new Rate(95, 100), new Rate(50, 100), "wait", new Rate(45, 50), new Rate(0, 0));

    /** A 4x4 step of two frames: the newest and the one before, alike or not. */
    private static Example step(String label, String previous, boolean still, int frames) {
        byte[] px = new byte[frames * 3 * 16];
        if (frames > 1 && !still) {
            java.util.Arrays.fill(px, 0, 3 * 16, (byte) 200); // the newest frame differs from the one before it
        }
        return new Example(new PolicyInput(px, 4, 4, frames, Float.NaN, Float.NaN, "", previous), label, Example.Source.DEMONSTRATION, 1f, "test");
    }

    @Test
    void aPersonWhoNeverPressedADeadMoveAgainGetsTheRule_onePressingAgainstAWallDoesNot() {
        // a slide puzzle's person: key, wait, key; each move changes the board
        List<Example> puzzle = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            puzzle.add(step("move(direction=down)", "wait", false, 2));
            puzzle.add(step("wait", "move(direction=down)", false, 2));
        }
        RuleChoice chosen = RuleChoice.choose(PolicyRules.defaults(), new DeclaredRules(null, null), puzzle, FITS);
        assertThat(chosen.rules().stillScreen()).isTrue();
        assertThat(chosen.line()).contains("a move that changed nothing is not tried again on a still screen (the person pressed a move again on a still screen at 0 of 20 moves");

        // a person holding RIGHT against a wall: the same move again and again on a screen that stays still
        List<Example> wall = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            wall.add(step("move(direction=right)", "move(direction=right)", i >= 3, 2));
        }
        RuleChoice held = RuleChoice.choose(PolicyRules.defaults(), new DeclaredRules(null, null), wall, FITS);
        assertThat(held.rules().stillScreen()).isFalse();
        assertThat(held.line()).contains("moves that changed nothing may be tried again (the person pressed a move again on a still screen at 7 of 10 moves");
    }

    @Test
    void oneFrameAStepShowsNoStillScreen_theRuleStaysOff() {
        List<Example> single = List.of(step("move(direction=down)", "wait", true, 1), step("wait", "move(direction=down)", true, 1));
        RuleChoice chosen = RuleChoice.choose(PolicyRules.defaults(), new DeclaredRules(null, null), single, FITS);
        assertThat(chosen.rules().stillScreen()).isFalse();
        assertThat(chosen.line()).contains("one frame a step: a still screen is not seen");
    }
}
