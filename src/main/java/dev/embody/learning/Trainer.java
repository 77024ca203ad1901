package dev.embody.learning;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.listener.EarlyStoppingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.PolicyNet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fine-tunes a copy of a learned policy on examples with DJL's Trainer ({@link WeightedCrossEntropy}, Adam): EasyTrain's
 * fit over the examples as a {@link Dataset}, with a training listener that draws the progress bar on stderr and stops
 * early on held-out examples. The policy it starts from is left untouched, so the loop can keep acting with it while this
 * runs on another thread. Examples read for another input spec are skipped with a warning.
 */
public final class Trainer {

    private static final Logger log = LoggerFactory.getLogger(Trainer.class);

    /**
     * @param epochs   passes over the examples (bounded by maxSteps optimizer steps)
     * @param balanced weigh each example by the inverse square root of its command's share: waits dominate
     *                 demonstrations, and unweighted the network learns to wait
     * @param patience with held-out examples: stop after this many epochs (and at least {@link #MIN_STEPS_WITHOUT_GAIN}
     *                 steps) without reaching the best held-out agreement again, once that best is above always giving
     *                 the held-out steps' commonest command, and keep the best epoch's network (the latest of equals); 0:
     *                 train the whole budget and keep the last
     */
    public record Options(int epochs, int batchSize, float learningRate, int maxSteps, long seed, boolean balanced, int patience) {
        public Options(int epochs, int batchSize, float learningRate, int maxSteps, long seed) {
            this(epochs, batchSize, learningRate, maxSteps, seed, false, 0);
        }

        public static Options defaults() {
            return new Options(30, 64, 3e-3f, 400, 1);
        }

        public Options withSeed(long s) {
            return new Options(epochs, batchSize, learningRate, maxSteps, s, balanced, patience);
        }

        /** Balanced classes and early stopping after {@code p} epochs without gain on held-out examples. */
        public Options fitted(int p) {
            return new Options(epochs, batchSize, learningRate, maxSteps, seed, true, p);
        }
    }

    /** What a run came to: the new network, its loss at the start and the end, how long it took and where. */
    /**
     * @param epochs    epochs run (whole or in part)
     * @param keptEpoch the epoch whose network was kept: the latest whose held-out agreement is within a standard error
     *                  of the best's ({@link #tie}); 0 where nothing was held out and the last was kept
     * @param bestEpoch the latest epoch of the best held-out agreement (early stopping counts from it); 0 as above
     * @param stopped   why training ended: "budget" (the epochs or steps asked for) or "no gain" (early stopping)
     */
    public record Result(PolicyNet net, List<String> commands, double firstLoss, double lastLoss, int steps, int examples,
                         double seconds, String device, int epochs, int keptEpoch, int bestEpoch, String stopped) {
    }

    /** Hears each optimizer step; a listener that throws aborts training (and nothing is written). */
    public interface Progress {
        void onStep(int step, int total, double loss);
    }

    private static final float SMOOTHING = 0.05f;
    /** Early stopping waits at least this many optimizer steps too: a few examples make an epoch one step. */
    static final int MIN_STEPS_WITHOUT_GAIN = 50;

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
        return train(start, examples, List.of(), progress);
    }

    /**
     * @param heldOut examples never trained on (from held-out episodes): scored after every epoch, the best epoch's
     *                network is kept and training stops after {@link Options#patience()} epochs without gain
     */
    public Result train(LearnedPolicy start, List<Example> examples, List<Example> heldOut, Progress progress) {
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
            return new Result(net, commands, Double.NaN, Double.NaN, 0, 0, 0, device, 0, 0, 0, "no examples");
        }
        int perEpoch = (usable.size() + options.batchSize() - 1) / options.batchSize();
        int total = Math.max(1, Math.min(options.maxSteps(), options.epochs() * perEpoch));
        Map<String, Float> balance = options.balanced() ? balance(usable) : Map.of();
        PolicyNet trained = net;
        Dataset batches = new Dataset(usable, options.batchSize(), total, options.seed(), new Dataset.Encoding() {
            @Override
            public NDList data(NDManager m, List<Example> batch) {
                return trained.batch(m, batch.stream().map(Example::input).toList(), commands);
            }

            @Override
            public NDList labels(NDManager m, List<Example> batch) {
                return Trainer.labels(m, batch, commands, balance);
            }
        });
        List<Example> scored = heldOut.stream().filter(e -> start.spec().matches(e.input()) && commands.contains(e.label())).toList();
        dev.embody.loop.ProgressBar line = bar == null ? dev.embody.loop.ProgressBar.off() : dev.embody.loop.ProgressBar.of(bar, "training", "step", total);
        Fitting fit = new Fitting(trained, commands, scored, total, progress, line);
        DefaultTrainingConfig config = new DefaultTrainingConfig(new WeightedCrossEntropy())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(options.learningRate())).optWeightDecays(1e-4f).build())
                .optDevices(new Device[]{net.model().getNDManager().getDevice()})
                .addTrainingListeners(fit);
        String stopped = "budget";
        try (ai.djl.training.Trainer trainer = net.model().newTrainer(config)) {
            trainer.initialize(net.inputShapes(Math.min(options.batchSize(), usable.size()))); // keeps the weights it starts from
            EasyTrain.fit(trainer, batches.epochs(), batches, null);
        } catch (EarlyStoppingListener.EarlyStoppedException e) {
            stopped = "no gain";
        } catch (IOException | TranslateException | RuntimeException e) {
            line.done();
            net.close();
            if (fit.best != null) {
                fit.best.close();
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException("training failed: " + e.getMessage(), e);
        }
        PolicyNet best = fit.best;
        int epoch = fit.epoch, bestEpoch = fit.bestEpoch, keptEpoch = fit.keptEpoch;
        double first = fit.first, last = fit.last;
        line.done();
        if (best != null && bestEpoch == 0) {
            // no epoch told the held-out steps apart better than their commonest command: they choose nothing, keep the last
            best.close();
            best = null;
            keptEpoch = epoch;
        }
        if (best != null) {
            net.close();
            net = best;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        log.debug("trained {} epochs on {} examples in {} s on {}: loss {} -> {}, kept epoch {}, best {} ({})", epoch, usable.size(), secs, device,
                first, last, keptEpoch, bestEpoch, stopped);
        return new Result(net, commands, first, last, Math.min(total, epoch * perEpoch), usable.size(), secs, device, epoch, keptEpoch, bestEpoch,
                stopped);
    }

    /**
     * Hears every optimizer step of a fit (its batch's loss, to the progress bar and the caller) and every epoch's end:
     * with held-out examples, the epoch is scored, the best network kept, and the fit stopped after
     * {@link Options#patience()} epochs without gain.
     */
    private final class Fitting extends TrainingListenerAdapter {
        private final PolicyNet net;
        private final List<String> commands;
        private final List<Example> scored;
        private final long majority;
        private final int total;
        private final Progress progress;
        private final dev.embody.loop.ProgressBar line;
        double first = Double.NaN, last = Double.NaN, smooth = Double.NaN;
        int step, epoch, bestEpoch, keptEpoch, bestHits = -1, bestStep;
        PolicyNet best;

        Fitting(PolicyNet net, List<String> commands, List<Example> scored, int total, Progress progress, dev.embody.loop.ProgressBar line) {
            this.net = net;
            this.commands = commands;
            this.scored = scored;
            this.total = total;
            this.progress = progress;
            this.line = line;
            // early stopping waits until the held-out steps are told apart clearly better than by their commonest command: a network
            // still giving that one everywhere is best there at once, and stopping 10 epochs on kept it (a shooter game: its
            // held-out episode 0.69 waits, stopped at epoch 15 keeping epoch 5, training agreement 0.61 against 0.57)
            this.majority = scored.stream().collect(java.util.stream.Collectors.groupingBy(Example::label, java.util.stream.Collectors.counting()))
                    .values().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        @Override
        public void onTrainingBatch(ai.djl.training.Trainer trainer, BatchData batch) {
            // the step's loss again from what it predicted (one device: one part), the same arithmetic as the step's own
            NDList labels = batch.getLabels().values().iterator().next();
            NDList predictions = batch.getPredictions().values().iterator().next();
            double loss = trainer.getLoss().evaluate(labels, predictions).getFloat();
            step++;
            if (Double.isNaN(first)) {
                first = loss;
            }
            last = loss;
            smooth = Double.isNaN(smooth) ? loss : 0.9 * smooth + 0.1 * loss;
            progress.onStep(step, total, loss);
            line.update(step, String.format(Locale.ROOT, "loss %.3f", smooth));
        }

        @Override
        public void onEpoch(ai.djl.training.Trainer trainer) {
            epoch++;
            if (scored.isEmpty() || options.patience() <= 0) {
                return;
            }
            double[] s = score(trainer, net, scored, commands);
            int hits = (int) s[0];
            // the best is an epoch that beats always giving the commonest command by more than a standard error;
            // until one does, that is the mark
            if (hits > majority + tie((int) majority, scored.size()) && hits >= bestHits) {
                bestHits = hits;
                bestEpoch = epoch;
                bestStep = step;
            }
            int mark = (int) Math.max(bestHits, majority);
            // a tie goes to the later epoch: as good on held-out steps and fitted closer to what it was shown;
            // within a standard error of the best is a tie that a few held-out episodes cannot break
            if (hits >= mark - tie(mark, scored.size())) {
                keptEpoch = epoch;
                if (best != null) {
                    best.close();
                }
                best = net.copy();
            } else if (bestEpoch > 0 && epoch - bestEpoch >= options.patience() && step - bestStep >= MIN_STEPS_WITHOUT_GAIN) {
                throw new EarlyStoppingListener.EarlyStoppedException(epoch, "no gain");
            }
        }
    }

    /** Held-out hits a standard error below the best's: fewer would be a real loss, not the noise of n steps. */
    static int tie(int bestHits, int n) {
        double p = bestHits / (double) n;
        return (int) Math.floor(Math.sqrt(n * p * (1 - p)));
    }

    /** Per command, the weight that evens out how often it was shown (inverse square root of its share, mean 1). */
    static Map<String, Float> balance(List<Example> examples) {
        Map<String, Integer> counts = new HashMap<>();
        examples.forEach(e -> counts.merge(e.label(), 1, Integer::sum));
        Map<String, Float> w = new HashMap<>();
        double mean = 0;
        for (var c : counts.entrySet()) {
            float v = (float) Math.sqrt(examples.size() / (double) c.getValue());
            w.put(c.getKey(), v);
            mean += v * c.getValue();
        }
        double norm = mean / examples.size();
        w.replaceAll((k, v) -> (float) (v / norm));
        return w;
    }

    /** Held-out examples scored without training: [greedy choices that agree, mean loss]. */
    private static double[] score(ai.djl.training.Trainer trainer, PolicyNet net, List<Example> examples, List<String> commands) {
        int hits = 0;
        double lossSum = 0;
        for (int from = 0; from < examples.size(); from += 256) {
            List<Example> part = examples.subList(from, Math.min(examples.size(), from + 256));
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDList out = trainer.evaluate(net.batch(m, part.stream().map(Example::input).toList(), commands));
                lossSum += trainer.getLoss().evaluate(labels(m, part, commands, Map.of()), out).getFloat() * part.size();
                long[] choice = out.head().argMax(1).toLongArray();
                for (int i = 0; i < part.size(); i++) {
                    hits += commands.get((int) choice[i]).equals(part.get(i).label()) ? 1 : 0;
                }
            }
        }
        return new double[]{hits, lossSum / examples.size()};
    }

    /** The smoothed one-hot labels and the weights of a batch. */
    private static NDList labels(NDManager m, List<Example> batch, List<String> commands, Map<String, Float> balance) {
        int k = commands.size();
        float[] labels = new float[batch.size() * k];
        float[] weights = new float[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            for (int j = 0; j < k; j++) {
                labels[i * k + j] = SMOOTHING / k;
            }
            labels[i * k + commands.indexOf(batch.get(i).label())] += 1f - SMOOTHING;
            weights[i] = batch.get(i).weight() * balance.getOrDefault(batch.get(i).label(), 1f);
        }
        return new NDList(m.create(labels, new Shape(batch.size(), k)), m.create(weights, new Shape(batch.size())));
    }
}
