package dev.embody.learning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Examples to train on: the new ones of this round, and a replay buffer of everything seen before, mixed back in so
 * old skills and tasks are not forgotten.
 */
public final class Dataset {

    private final List<Example> examples = new ArrayList<>();

    public Dataset() {
    }

    public Dataset(List<Example> examples) {
        this.examples.addAll(examples);
    }

    public synchronized void add(Example e) {
        examples.add(e);
    }

    public synchronized void addAll(List<Example> list) {
        examples.addAll(list);
    }

    public synchronized List<Example> examples() {
        return List.copyOf(examples);
    }

    public synchronized int size() {
        return examples.size();
    }

    public synchronized long count(Example.Source source) {
        return examples.stream().filter(e -> e.source() == source).count();
    }

    /**
     * What to train on now: every new example, plus up to {@code replayRatio} times as many drawn from the replay
     * buffer (without repeats), so a round on a new task still rehearses the old ones.
     */
    public static List<Example> mix(List<Example> fresh, List<Example> replay, double replayRatio, long seed) {
        List<Example> out = new ArrayList<>(fresh);
        List<Example> pool = new ArrayList<>(replay);
        Collections.shuffle(pool, new Random(seed));
        int take = (int) Math.min(pool.size(), Math.ceil(Math.max(fresh.size(), 1) * replayRatio));
        out.addAll(pool.subList(0, take));
        return out;
    }
}
