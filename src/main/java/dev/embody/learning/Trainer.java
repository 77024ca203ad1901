package dev.embody.learning;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.PolicyInput;
import dev.embody.planning.PolicyNet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes a copy of a learned policy on examples (weighted cross-entropy, Adam), with a progress bar on stderr. The
 * policy it starts from is left untouched, so the loop can keep acting with it while this runs on another thread.
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
        for (Example e : examples) {
            if (commands.contains(e.label())) {
                usable.add(e);
            }
        }
        if (usable.size() < examples.size()) {
            log.warn("{} of {} examples name commands the policy does not have; skipped", examples.size() - usable.size(), examples.size());
        }
        PolicyNet net = start.net().copy();
        if (usable.isEmpty()) {
            return new Result(net, commands, Double.NaN, Double.NaN, 0, 0, 0, net.manager().getDevice().toString());
        }
        int perEpoch = (usable.size() + options.batchSize() - 1) / options.batchSize();
        int total = Math.max(1, Math.min(options.maxSteps(), options.epochs() * perEpoch));
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(options.learningRate())).optWeightDecays(1e-4f).build();
        Map<String, NDArray> params = net.parameters();
        params.values().forEach(p -> p.setRequiresGradient(true));
        Random rnd = new Random(options.seed());
        List<Example> order = new ArrayList<>(usable);
        double first = Double.NaN, last = Double.NaN, smooth = Double.NaN;
        int cursor = order.size();
        try {
            for (int step = 0; step < total; step++) {
                List<Example> batch = new ArrayList<>(options.batchSize());
                while (batch.size() < Math.min(options.batchSize(), usable.size())) {
                    if (cursor >= order.size()) {
                        Collections.shuffle(order, rnd);
                        cursor = 0;
                    }
                    batch.add(order.get(cursor++));
                }
                double loss = step(net, commands, batch);
                adamUpdate(adam, params);
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
        params.values().forEach(p -> p.setRequiresGradient(false));
        double secs = (System.nanoTime() - t0) / 1e9;
        String device = net.manager().getDevice().isGpu() ? "gpu" : "cpu";
        log.debug("trained {} steps on {} examples in {} s on {}: loss {} -> {}", total, usable.size(), secs, device, first, last);
        return new Result(net, commands, first, last, total, usable.size(), secs, device);
    }

    private double step(PolicyNet net, List<String> commands, List<Example> batch) {
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            List<PolicyInput> inputs = batch.stream().map(Example::input).toList();
            NDList b = net.batch(net.manager(), inputs, commands);
            float[] labels = new float[batch.size() * commands.size()];
            float[] weights = new float[batch.size()];
            float wsum = 0;
            for (int i = 0; i < batch.size(); i++) {
                // label smoothing: a few examples must not make the policy certain
                int k = commands.size();
                for (int j = 0; j < k; j++) {
                    labels[i * k + j] = SMOOTHING / k;
                }
                labels[i * k + commands.indexOf(batch.get(i).label())] += 1f - SMOOTHING;
                weights[i] = batch.get(i).weight();
                wsum += weights[i];
            }
            NDArray onehot = net.manager().create(labels, new Shape(batch.size(), commands.size()));
            NDArray w = net.manager().create(weights, new Shape(batch.size()));
            NDArray logits = net.forward(b.get(0), b.get(1));
            NDArray nll = logits.logSoftmax(1).mul(onehot).sum(new int[]{1}).neg();
            NDArray loss = nll.mul(w).sum().div(wsum);
            gc.backward(loss);
            return loss.getFloat();
        }
    }

    private static void adamUpdate(Optimizer adam, Map<String, NDArray> params) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray grad = e.getValue().getGradient();
            adam.update(e.getKey(), e.getValue(), grad);
            grad.subi(grad);
            grad.close();
        }
    }

    private void drawBar(int step, int total, double loss, long t0) {
        int width = 30, filled = (int) Math.round(width * step / (double) total);
        double secs = (System.nanoTime() - t0) / 1e9;
        bar.printf(Locale.ROOT, "\rtraining [%s%s] %3d%% step %d/%d loss %.3f %.1fs", "#".repeat(filled), " ".repeat(width - filled),
                100 * step / total, step, total, loss, secs);
        bar.flush();
    }
}
