package dev.embody.fleet;

/** A message on a fleet topic that is not what the topic carries: the reason names the field and what was expected. */
public final class BadMessage extends Exception {

    public BadMessage(String reason) {
        super(reason);
    }
}
