package dev.embody.loop;

/** What the operator wants done, in words ("collect all coins", "reach the flag"). */
public record Goal(String text) {

    public static final Goal COLLECT_COINS = new Goal("collect all coins");
    public static final Goal REACH_FLAG = new Goal("reach the flag");

    public Goal {
        text = text.strip().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return text;
    }
}
