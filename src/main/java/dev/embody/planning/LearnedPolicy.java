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
    private static final double SHARPEN = Double.parseDouble(System.getProperty("embody.policy.sharpen", "2.0"));
    /** Veto moves into lava-coloured pixels (system property embody.policy.shield, default on). */
    private final boolean shield = Boolean.parseBoolean(System.getProperty("embody.policy.shield", "true"));

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
        PolicyInput in = PolicyInput.of(ctx.observation().frame(), ctx.task(), ctx.previous(), ctx.scene());
        float[] p = probabilities(in);
        Map<String, Double> scores = new LinkedHashMap<>();
        double total = 0;
        for (SkillCall c : ctx.candidates()) {
            int i = commands.indexOf(c.toString());
            double v = i < 0 ? 0 : p[i];
            scores.put(c.toString(), v);
            total += v;
        }
        for (SkillCall c : ctx.candidates()) {
            scores.put(c.toString(), total > 0 ? scores.get(c.toString()) / total : 1.0 / ctx.candidates().size());
        }
        List<SkillCall> ranked = new ArrayList<>(ctx.candidates());
        ranked.sort((x, y) -> Double.compare(scores.get(y.toString()), scores.get(x.toString())));
        float[] me = shield ? in.player() : null;
        List<SkillCall> allowed = new ArrayList<>();
        int vetoed = 0;
        for (SkillCall c : ranked) {
            // anti-loop: the command that just went nowhere would leave the same frame and so the same decision forever
            // (a move that went nowhere, or standing still again after standing still)
            boolean loops = ctx.previous() != null && ((c.equals(ctx.previous()) && ctx.reflection() != null
                    && ctx.reflection().stuck() && !isStop(c)) || (isStop(c) && isStop(ctx.previous())));
            boolean unsafe = me != null && intoLava(in, me, c);
            vetoed += unsafe ? 1 : 0;
            if (!loops && !unsafe) {
                allowed.add(c);
            }
        }
        if (allowed.isEmpty()) {
            allowed = ranked;
        }
        SkillCall best = allowed.get(0);
        if (sampler != null) {
            double sharpTotal = 0;
            for (SkillCall c : allowed) {
                sharpTotal += Math.pow(scores.get(c.toString()), SHARPEN);
            }
            double u;
            synchronized (sampler) {
                u = sampler.nextDouble() * sharpTotal;
            }
            for (SkillCall c : allowed) {
                u -= Math.pow(scores.get(c.toString()), SHARPEN);
                if (u <= 0) {
                    best = c;
                    break;
                }
            }
        }
        return new Decision(best, scores, name(), String.format("p=%.2f over %d candidates for '%s'%s", scores.get(best.toString()),
                ctx.candidates().size(), ctx.task().subtask(), vetoed > 0 ? "; " + vetoed + " vetoed: into lava" : ""));
    }

    /** Cells a move of each amount covers (100 px/s for 100/200/400 ms, 20 px a cell). */
    private static final Map<String, Double> REACH = Map.of("small", 0.5, "medium", 1.0, "large", 2.0);
    /** The player's radius (6 px) plus a margin, in cells. */
    private static final double CLEARANCE = 0.45;

    /**
     * The safety shield: would this move sweep the player's disc over a lava-coloured cell of the downscaled frame (one
     * pixel per cell)? A hand-written rule over pixels, not learned: the net alone still walks into lava too often.
     */
    static boolean intoLava(PolicyInput in, float[] me, SkillCall c) {
        if (!"move".equals(c.skill())) {
            return false;
        }
        String dir = c.arg("direction");
        double reach = REACH.getOrDefault(c.arg("amount") == null ? "medium" : c.arg("amount"), 1.0);
        int dx = "left".equals(dir) ? -1 : "right".equals(dir) ? 1 : 0, dy = "up".equals(dir) ? -1 : "down".equals(dir) ? 1 : 0;
        int w = PolicyInput.WIDTH, h = PolicyInput.HEIGHT, n = w * h;
        byte[] px = in.pixels();
        for (double t = 0; t <= reach + 1e-9; t += 0.1) {
            double x = me[0] + dx * t, y = me[1] + dy * t;
            for (int cy = (int) Math.floor(y - CLEARANCE); cy <= (int) Math.floor(y + CLEARANCE); cy++) {
                for (int cx = (int) Math.floor(x - CLEARANCE); cx <= (int) Math.floor(x + CLEARANCE); cx++) {
                    if (cx < 0 || cy < 0 || cx >= w || cy >= h) {
                        continue;
                    }
                    int q = cy * w + cx, r = px[q] & 0xff, g = px[n + q] & 0xff, b = px[2 * n + q] & 0xff;
                    if (r > 150 && r - Math.max(g, b) > 100) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isStop(SkillCall c) {
        String t = c.toString();
        return t.startsWith("stop") || t.startsWith("wait");
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

    /** Over a library that grew (a skill taught at run time): the output grows, rows of known commands kept. */
    @Override
    public dev.embody.loop.Policy adapt(SkillLibrary library) {
        return commands.equals(names(library)) ? this : grownTo(library);
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
