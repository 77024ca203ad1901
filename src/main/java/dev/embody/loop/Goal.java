package dev.embody.loop;

/** What the operator wants done, in words ("collect all coins", "reach the target marker", "follow the operator"). */
public record Goal(String text) {

    public Goal {
        text = text.strip().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return text;
    }
}
