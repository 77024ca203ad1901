package dev.embody.sim;

import dev.embody.correction.CorrectionParser;
import dev.embody.correction.Understanding;
import dev.embody.loop.Goal;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Step;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A person at the keyboard, simulated: it watches the agent play with the game's true state and, when the agent's
 * command is wrong in a way that matters, says a correction in plain words, which goes through the same
 * {@link CorrectionParser} as a person's and into the loop's {@link OperatorInbox}. How benchmarks and tests get
 * corrections without a person.
 *
 * <p>What it does after each step the agent takes ({@link #onStep}):
 * <ul>
 *   <li>compares the agent's command with what the {@link Oracle} would have done in the same true state; it
 *       <em>matters</em> when the direction differs and the move went into a wall (under 3 px), or away from the
 *       targets a watching person judges by, the oracle's and the one the agent says it goes for (the path to each
 *       got dearer, or no cheaper and no nearer in pixels), or one more such move would touch lava; standing still (wait, stop)
 *       matters on the second step in a row; and looking ahead, an agent that repeats a command is told before one
 *       more such move pushes into a wall or takes it away from those targets ("keeps going past the turn"). A different amount in the same direction never matters, nor does a step
 *       that took a coin, nor a step the operator itself commanded;</li>
 *   <li>reacts after a delay of {@link Settings#reactionMin}..{@link Settings#reactionMax} steps (seeded), and then
 *       only if the agent is still wrong; stays silent with probability {@link Settings#silence}, and says nothing
 *       more once {@link Settings#budget} corrections are spent;</li>
 *   <li>says the oracle's command in varied words: "no, go left", "left!", "a bit more to the left", "go up a lot",
 *       "not left, right", "no, lava! go down", with the value's synonyms ("west") and, with probability
 *       {@link Settings#typos}, a typo ("lfet") — the parser must cope, as with a person.</li>
 * </ul>
 * With no reaction delay a correction said after step k overrides step k+1. Paced ({@link #speaking}), it starts
 * nothing new while still saying its last correction, as a person cannot; unpaced, it may speak after every step.
 *
 * <p>Plugging it into a session (one operator per episode, as one game is one episode):
 * <pre>{@code
 * SimGame game = SimGame.of(seed, difficulty, goal, limit);
 * OperatorInbox inbox = new OperatorInbox();
 * SimulatedOperator operator = new SimulatedOperator(game, new Oracle(library), new CorrectionParser(library), inbox,
 *         SimulatedOperator.Settings.defaults(), seed);
 * AgentLoop loop = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(new SimGameTarget(game)).inbox(inbox).listener(operator) ... .build();
 * loop.run();
 * operator.corrections();   // how many it said; operator.said() has each with what the parser understood
 * }</pre>
 * The corrected steps are the loop's steps with {@code decision().by() == "operator"} and {@code correction()} set: a
 * training example is that step's observation and command. Runs on the loop's thread; not thread-safe otherwise.
 */
public final class SimulatedOperator implements dev.embody.correction.SimulatedCorrector {

    private static final Logger log = LoggerFactory.getLogger(SimulatedOperator.class);
    public static final String CHANNEL = "sim-operator";

    /**
     * How the operator behaves.
     *
     * @param reactionMin fewest steps between noticing a mistake and saying something (0: said right after the step)
     * @param reactionMax most steps (each delay is drawn between the two)
     * @param budget      corrections per episode at most
     * @param silence     chance to let a noticed mistake pass without a word
     * @param typos       chance that a correction has a typo in its direction word
     */
    public record Settings(int reactionMin, int reactionMax, int budget, double silence, double typos) {

        public Settings {
            if (reactionMin < 0 || reactionMax < reactionMin) {
                throw new IllegalArgumentException("reaction must be 0 <= min <= max steps, got " + reactionMin + ".." + reactionMax);
            }
            if (budget < 0 || silence < 0 || silence > 1 || typos < 0 || typos > 1) {
                throw new IllegalArgumentException("budget >= 0, silence and typos in 0..1");
            }
        }

        /** Reacts within 0-1 steps, 60 corrections an episode, silent one time in ten, a typo one time in ten. */
        public static Settings defaults() {
            return new Settings(0, 1, 60, 0.1, 0.1);
        }

        /** Always at once, never silent, no typos: for tests that need every mistake corrected. */
        public static Settings attentive(int budget) {
            return new Settings(0, 0, budget, 0, 0);
        }
    }

    /**
     * One correction it said.
     *
     * @param step       the agent's step after which it was said (it applies at the next)
     * @param understood what the parser made of it
     * @param agent      the agent's command it corrects
     * @param oracle     what the oracle would do, which the words name
     * @param reason     why it mattered ("heads into lava", "runs into a wall", "moves away from the target", "stands still")
     */
    public record Utterance(long step, String text, Understanding understood, SkillCall agent, SkillCall oracle, String reason) {
    }

    private final SimGame game;
    private final Oracle oracle;
    private final CorrectionParser parser;
    private final OperatorInbox inbox;
    private final Settings settings;
    private final Random random;
    private final List<Utterance> said = new ArrayList<>();
    private final java.util.Set<Long> agreed = new java.util.HashSet<>();
    private final java.util.Map<String, Integer> reasons = new java.util.TreeMap<>();
    private int noticed;
    private int silent;
    private int idle;
    /** The step at which a noticed mistake will be answered, or -1. */
    private long answerAt = -1;
    private int beforeX;
    private int beforeY;
    private int beforeCoins;
    private SkillCall expected;
    private int[] expectedTarget;
    private SkillCall lastAgentCommand;
    /** How many steps saying a correction takes, or null: a person says nothing new while still saying the last. */
    private java.util.function.ToLongFunction<String> speaking;
    /** The first step at which it can start a new correction. */
    private long freeAt;

    public SimulatedOperator(SimGame game, Oracle oracle, CorrectionParser parser, OperatorInbox inbox, Settings settings, long seed) {
        this.game = game;
        this.oracle = oracle;
        this.parser = parser;
        this.inbox = inbox;
        this.settings = settings;
        this.random = new Random(seed);
        remember();
    }

    /**
     * Paces it as a person: after each correction it says nothing new for {@code stepsToSay} of its words (its reaction and
     * utterance at the target's step period); a mistake noticed meanwhile is answered once it is free, if still wrong.
     */
    public SimulatedOperator speaking(java.util.function.ToLongFunction<String> stepsToSay) {
        this.speaking = stepsToSay;
        return this;
    }

    @Override
    public void onStep(Step step, Observation observation) {
        Goal goal = game.goal();
        // the state the agent decided in, and what the oracle would have done there
        int x0 = beforeX, y0 = beforeY, coins0 = beforeCoins;
        SkillCall expected = this.expected;
        if (expected != null && !"operator".equals(step.decision().by()) && sameDirection(step.command(), expected)) {
            agreed.add(step.index());
        }
        remember();
        if (game.outcome().finished() || "operator".equals(step.decision().by()) || expected == null) {
            idle = 0;
            lastAgentCommand = "operator".equals(step.decision().by()) ? step.command() : null;
            answerAt = -1;
            return;
        }
        boolean repeated = step.command().equals(lastAgentCommand);
        lastAgentCommand = step.command();
        List<int[]> focus0 = focus(goal, expectedTarget, step.task());
        String reason = mistake(step.command(), expected, goal, x0, y0, coins0, focus0);
        if (reason == null && repeated) {
            reason = trend(step.command(), this.expected, goal, focus(goal, this.expectedTarget, step.task()));
        }
        if (reason == null) {
            answerAt = -1;
            return;
        }
        if (answerAt < 0) {
            noticed++;
            reasons.merge(reason, 1, Integer::sum);
            if (said.size() >= settings.budget() || random.nextDouble() < settings.silence()) {
                silent++;
                return;
            }
            answerAt = step.index() + settings.reactionMin() + random.nextInt(settings.reactionMax() - settings.reactionMin() + 1);
        }
        if (step.index() < answerAt || step.index() < freeAt) {
            return;
        }
        answerAt = -1;
        SkillCall best = this.expected;
        Optional<Oracle.Motion> want = oracle.motion(best), doing = oracle.motion(step.command());
        if (want.isEmpty() || doing.isPresent() && doing.get().word().equals(want.get().word())) {
            // by now the agent does what the oracle would: nothing to say
            return;
        }
        String text = phrase(best, step.command(), reason);
        Understanding u = parser.parse(text);
        said.add(new Utterance(step.index(), text, u, step.command(), best, reason));
        if (speaking != null) {
            freeAt = step.index() + Math.max(1, speaking.applyAsLong(text));
        }
        log.debug("sim operator after step {}: agent {} {}; oracle {}; says \"{}\" -> {}", step.index(), step.command(), reason, best, text, u.kind());
        u.toIntervention(CHANNEL).ifPresent(inbox::submit);
    }

    /** The state the next step decides in, and the oracle's command for it. */
    private void remember() {
        beforeX = game.playerX();
        beforeY = game.playerY();
        beforeCoins = game.coinsCollected();
        expected = game.outcome().finished() ? null : oracle.act(game, game.goal());
        dev.embody.loop.Task t = game.outcome().finished() ? null : oracle.task(game, game.goal());
        expectedTarget = t == null || !t.hasTarget() ? null : cellOf(t);
    }

    private int[] cellOf(dev.embody.loop.Task t) {
        var terrain = game.level().terrain();
        return new int[]{terrain.colOf(t.targetX()), terrain.rowOf(t.targetY())};
    }

    /**
     * The targets a watching person judges progress by: where the oracle would go, and where the agent says it goes
     * (its task, shown on the console); any other target left counts only when neither is known.
     */
    private List<int[]> focus(Goal goal, int[] oracleTarget, dev.embody.loop.Task agentTask) {
        List<int[]> all = Oracle.targets(game, goal);
        List<int[]> wanted = new ArrayList<>();
        if (oracleTarget != null) {
            wanted.add(oracleTarget);
        }
        if (agentTask != null && agentTask.hasTarget()) {
            wanted.add(cellOf(agentTask));
        }
        List<int[]> out = new ArrayList<>();
        for (int[] c : all) {
            for (int[] w : wanted) {
                if (c[0] == w[0] && c[1] == w[1]) {
                    out.add(c);
                    break;
                }
            }
        }
        return out.isEmpty() ? all : out;
    }

    /**
     * Why the agent's command, decided at (x0, y0) where the oracle wanted {@code expected}, matters; null when it does
     * not. Only the direction counts, never the amount.
     */
    String mistake(SkillCall agent, SkillCall expected, Goal goal, int x0, int y0, int coins0, List<int[]> focus) {
        Optional<Oracle.Motion> want = oracle.motion(expected);
        if (want.isEmpty()) {
            idle = 0;
            return null;
        }
        Optional<Oracle.Motion> doing = oracle.motion(agent);
        if (doing.isEmpty()) {
            return ++idle >= 2 ? "stands still" : null;
        }
        idle = 0;
        Oracle.Motion m = doing.get();
        if (m.dx() == want.get().dx() && m.dy() == want.get().dy() || game.coinsCollected() > coins0) {
            return null;
        }
        // looking ahead: one more such move would end in lava
        if (Oracle.preview(game, m).lava()) {
            return "heads into lava";
        }
        if (Math.abs(game.playerX() - x0) + Math.abs(game.playerY() - y0) < 3) {
            return "runs into a wall";
        }
        // going for another coin than the oracle's is no mistake; getting farther from every one is
        return awayFromEvery(goal, focus, x0, y0, game.playerX(), game.playerY()) ? "moves away from the target" : null;
    }

    /**
     * Looking ahead, as a person does who sees the agent keep going one way: the agent repeated its command, and one
     * more such move would take it away from the {@code focus} targets where the oracle now turns; null if not.
     */
    String trend(SkillCall agent, SkillCall best, Goal goal, List<int[]> focus) {
        Optional<Oracle.Motion> want = best == null ? Optional.empty() : oracle.motion(best);
        Optional<Oracle.Motion> doing = oracle.motion(agent);
        if (want.isEmpty() || doing.isEmpty() || doing.get().word().equals(want.get().word())) {
            return null;
        }
        Oracle.Preview next = Oracle.preview(game, doing.get());
        if (next.moved() < 3) {
            return "keeps pushing into a wall";
        }
        return awayFromEvery(goal, focus, game.playerX(), game.playerY(), next.x(), next.y()) ? "keeps going past the turn" : null;
    }

    /**
     * Whether going from (x0, y0) to (x1, y1) gets no nearer any of the {@code focus} targets: by path cost, or by
     * pixels within the same cost.
     */
    private boolean awayFromEvery(Goal goal, List<int[]> focus, int x0, int y0, int x1, int y1) {
        double[] before = Oracle.costsToTargets(game, goal, x0, y0);
        double[] after = Oracle.costsToTargets(game, goal, x1, y1);
        List<int[]> targets = Oracle.targets(game, goal);
        var t = game.level().terrain();
        for (int i = 0; i < after.length; i++) {
            int[] cell = targets.get(i);
            if (focus.stream().noneMatch(f -> f[0] == cell[0] && f[1] == cell[1])) {
                continue;
            }
            double tx = t.centreX(targets.get(i)[0]), ty = t.centreY(targets.get(i)[1]);
            boolean nearer = after[i] < before[i] || after[i] == before[i] && after[i] < Double.POSITIVE_INFINITY
                    && Math.hypot(x1 - tx, y1 - ty) < Math.hypot(x0 - tx, y0 - ty);
            if (nearer) {
                return false;
            }
        }
        return after.length > 0;
    }

    /** The oracle's command in words a person might type. */
    String phrase(SkillCall best, SkillCall agent, String reason) {
        Oracle.Motion m = oracle.motion(best).orElseThrow();
        String dir = word(best, "direction", m.word());
        String amount = best.arg("amount") == null ? "medium" : best.arg("amount");
        List<String> options = new ArrayList<>();
        switch (amount) {
            case "small" -> options.addAll(List.of("a bit more to the " + dir, "a little to the " + dir, "nudge " + dir,
                    "no, a bit " + dir, "slightly " + dir));
            case "large" -> options.addAll(List.of("go " + dir + " a lot", dir + " a lot", "far " + dir, "no, go " + dir + " a lot",
                    "all the way " + dir));
            default -> {
                options.addAll(List.of("no, go " + dir, dir + "!", "go " + dir, "no no, " + dir + "!", "move " + dir, "head " + dir,
                        "uh, go " + dir + " please"));
                Optional<Oracle.Motion> wrong = oracle.motion(agent);
                if (wrong.isPresent() && !wrong.get().word().equals(m.word())) {
                    options.add("not " + wrong.get().word() + ", " + dir);
                }
                if (reason.contains("lava")) {
                    options.add("no, lava! go " + dir);
                }
            }
        }
        return options.get(random.nextInt(options.size()));
    }

    /** The value's name, or now and then one of the words people say for it, or with a typo. */
    private String word(SkillCall call, String parameter, String fallback) {
        String value = call.arg(parameter) == null ? fallback : call.arg(parameter);
        List<String> says = new ArrayList<>(List.of(value));
        oracle.library().skill(call.skill()).flatMap(s -> s.parameter(parameter)).flatMap(p -> p.value(value))
                .map(Skill.Value::synonyms).ifPresent(says::addAll);
        String w = random.nextDouble() < 0.2 ? says.get(random.nextInt(says.size())) : value;
        if (w.length() >= 4 && !w.contains(" ") && random.nextDouble() < settings.typos()) {
            int i = 2 + random.nextInt(w.length() - 2);
            w = w.substring(0, i - 1) + w.charAt(i) + w.charAt(i - 1) + w.substring(i + 1);
        }
        return w;
    }

    private boolean sameDirection(SkillCall a, SkillCall b) {
        Optional<Oracle.Motion> x = oracle.motion(a), y = oracle.motion(b);
        return x.isPresent() == y.isPresent() && (x.isEmpty() || x.get().word().equals(y.get().word()));
    }

    /**
     * Whether the agent's command at that step went the way the operator would have gone (the oracle's direction): what
     * a watching person's silence approves. Known once the step has been heard.
     */
    public boolean wouldHaveDone(long step) {
        return agreed.contains(step);
    }

    /** Everything it said this episode, in order. */
    public List<Utterance> said() {
        return List.copyOf(said);
    }

    /** Corrections said this episode. */
    @Override
    public int corrections() {
        return said.size();
    }

    /** Mistakes that mattered, said or not. */
    @Override
    public int noticed() {
        return noticed;
    }

    /** Mistakes that mattered, by why ("heads into lava": 2, "runs into a wall": 5...). */
    @Override
    public java.util.Map<String, Integer> reasons() {
        return java.util.Collections.unmodifiableMap(reasons);
    }

    /** Mistakes it let pass without a word (by chance or because the budget was spent). */
    public int silent() {
        return silent;
    }
}
