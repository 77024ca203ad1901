package dev.embody.learning;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.PolicyNet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Fine-tunes a copy of a learned policy on examples with DJL's Trainer ({@link WeightedCrossEntropy}, Adam), with a
 * progress bar on stderr. The policy it starts from is left untouched, so the loop can keep acting with it while this
 * runs on another thread. Examples read for another input spec are skipped with a warning.
 */
public final class Trainer {

    private static final Logger log = LoggerFactory.getLogger(Trainer.class);

    /**
     * @param epochs passes over the examples (bounded by maxSteps optimizer steps)
     */
    public record Options(int epochs, int batchSize, float learningRate, int maxSteps, long seed) {
        public static Options defaults() {
            return new Options(30, 64, 3e-3f, 400, 1);
        }

        public Options withSeed(long s) {
            return new Options(epochs, batchSize, learningRate, maxSteps, s);
        }

        public Options withEpochs(int e) {
            return new Options(e, batchSize, learningRate, maxSteps, seed);
        }
    }

    /** What a run came to: the new network, its loss at the start and the end, how long it took and where. */
    public record Result(PolicyNet net, List<String> commands, double firstLoss, double lastLoss, int steps, int examples,
                         double seconds, String device) {
    }

    /** Hears each optimizer step; a listener that throws aborts training (and nothing is written). */
    public interface Progress {
        void onStep(int step, int total, double loss);
    }

    private static final float SMOOTHING = 0.05f;

    private final Options options;
    private final PrintStream bar;

    public Trainer(Options options, PrintStream bar) {
        this.options = options;
        this.bar = bar;
    }

    public Trainer(Options options) {
        this(options, System.err);
    }

    public Result train(LearnedPolicy start, List<Example> examples) {
        return train(start, examples, (s, t, l) -> { });
    }

    public Result train(LearnedPolicy start, List<Example> examples, Progress progress) {
        long t0 = System.nanoTime();
        List<String> commands = start.commands();
        List<Example> usable = new ArrayList<>();
        int otherSpec = 0;
        for (Example e : examples) {
            if (!start.spec().matches(e.input())) {
                otherSpec++;
            } else if (commands.contains(e.label())) {
                usable.add(e);
            }
        }
        if (otherSpec > 0) {
            log.warn("{} of {} examples were read for another input spec than {}; skipped", otherSpec, examples.size(), start.spec());
        }
        if (usable.size() + otherSpec < examples.size()) {
            log.warn("{} of {} examples name commands the policy does not have; skipped", examples.size() - usable.size() - otherSpec, examples.size());
        }
        PolicyNet net = start.net().copy();
        String device = net.model().getNDManager().getDevice().isGpu() ? "gpu" : "cpu";
        if (usable.isEmpty()) {
            return new Result(net, commands, Double.NaN, Double.NaN, 0, 0, 0, device);
        }
        int perEpoch = (usable.size() + options.batchSize() - 1) / options.batchSize();
        int total = Math.max(1, Math.min(options.maxSteps(), options.epochs() * perEpoch));
        DefaultTrainingConfig config = new DefaultTrainingConfig(new WeightedCrossEntropy())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(options.learningRate())).optWeightDecays(1e-4f).build())
                .optDevices(new Device[]{net.model().getNDManager().getDevice()});
        Random rnd = new Random(options.seed());
        List<Example> order = new ArrayList<>(usable);
        double first = Double.NaN, last = Double.NaN, smooth = Double.NaN;
        int cursor = order.size();
        try (ai.djl.training.Trainer trainer = net.model().newTrainer(config)) {
            trainer.initialize(net.inputShapes(Math.min(options.batchSize(), usable.size()))); // keeps the weights it starts from
            for (int step = 0; step < total; step++) {
                List<Example> batch = new ArrayList<>(options.batchSize());
                while (batch.size() < Math.min(options.batchSize(), usable.size())) {
                    if (cursor >= order.size()) {
                        Collections.shuffle(order, rnd);
                        cursor = 0;
                    }
                    batch.add(order.get(cursor++));
                }
                double loss;
                try (NDManager m = trainer.getManager().newSubManager()) {
                    NDList data = net.batch(m, batch.stream().map(Example::input).toList(), commands);
                    NDList labels = labels(m, batch, commands);
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray l = trainer.getLoss().evaluate(labels, trainer.forward(data));
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    trainer.step();
                }
                if (Double.isNaN(first)) {
                    first = loss;
                }
                last = loss;
                smooth = Double.isNaN(smooth) ? loss : 0.9 * smooth + 0.1 * loss;
                progress.onStep(step + 1, total, loss);
                if (bar != null && ((step + 1) % 5 == 0 || step + 1 == total)) {
                    drawBar(step + 1, total, smooth, t0);
                }
            }
        } catch (RuntimeException e) {
            if (bar != null) {
                bar.println();
            }
            net.close();
            throw e;
        }
        if (bar != null) {
            bar.println();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        log.debug("trained {} steps on {} examples in {} s on {}: loss {} -> {}", total, usable.size(), secs, device, first, last);
        return new Result(net, commands, first, last, total, usable.size(), secs, device);
    }

    /** The smoothed one-hot labels and the weights of a batch. */
    private static NDList labels(NDManager m, List<Example> batch, List<String> commands) {
        int k = commands.size();
        float[] labels = new float[batch.size() * k];
        float[] weights = new float[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            for (int j = 0; j < k; j++) {
                labels[i * k + j] = SMOOTHING / k;
            }
            labels[i * k + commands.indexOf(batch.get(i).label())] += 1f - SMOOTHING;
            weights[i] = batch.get(i).weight();
        }
        return new NDList(m.create(labels, new Shape(batch.size(), k)), m.create(weights, new Shape(batch.size())));
    }

    private void drawBar(int step, int total, double loss, long t0) {
        int width = 30, filled = (int) Math.round(width * step / (double) total);
        double secs = (System.nanoTime() - t0) / 1e9;
        bar.printf(Locale.ROOT, "\rtraining [%s%s] %3d%% step %d/%d loss %.3f %.1fs", "#".repeat(filled), " ".repeat(width - filled),
                100 * step / total, step, total, loss, secs);
        bar.flush();
    }
}
