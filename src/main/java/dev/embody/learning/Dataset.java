package dev.embody.learning;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Examples to train on, as a DJL dataset: a batch is the next examples of a shuffled order, shuffled again (seeded)
 * whenever it runs out, even within a batch, so every example is shown as often as any other; an epoch is as many
 * batches as show every example once, and the epochs end at a budget of optimizer steps. Which examples a round trains
 * on is {@link #mix}: the new ones, and earlier ones replayed so old skills and tasks are not forgotten.
 */
public final class Dataset implements ai.djl.training.dataset.Dataset {

    /** A batch's arrays: what the network reads, and what its loss compares the network's answer with. */
    public interface Encoding {
        NDList data(NDManager manager, List<Example> batch);

        NDList labels(NDManager manager, List<Example> batch);
    }

    private final List<Example> order;
    private final int batchSize;
    private final int perEpoch;
    private final int steps;
    private final Random shuffle;
    private final Encoding encoding;
    private int cursor;
    private int drawn;

    /**
     * @param batchSize examples a batch (all of them where there are fewer)
     * @param steps     batches in all, over every epoch
     */
    public Dataset(List<Example> examples, int batchSize, int steps, long seed, Encoding encoding) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to batch");
        }
        this.order = new ArrayList<>(examples);
        this.batchSize = Math.min(batchSize, examples.size());
        this.perEpoch = (examples.size() + batchSize - 1) / batchSize;
        this.steps = steps;
        this.shuffle = new Random(seed);
        this.encoding = encoding;
        this.cursor = order.size();
    }

    /** Batches that show every example once. */
    public int batchesPerEpoch() {
        return perEpoch;
    }

    /** Epochs it takes to draw every batch of the budget (the last may be short). */
    public int epochs() {
        return (steps + perEpoch - 1) / perEpoch;
    }

    /** The next epoch's batches, each in a manager of its own under {@code manager} (closed with the batch). */
    @Override
    public Iterable<Batch> getData(NDManager manager) {
        int count = Math.min(perEpoch, steps - drawn);
        return () -> new Iterator<>() {
            private int given;

            @Override
            public boolean hasNext() {
                return given < count;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                given++;
                drawn++;
                List<Example> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize) {
                    if (cursor >= order.size()) {
                        Collections.shuffle(order, shuffle);
                        cursor = 0;
                    }
                    batch.add(order.get(cursor++));
                }
                NDManager m = manager.newSubManager();
                return new Batch(m, encoding.data(m, batch), encoding.labels(m, batch), batch.size(), Batchifier.STACK, Batchifier.STACK, drawn, steps);
            }
        };
    }

    @Override
    public void prepare(Progress progress) {
        // the examples are in memory already
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
