package dev.embody.loop;

/**
 * Module 2: did the last action work? Compares what is seen now with what was seen before it ({@code last} is null on
 * the first step); memory holds the steps before that.
 */
public interface SelfReflection {

    Reflection reflect(Step last, Observation now, Scene scene, Memory memory);
}
