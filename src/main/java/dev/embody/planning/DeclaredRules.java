package dev.embody.planning;

/**
 * What a target's data declares of its learned policy's choice rules (a calibration's policy.choice and
 * policy.loop_breaking); a null field is chosen by {@code train} from what the person did.
 *
 * @param greedy       always the likeliest command (true), a draw from the distribution (false), or null: chosen
 * @param loopBreaking never repeat a command that changed nothing nor stand still twice, or null: chosen
 */
public record DeclaredRules(Boolean greedy, Boolean loopBreaking) {

    /** The rules these make of {@code base}, with {@code greedy} and {@code loopBreaking} where nothing is declared. */
    public PolicyRules apply(PolicyRules base, boolean chosenGreedy, boolean chosenLoopBreaking) {
        boolean g = greedy != null ? greedy : chosenGreedy;
        boolean l = loopBreaking != null ? loopBreaking : chosenLoopBreaking;
        PolicyRules r = new PolicyRules(base.sampleSeed(), base.sharpen(), base.vetoes(), l, base.stillScreen());
        return g ? r.greedy() : r;
    }
}
