package dev.embody.loop;

/** Module 2: did the last action work? Compares the scene before and after it. {@code last} is null on the first step. */
public interface SelfReflection {

    Reflection reflect(Step last, Scene scene);
}
