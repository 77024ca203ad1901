package dev.embody.vlm;

/**
 * What a module has from the model at one step.
 *
 * @param value      the newest usable answer, read into the module's terms; null when there is none (yet)
 * @param answer     its call (number in the log, tries, seconds)
 * @param frame      the frame it was asked on
 * @param ageSeconds how long ago it arrived (waiting: how long it took)
 * @param isNew      it arrived since the module's last step (or was asked this step, waiting)
 * @param failure    the newest ask gave no usable answer after every try; told once, at the step after it ended
 * @param waiting    what the model is doing meanwhile ("thinking for 1.2 s on frame 40"), or null
 */
public record Reply<T>(T value, Answer answer, long frame, double ageSeconds, boolean isNew, BadAnswer failure, String waiting) {

    public boolean has() {
        return value != null;
    }

    static <T> Reply<T> none(BadAnswer failure, String waiting) {
        return new Reply<>(null, null, -1, Double.NaN, false, failure, waiting);
    }
}
