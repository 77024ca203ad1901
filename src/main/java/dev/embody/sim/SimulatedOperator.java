package dev.embody.sim;

import dev.embody.correction.CorrectionParser;
import dev.embody.correction.Understanding;
import dev.embody.loop.Goal;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
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
 *   <li>asks the {@link Oracle} what it would do now, from the true state;</li>
 *   <li>judges the agent's command as if the agent carried on with it: it <em>matters</em> when the command's direction
 *       differs from the oracle's and carrying on would touch lava, run into a wall (moves under 3 px) or lengthen the
 *       path to the target; standing still (wait, stop) matters on the second step in a row. A different amount in the
 *       same direction never matters, and neither does a step the operator itself commanded;</li>
 *   <li>reacts after a delay of {@link Settings#reactionMin}..{@link Settings#reactionMax} steps (seeded), and then
 *       only if the agent is still wrong; stays silent with probability {@link Settings#silence}, and says nothing
 *       more once {@link Settings#budget} corrections are spent;</li>
 *   <li>says the oracle's command in varied words: "no, go left", "left!", "a bit more to the left", "go up a lot",
 *       "not left, right", "no, lava! go down", with the value's synonyms ("west") and, with probability
 *       {@link Settings#typos}, a typo ("lfet") — the parser must cope, as with a person.</li>
 * </ul>
 * With no reaction delay a correction said after step k overrides step k+1.
 *
 * <p>Plugging it into a session (one operator per episode, as one game is one episode):
 * <pre>{@code
 * SimGame game = SimGame.of(seed, difficulty, goal, limit);
 * OperatorInbox inbox = new OperatorInbox();
 * SimulatedOperator operator = new SimulatedOperator(game, new Oracle(library), new CorrectionParser(library), inbox,
 *         SimulatedOperator.Settings.defaults(), seed);
 * AgentLoop loop = AgentLoop.builder().target(new SimGameTarget(game)).inbox(inbox).listener(operator) ... .build();
 * loop.run();
 * operator.corrections();   // how many it said; operator.said() has each with what the parser understood
 * }</pre>
 * The corrected steps are the loop's steps with {@code decision().by() == "operator"} and {@code correction()} set: a
 * training example is that step's observation and command. Runs on the loop's thread; not thread-safe otherwise.
 */
public final class SimulatedOperator implements StepListener {

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
    private int noticed;
    private int silent;
    private int idle;
    /** The step at which a noticed mistake will be answered, or -1. */
    private long answerAt = -1;

    public SimulatedOperator(SimGame game, Oracle oracle, CorrectionParser parser, OperatorInbox inbox, Settings settings, long seed) {
        this.game = game;
        this.oracle = oracle;
        this.parser = parser;
        this.inbox = inbox;
        this.settings = settings;
        this.random = new Random(seed);
    }

    @Override
    public void onStep(Step step, Observation observation) {
        if (game.outcome().finished() || "operator".equals(step.decision().by())) {
            idle = 0;
            return;
        }
        Goal goal = game.goal();
        SkillCall best = oracle.act(game, goal);
        String reason = mistake(step.command(), best, goal);
        if (reason == null) {
            answerAt = -1;
            return;
        }
        if (answerAt < 0) {
            noticed++;
            if (said.size() >= settings.budget() || random.nextDouble() < settings.silence()) {
                silent++;
                return;
            }
            answerAt = step.index() + settings.reactionMin() + random.nextInt(settings.reactionMax() - settings.reactionMin() + 1);
        }
        if (step.index() < answerAt) {
            return;
        }
        answerAt = -1;
        String text = phrase(best, step.command(), reason);
        Understanding u = parser.parse(text);
        said.add(new Utterance(step.index(), text, u, step.command(), best, reason));
        log.debug("sim operator after step {}: agent {} {}; oracle {}; says \"{}\" -> {}", step.index(), step.command(), reason, best, text, u.kind());
        u.toIntervention(CHANNEL).ifPresent(inbox::submit);
    }

    /** Why the agent's command matters, or null when it does not: only direction counts, never the amount. */
    String mistake(SkillCall agent, SkillCall best, Goal goal) {
        Optional<Oracle.Motion> want = oracle.motion(best);
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
        if (m.dx() == want.get().dx() && m.dy() == want.get().dy()) {
            return null;
        }
        Oracle.Preview carryOn = Oracle.preview(game, m);
        if (carryOn.lava()) {
            return "heads into lava";
        }
        if (carryOn.moved() < 3) {
            return "runs into a wall";
        }
        int now = oracle.stepsToTarget(game, goal, game.playerX(), game.playerY());
        int then = oracle.stepsToTarget(game, goal, carryOn.x(), carryOn.y());
        if (now >= 0 && (then < 0 || then > now)) {
            return "moves away from the target";
        }
        return null;
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

    /** Everything it said this episode, in order. */
    public List<Utterance> said() {
        return List.copyOf(said);
    }

    /** Corrections said this episode. */
    public int corrections() {
        return said.size();
    }

    /** Mistakes that mattered, said or not. */
    public int noticed() {
        return noticed;
    }

    /** Mistakes it let pass without a word (by chance or because the budget was spent). */
    public int silent() {
        return silent;
    }
}
