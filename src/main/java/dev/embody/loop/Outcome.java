package dev.embody.loop;

/** How an episode stands, as the target's scorer sees it (the agent's modules never read it). */
public enum Outcome {
    RUNNING, SUCCESS, FAILURE, TIMEOUT, MAX_STEPS, STOPPED, ERROR;

    public boolean finished() {
        return this != RUNNING;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
