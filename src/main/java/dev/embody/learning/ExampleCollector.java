package dev.embody.learning;

import dev.embody.loop.Observation;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.loop.Task;
import dev.embody.planning.InputSpec;
import dev.embody.planning.PolicyEncoder;
import dev.embody.planning.PolicyInput;
import dev.embody.skill.SkillCall;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns steps into training examples as the loop runs: every step the operator corrected (the correction's command,
 * on the observation it corrected); when demonstrators are named, every step one of them decided; and, when the
 * operator is known to be watching ({@link #withApproval}), the policy's own steps the operator let pass.
 */
public final class ExampleCollector implements StepListener {

    private final Set<String> demonstrators;
    private final String origin;
    private final PolicyEncoder encoder;
    private final List<Example> examples = new ArrayList<>();
    private SkillCall previous;
    private Supplier<Task> teacherTask;
    private Task taskForNext;
    /** Steps the policy decided, held back until {@link #approvalMargin} more steps pass without a correction. */
    private final Deque<Pending> pending = new ArrayDeque<>();
    private int approvalMargin = -1;
    private float approvalWeight;
    private java.util.function.LongPredicate approves = step -> true;
    private int approved;

    private record Pending(long step, Example example) {
    }

    /**
     * @param spec          what the policy reads: examples are read by the same encoder as the live policy's, fed every step
     * @param demonstrators the decision makers whose steps are demonstrations ("oracle", "person"); empty: corrections only
     */
    public ExampleCollector(InputSpec spec, Set<String> demonstrators, String origin) {
        this.encoder = new PolicyEncoder(spec);
        this.demonstrators = demonstrators;
        this.origin = origin;
    }

    public static ExampleCollector corrections(InputSpec spec, String origin) {
        return new ExampleCollector(spec, Set.of(), origin);
    }

    /**
     * Labels from a teacher who picks its own target (the simulator's oracle goes for the nearest coin from where the
     * player is now) are stored with the teacher's task, so an example's target and its label agree. The supplier is
     * asked after each step, which is when the teacher judges what to do from the situation the next step observes.
     */
    public ExampleCollector withTeacherTask(Supplier<Task> task) {
        this.teacherTask = task;
        return this;
    }

    /**
     * Also keeps the policy's own steps that the watching operator let pass, labelled with the policy's command at
     * {@code weight}: a step counts as approved once {@code margin} more steps went by without a correction; the
     * {@code margin} steps before a correction (those that led into the mistake) and the last {@code margin} steps of
     * an episode are dropped. Only for an operator who is watching: silence from an empty room approves nothing.
     */
    public ExampleCollector withApproval(int margin, float weight) {
        return withApproval(margin, weight, step -> true);
    }

    /**
     * As {@link #withApproval(int, float)}, for an operator who says which steps they would have taken themselves
     * (asked {@code margin} steps later, so the operator has seen the step): only those count as approved.
     */
    public ExampleCollector withApproval(int margin, float weight, java.util.function.LongPredicate approves) {
        if (margin < 0 || weight <= 0) {
            throw new IllegalArgumentException("approval margin must be >= 0 steps and weight > 0, got " + margin + ", " + weight);
        }
        this.approvalMargin = margin;
        this.approvalWeight = weight;
        this.approves = approves;
        return this;
    }

    /** Examples collected and not yet taken. */
    public synchronized int pending() {
        return examples.size();
    }

    @Override
    public synchronized void onStep(Step step, Observation observation) {
        Example.Source source = null;
        String by = step.decision().by();
        boolean corrected = step.correction() != null && "operator".equals(by);
        if (corrected) {
            source = Example.Source.CORRECTION;
        } else if (demonstrators.contains(by)) {
            source = Example.Source.DEMONSTRATION;
        }
        if (corrected) {
            pending.clear();
        }
        // every step feeds the encoder, so an example's frame stack is the one the policy saw
        Task task = source != null && taskForNext != null ? taskForNext : step.task();
        PolicyInput in = encoder.encode(observation.index(), observation.frame(), task, previous, step.scene());
        if (source != null) {
            examples.add(new Example(in, step.command().toString(), source,
                    source == Example.Source.CORRECTION ? Example.CORRECTION_WEIGHT : 1f, origin + "#" + step.index()));
        } else if (approvalMargin >= 0 && !"operator".equals(by)) {
            // the policy's own target: it is the one the policy acted on
            pending.addLast(new Pending(step.index(),
                    new Example(in, step.command().toString(), Example.Source.APPROVAL, approvalWeight, origin + "#" + step.index())));
        }
        while (pending.size() > Math.max(approvalMargin, 0)) {
            Pending p = pending.removeFirst();
            if (approves.test(p.step())) {
                examples.add(p.example());
                approved++;
            }
        }
        previous = step.command();
        taskForNext = teacherTask == null ? null : teacherTask.get();
    }

    /** Steps kept as approved so far. */
    public synchronized int approved() {
        return approved;
    }

    /**
     * The examples made since the last call, keeping the episode going (the frame stack, the previous command, steps
     * waiting for approval): a fleet agent sends each example as soon as it is made.
     */
    public synchronized List<Example> drain() {
        List<Example> out = List.copyOf(examples);
        examples.clear();
        return out;
    }

    /** The examples so far, and starts afresh (steps still waiting for approval are dropped: the episode ended). */
    public synchronized List<Example> take() {
        List<Example> out = List.copyOf(examples);
        examples.clear();
        pending.clear();
        previous = null;
        taskForNext = null;
        return out;
    }
}
