package dev.embody.correction;

import dev.embody.loop.StepListener;

import java.util.Map;

/**
 * An operator played by a program that knows the target's true state ({@code live --sim-operator}): told each step, it
 * says a correction into the operator inbox when the agent's choice is a mistake, as a person would.
 */
public interface SimulatedCorrector extends StepListener {

    /** Corrections said so far. */
    int corrections();

    /** Mistakes noticed so far (some go unsaid). */
    int noticed();

    /** Mistakes noticed, by why each was one. */
    Map<String, Integer> reasons();
}
