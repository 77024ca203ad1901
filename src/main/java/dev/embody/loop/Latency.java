package dev.embody.loop;

/** Nanoseconds each part of a step took. {@link #decideNanos()} is the loop's own cost: everything but acting. */
public record Latency(long capture, long gather, long reflect, long task, long curate, long plan, long act) {

    public long decideNanos() {
        return capture + gather + reflect + task + curate + plan;
    }

    public static final String[] PARTS = {"capture", "gather", "reflect", "task", "curate", "plan", "act"};

    public long[] asArray() {
        return new long[]{capture, gather, reflect, task, curate, plan, act};
    }
}
