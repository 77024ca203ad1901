package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The learned high-level policy: from what the agent sees (the frames at the profile's resolution, stacked, the task's
 * words, the previous command, and the profile's extras) to a distribution over every command of the skill library
 * (DJL, PyTorch engine; GPU when DJL finds one). The decision's scores are those probabilities renormalised over the
 * curated candidates. Its input is read by a {@link PolicyEncoder}, the same code that builds training examples.
 */
public final class LearnedPolicy implements Policy, AutoCloseable {

    private final PolicyNet net;
    private final List<String> commands;
    private final String version;
    private final PolicyRules rules;
    // one per thread: the loop plays on its own, a gate evaluates on another, each with its own frame stack
    private final ThreadLocal<PolicyEncoder> encoder;
    private final ThreadLocal<Random> sampler;
    /** Moves that changed nothing since the screen last changed, per playing thread (waits between them change nothing). */
    private final ThreadLocal<java.util.Set<String>> fruitless = ThreadLocal.withInitial(java.util.HashSet::new);

    /** @param commands the command texts, one per output row of {@code net}, in row order */
    public LearnedPolicy(PolicyNet net, List<String> commands, String version, PolicyRules rules) {
        if (net.commands() != commands.size()) {
            throw new IllegalArgumentException("network has " + net.commands() + " outputs for " + commands.size() + " commands");
        }
        this.net = net;
        this.commands = List.copyOf(commands);
        this.version = version;
        this.rules = rules;
        this.encoder = ThreadLocal.withInitial(() -> new PolicyEncoder(net.spec()));
        this.sampler = ThreadLocal.withInitial(() -> rules.sampleSeed() < 0 ? null : new Random(rules.sampleSeed()));
    }

    /** An untrained policy over a library's commands. */
    public static LearnedPolicy untrained(InputSpec spec, SkillLibrary library, PolicyRules rules, long seed) {
        List<String> names = names(library);
        return new LearnedPolicy(PolicyNet.create(spec, names.size(), seed), names, "untrained", rules);
    }

    public static List<String> names(SkillLibrary library) {
        return library.commands().stream().map(SkillCall::toString).toList();
    }

    /** The same network under another version name or other rules. */
    public LearnedPolicy as(String newVersion, PolicyRules newRules) {
        return new LearnedPolicy(net, commands, newVersion, newRules);
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

    public InputSpec spec() {
        return net.spec();
    }

    public PolicyRules rules() {
        return rules;
    }

    /** What this policy reads from a step: its encoder's input (the frame stack advances). */
    public PolicyInput read(PlanningContext ctx) {
        return encoder.get().encode(ctx.observation().index(), ctx.observation().frame(), ctx.task(), ctx.previous(), ctx.scene());
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        PolicyInput in = read(ctx);
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
        java.util.Set<String> tried = fruitless.get();
        if (ctx.previous() == null || ctx.reflection() == null || ctx.reflection().moved()) {
            // a new episode, or the screen changed: any move may do something again
            tried.clear();
        } else if (!isIdle(ctx.previous())) {
            tried.add(ctx.previous().toString());
        }
        // a move changed nothing and a wait after it showed nothing new either: the program awaits another move
        boolean waitedInVain = !tried.isEmpty() && ctx.previous() != null && isIdle(ctx.previous());
        List<SkillCall> ranked = new ArrayList<>(ctx.candidates());
        ranked.sort((x, y) -> Double.compare(scores.get(y.toString()), scores.get(x.toString())));
        List<SkillCall> allowed = new ArrayList<>();
        Map<String, Integer> vetoed = new LinkedHashMap<>();
        for (SkillCall c : ranked) {
            // anti-loop: the command that just changed nothing would leave the same frame and so the same decision
            // forever (an action that went nowhere, or standing still again after standing still)
            boolean loops = rules.breakLoops() && ctx.previous() != null && ((c.equals(ctx.previous()) && ctx.reflection() != null
                    && ctx.reflection().stuck() && !isIdle(c)) || (isIdle(c) && isIdle(ctx.previous())));
            String veto = null;
            for (Veto v : rules.vetoes()) {
                veto = v.forbids(in, c);
                if (veto != null) {
                    vetoed.merge(veto, 1, Integer::sum);
                    break;
                }
            }
            // a move that changed nothing on a screen still as it was will change nothing again (a slide puzzle's
            // blocked direction, waits between or not), nor will more waiting; chosen from the person (stillScreen): one
            // who holds a key against a wall is not overruled (a reflex game's waits come after no fruitless move)
            boolean fruitlessMove = rules.stillScreen() && (!isIdle(c) && tried.contains(c.toString()) || isIdle(c) && waitedInVain);
            if (fruitlessMove) {
                vetoed.merge(isIdle(c) ? "waited in vain after a move that changed nothing" : "changed nothing on the still screen", 1, Integer::sum);
            }
            if (!loops && !fruitlessMove && veto == null) {
                allowed.add(c);
            }
        }
        if (allowed.isEmpty()) {
            allowed = ranked;
        }
        SkillCall best = allowed.get(0);
        Random r = sampler.get();
        if (r != null) {
            double sharpTotal = 0;
            for (SkillCall c : allowed) {
                sharpTotal += Math.pow(scores.get(c.toString()), rules.sharpen());
            }
            double u = r.nextDouble() * sharpTotal;
            for (SkillCall c : allowed) {
                u -= Math.pow(scores.get(c.toString()), rules.sharpen());
                if (u <= 0) {
                    best = c;
                    break;
                }
            }
        }
        StringBuilder why = new StringBuilder(String.format(java.util.Locale.ROOT, "p=%.2f over %d candidates for '%s'",
                scores.get(best.toString()), ctx.candidates().size(), ctx.task().subtask()));
        vetoed.forEach((reason, n) -> why.append("; ").append(n).append(" vetoed: ").append(reason));
        return new Decision(best, scores, name(), why.toString());
    }

    private static boolean isIdle(SkillCall c) {
        return c.skill().equals("stop") || c.skill().equals("wait");
    }

    /** The distribution over all of {@link #commands()}. */
    public float[] probabilities(PolicyInput in) {
        return probabilities(List.of(in))[0];
    }

    public float[][] probabilities(List<PolicyInput> inputs) {
        return net.probabilities(inputs, commands);
    }

    /** Over a library that grew (a skill taught at run time): the output grows, rows of known commands kept. */
    @Override
    public Policy adapt(SkillLibrary library) {
        return commands.equals(names(library)) ? this : grownTo(library);
    }

    /**
     * This policy over a larger library (skills added at run time): the output layer grows, rows of known commands are
     * kept, so it predicts what it did before on them.
     */
    public LearnedPolicy grownTo(SkillLibrary library) {
        List<String> next = names(library);
        int[] mapping = new int[next.size()];
        int added = 0;
        for (int i = 0; i < mapping.length; i++) {
            mapping[i] = commands.indexOf(next.get(i));
            added += mapping[i] < 0 ? 1 : 0;
        }
        return new LearnedPolicy(net.grow(mapping), next, version + "+" + added, rules);
    }

    @Override
    public void close() {
        net.close();
    }
}
