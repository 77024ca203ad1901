package dev.embody.skill;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a target's actuator can carry out, by primitive name ({@code press}, {@code publish}...): a skills folder is
 * checked against it, so a skill the target cannot run is refused when it is loaded, not when it runs. {@code call}
 * (another skill) and {@code release_all} (every actuator lets go) are open to every target.
 *
 * <pre>{@code
 * SkillLibrary.load(Path.of("skills/sim-game"), new TargetPrimitives("sim-game", KeyTrackingActuator.PRIMITIVES));
 * }</pre>
 */
public record TargetPrimitives(String target, Set<String> names) {

    /** Every primitive of the skill format, for a folder checked without a target. */
    public static final Set<String> ALL = Set.of("press", "hold", "type", "mouse_move", "click", "scroll", "publish", "wait",
            "call", "release_all");
    private static final Set<String> EVERY_TARGET = Set.of("call", "release_all");
    /** No target known: any primitive of the format. */
    public static final TargetPrimitives ANY = new TargetPrimitives(null, ALL);

    public TargetPrimitives {
        names = Set.copyOf(names);
        for (String n : names) {
            if (!ALL.contains(n)) {
                throw new IllegalArgumentException("'" + n + "' is not a primitive of the skill format " + new TreeSet<>(ALL));
            }
        }
    }

    public boolean allows(String primitive) {
        return names.contains(primitive) || EVERY_TARGET.contains(primitive);
    }

    /** Why a primitive is refused: "'publish' is not something the sim-game target can do (it can: hold, press, ...)". */
    String refusal(String primitive) {
        Set<String> can = new TreeSet<>(names);
        can.addAll(EVERY_TARGET);
        return "'" + primitive + "' is not something the " + target + " target can do (its actuator can: " + String.join(", ", can) + ")";
    }
}
