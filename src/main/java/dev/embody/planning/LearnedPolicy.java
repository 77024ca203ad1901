package dev.embody.planning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.embody.loop.Decision;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learned high-level policy: from the downscaled frame, the task and the previous command to a distribution over
 * every command of the skill library (DJL, PyTorch engine; GPU when DJL finds one). The decision's scores are those
 * probabilities renormalised over the curated candidates; it picks the likeliest.
 */
public final class LearnedPolicy implements Policy, AutoCloseable {

    private final PolicyNet net;
    private final List<String> commands;
    private final String version;
    /** Draws the command from the distribution (sharpened); null picks the likeliest. */
    private final java.util.Random sampler;
    private static final double SHARPEN = 2.0;

    /** @param commands the command texts, one per output row of {@code net}, in row order */
    public LearnedPolicy(PolicyNet net, List<String> commands, String version) {
        this(net, commands, version, Long.getLong("embody.policy.sample", 1L));
    }

    /**
     * @param sampleSeed draw each command from the distribution raised to the power 2 (a deterministic argmax policy
     *                   can lock into a state it never leaves: a move into a wall leaves the same frame and the same
     *                   decision forever); negative: always the likeliest
     */
    public LearnedPolicy(PolicyNet net, List<String> commands, String version, long sampleSeed) {
        this.sampler = sampleSeed < 0 ? null : new java.util.Random(sampleSeed);
        if (net.commands() != commands.size()) {
            throw new IllegalArgumentException("network has " + net.commands() + " outputs for " + commands.size() + " commands");
        }
        this.net = net;
        this.commands = List.copyOf(commands);
        this.version = version;
    }

    /** An untrained policy over a library's commands. */
    public static LearnedPolicy untrained(SkillLibrary library, long seed) {
        List<String> names = names(library);
        return new LearnedPolicy(PolicyNet.create(names.size(), seed), names, "untrained");
    }

    public static List<String> names(SkillLibrary library) {
        return library.commands().stream().map(SkillCall::toString).toList();
    }

    @Override
    public String name() {
        return "learned " + version;
    }

    public String version() {
        return version;
    }

    public List<String> commands() {
        return commands;
    }

    public PolicyNet net() {
        return net;
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        PolicyInput in = PolicyInput.of(ctx.observation().frame(), ctx.task(), ctx.previous(), ctx.scene().width(), ctx.scene().height());
        float[] p = probabilities(in);
        Map<String, Double> scores = new LinkedHashMap<>();
        double total = 0;
        for (SkillCall c : ctx.candidates()) {
            int i = commands.indexOf(c.toString());
            double v = i < 0 ? 0 : p[i];
            scores.put(c.toString(), v);
            total += v;
        }
        SkillCall best = null;
        double bestP = -1, sharpTotal = 0;
        for (SkillCall c : ctx.candidates()) {
            double v = total > 0 ? scores.get(c.toString()) / total : 1.0 / ctx.candidates().size();
            scores.put(c.toString(), v);
            sharpTotal += Math.pow(v, SHARPEN);
            if (v > bestP) {
                bestP = v;
                best = c;
            }
        }
        if (sampler != null && sharpTotal > 0) {
            double u;
            synchronized (sampler) {
                u = sampler.nextDouble() * sharpTotal;
            }
            for (SkillCall c : ctx.candidates()) {
                u -= Math.pow(scores.get(c.toString()), SHARPEN);
                if (u <= 0) {
                    best = c;
                    bestP = scores.get(c.toString());
                    break;
                }
            }
        }
        return new Decision(best, scores, name(), String.format("p=%.2f over %d candidates for '%s'", bestP, ctx.candidates().size(), ctx.task().subtask()));
    }

    /** The distribution over all of {@link #commands()}. */
    public float[] probabilities(PolicyInput in) {
        return probabilities(List.of(in))[0];
    }

    public float[][] probabilities(List<PolicyInput> inputs) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList b = net.batch(net.manager(), inputs, commands);
            NDArray probs = net.forward(b.get(0), b.get(1)).softmax(1);
            float[] flat = probs.toFloatArray();
            float[][] out = new float[inputs.size()][commands.size()];
            for (int i = 0; i < out.length; i++) {
                System.arraycopy(flat, i * commands.size(), out[i], 0, commands.size());
            }
            return out;
        }
    }

    /**
     * This policy over a larger library (skills added at run time): the output layer grows, rows of known commands are
     * kept, so it predicts what it did before on them.
     */
    public LearnedPolicy grownTo(SkillLibrary library) {
        List<String> next = names(library);
        int[] mapping = new int[next.size()];
        List<String> added = new ArrayList<>();
        for (int i = 0; i < mapping.length; i++) {
            mapping[i] = commands.indexOf(next.get(i));
            if (mapping[i] < 0) {
                added.add(next.get(i));
            }
        }
        return new LearnedPolicy(net.grow(mapping), next, version + "+" + added.size());
    }

    @Override
    public void close() {
        net.close();
    }
}
