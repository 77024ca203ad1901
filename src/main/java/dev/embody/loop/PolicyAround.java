package dev.embody.loop;

/**
 * A policy that wraps another (asks a model where the inner one is unsure, adds notes to its decisions): a new inner
 * policy, such as a fine-tuned checkpoint, goes inside the same wrapping, so a swap never drops what was around it.
 */
public interface PolicyAround extends Policy {

    /** The policy inside. */
    Policy inner();

    /** The same wrapping around another inner policy. */
    Policy around(Policy inner);

    /** {@code current} with its innermost policy replaced by {@code next}, every wrapping kept. */
    static Policy replaceInnermost(Policy current, Policy next) {
        return current instanceof PolicyAround a ? a.around(replaceInnermost(a.inner(), next)) : next;
    }

    /** The policy at the centre of any wrappings. */
    static Policy innermost(Policy p) {
        return p instanceof PolicyAround a ? innermost(a.inner()) : p;
    }
}
