package dev.embody.learning;

import dev.embody.loop.Observation;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.planning.PolicyInput;
import dev.embody.skill.SkillCall;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns steps into training examples as the loop runs: every step the operator corrected (the correction's command,
 * on the observation it corrected), and, when demonstrators are named, every step one of them decided.
 */
public final class ExampleCollector implements StepListener {

    private final Set<String> demonstrators;
    private final String origin;
    private final List<Example> examples = new ArrayList<>();
    private SkillCall previous;

    /** @param demonstrators the decision makers whose steps are demonstrations ("oracle", "person"); empty: corrections only */
    public ExampleCollector(Set<String> demonstrators, String origin) {
        this.demonstrators = demonstrators;
        this.origin = origin;
    }

    public static ExampleCollector corrections(String origin) {
        return new ExampleCollector(Set.of(), origin);
    }

    @Override
    public synchronized void onStep(Step step, Observation observation) {
        Example.Source source = null;
        if (step.correction() != null && "operator".equals(step.decision().by())) {
            source = Example.Source.CORRECTION;
        } else if (demonstrators.contains(step.decision().by())) {
            source = Example.Source.DEMONSTRATION;
        }
        if (source != null) {
            PolicyInput in = PolicyInput.of(observation.frame(), step.task(), previous, step.scene().width(), step.scene().height());
            examples.add(new Example(in, step.command().toString(), source,
                    source == Example.Source.CORRECTION ? Example.CORRECTION_WEIGHT : 1f, origin + "#" + step.index()));
        }
        previous = step.command();
    }

    /** The examples so far, and starts afresh. */
    public synchronized List<Example> take() {
        List<Example> out = List.copyOf(examples);
        examples.clear();
        previous = null;
        return out;
    }
}
