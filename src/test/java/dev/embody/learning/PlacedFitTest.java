package dev.embody.learning;

import dev.embody.planning.InputSpec;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.PolicyInput;
import dev.embody.planning.PolicyNet;
import dev.embody.planning.PolicyRules;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The placed readout relates places far apart: a key decided by a target's column against the player's, ten rows
 * below it (steering toward a target, a gun under an invader), is learned from a few hundred examples and holds on
 * screens never shown.
 */
class PlacedFitTest {

    static final int W = 32, H = 12;
    static final List<String> COMMANDS = List.of("fire", "left", "right");

    @Tag("slow")
    @Test
    void theKeyDecidedByATargetsColumnAgainstThePlayersIsLearnedAndHoldsOnNewScreens() {
        InputSpec spec = new InputSpec(W, H, 1, 8, List.of("position"));
        Random rnd = new Random(3);
        List<Example> train = screens(rnd, 400), heldOut = screens(rnd, 150);
        try (LearnedPolicy start = new LearnedPolicy(PolicyNet.create(spec, COMMANDS.size(), 1), COMMANDS, "t", PolicyRules.defaults())) {
            Trainer.Result r = new Trainer(new Trainer.Options(60, 32, 3e-3f, 500, 1).fitted(10), null).train(start, train, heldOut, (s, t, l) -> { });
            try (LearnedPolicy trained = new LearnedPolicy(r.net(), r.commands(), "t", start.rules())) {
                assertThat(TrainerTest.accuracy(trained, train)).isGreaterThanOrEqualTo(0.9);
                // the majority class ('left' or 'right') is about 0.45 of them
                assertThat(TrainerTest.accuracy(trained, heldOut)).isGreaterThanOrEqualTo(0.8);
            }
        }
    }

    /** A player (a bar on the bottom row) and a target (a dot on the second row), and the key that lines them up. */
    static List<Example> screens(Random rnd, int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int player = 1 + rnd.nextInt(W - 2), target = rnd.nextInt(W);
            byte[] px = new byte[3 * W * H];
            for (int c = 0; c < 3; c++) {
                for (int dx = -1; dx <= 1; dx++) {
                    px[c * W * H + (H - 1) * W + player + dx] = (byte) (c == 1 ? 255 : 120);
                }
                px[c * W * H + W + target] = (byte) (c == 0 ? 255 : 60);
            }
            String label = target < player ? "left" : target > player ? "right" : "fire";
            out.add(new Example(new PolicyInput(px, W, H, 1, Float.NaN, Float.NaN, "", null), label, Example.Source.DEMONSTRATION, 1f, "synthetic"));
        }
        return out;
    }
}
