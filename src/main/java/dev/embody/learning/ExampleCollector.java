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
    private java.util.function.Supplier<dev.embody.loop.Task> teacherTask;
    private dev.embody.loop.Task taskForNext;

    /** @param demonstrators the decision makers whose steps are demonstrations ("oracle", "person"); empty: corrections only */
    public ExampleCollector(Set<String> demonstrators, String origin) {
        this.demonstrators = demonstrators;
        this.origin = origin;
    }

    public static ExampleCollector corrections(String origin) {
        return new ExampleCollector(Set.of(), origin);
    }

    /**
     * Labels from a teacher who picks its own target (the simulator's oracle goes for the nearest coin from where the
     * player is now) are stored with the teacher's task, so an example's target and its label agree. The supplier is
     * asked after each step, which is when the teacher judges what to do from the situation the next step observes.
     */
    public ExampleCollector withTeacherTask(java.util.function.Supplier<dev.embody.loop.Task> task) {
        this.teacherTask = task;
        return this;
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
            dev.embody.loop.Task task = taskForNext != null ? taskForNext : step.task();
            PolicyInput in = PolicyInput.of(observation.frame(), task, previous, step.scene().width(), step.scene().height());
            examples.add(new Example(in, step.command().toString(), source,
                    source == Example.Source.CORRECTION ? Example.CORRECTION_WEIGHT : 1f, origin + "#" + step.index()));
        }
        previous = step.command();
        taskForNext = teacherTask == null ? null : teacherTask.get();
    }

    /** The examples so far, and starts afresh. */
    public synchronized List<Example> take() {
        List<Example> out = List.copyOf(examples);
        examples.clear();
        previous = null;
        taskForNext = null;
        return out;
    }
}
