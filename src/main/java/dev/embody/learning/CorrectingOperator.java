package dev.embody.learning;

import dev.embody.loop.Decision;
import dev.embody.loop.Intervention;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.skill.SkillCall;

import java.util.Objects;

/**
 * A minimal simulated operator for the learning benchmark: it watches each step next to the oracle and, when the agent's
 * command was wrong in a way that matters (another skill, another direction, or a longer move than the right one), it
 * tells the loop the right command for the situation the agent is now in; the loop applies it at the next step, where
 * it becomes a training example. Bounded by a budget per episode.
 */
public final class CorrectingOperator implements StepListener {

    private final Watched watched;
    private final PlannerOracle oracle;
    private final OperatorInbox inbox;
    private final int budget;
    private int said;

    public CorrectingOperator(Watched watched, PlannerOracle oracle, OperatorInbox inbox, int budget) {
        this.watched = watched;
        this.oracle = oracle;
        this.inbox = inbox;
        this.budget = budget;
    }

    /** The agent's policy, with what the oracle would have done at the same moment kept beside each decision. */
    public static final class Watched implements Policy {
        private final Policy agent;
        private final Policy oracle;
        private volatile Decision lastRight;
        private volatile PlanningContext lastContext;

        public Watched(Policy agent, Policy oracle) {
            this.agent = agent;
            this.oracle = oracle;
        }

        @Override
        public Decision plan(PlanningContext ctx) {
            lastRight = oracle.plan(ctx);
            lastContext = ctx;
            return agent.plan(ctx);
        }

        @Override
        public String name() {
            return agent.name();
        }
    }

    @Override
    public void onStep(Step step, Observation observation) {
        Decision right = watched.lastRight;
        if (right == null || said >= budget || step.correction() != null || step.outcome().finished()) {
            return;
        }
        if (!matters(step.command(), right.call())) {
            return;
        }
        // the game has moved on: say what is right from here, for the same task
        PlanningContext then = watched.lastContext;
        PlanningContext now = new PlanningContext(observation, step.scene(), step.task(), step.reflection(), then.candidates(), step.command(), then.notes());
        SkillCall say = oracle.plan(now).call();
        said++;
        inbox.submit(Intervention.command(say, "no, " + say, "sim-operator"));
    }

    /** Another skill, another direction, or a longer move than the right one; a shorter move is only slow. */
    static boolean matters(SkillCall agent, SkillCall right) {
        if (!agent.skill().equals(right.skill()) || !Objects.equals(agent.arg("direction"), right.arg("direction"))) {
            return true;
        }
        return rank(agent.arg("amount")) > rank(right.arg("amount"));
    }

    private static int rank(String amount) {
        return amount == null ? 0 : switch (amount) {
            case "small" -> 1;
            case "medium" -> 2;
            case "large" -> 3;
            default -> 0;
        };
    }

    public int said() {
        return said;
    }
}
