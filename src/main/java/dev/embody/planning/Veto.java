package dev.embody.planning;

import dev.embody.skill.SkillCall;

/** A hand-written rule a profile adds to its learned policy: a command it must not choose here, and why. */
public interface Veto {

    /** Why {@code call} is ruled out for this input, or null if it is not. */
    String forbids(PolicyInput in, SkillCall call);
}
