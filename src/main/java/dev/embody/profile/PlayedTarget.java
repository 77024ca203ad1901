package dev.embody.profile;

import dev.embody.loop.Target;

/**
 * The target as a person plays it through its own input, for a demonstration: the target (frames, outcome) and what
 * hears the person's hands (a window's keys, the X server's input), which closes first.
 *
 * @param input     what hears the person; closed with the target
 * @param source    how the input is heard, for the episode's meta.json ("window keys", "xinput test-xi2 --root")
 * @param elsewhere how many of the person's events went to other programs (counted, not kept); -1 where it cannot tell
 */
public record PlayedTarget(Target target, AutoCloseable input, String source, java.util.function.LongSupplier elsewhere)
        implements AutoCloseable {

    @Override
    public void close() {
        try {
            input.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(PlayedTarget.class).debug("closing the person's input", e);
        } finally {
            target.close();
        }
    }
}
