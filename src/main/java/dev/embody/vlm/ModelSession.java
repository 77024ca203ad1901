package dev.embody.vlm;

import dev.embody.loop.Observation;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A session's use of the model, shared by its model-backed modules: the client and the prompts, what each module
 * last heard (the console shows the last thought and its age), how many answers were used and how many steps fell back
 * to the local module, and the calls per step (it hears every step: add it to the loop as a listener).
 */
public final class ModelSession implements StepListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelSession.class);

    private final VlmClient client;
    private final Prompts prompts;
    private final SkillProposals proposals;
    private final Map<String, ModuleTally> modules = new TreeMap<>();
    private volatile Thought last;
    private long steps;
    private final List<Long> requestsAtStep = new ArrayList<>();
    private final Map<String, Asking<?>> askings = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /** What one module heard: answers, failures, and how its steps went. */
    private static final class ModuleTally {
        long answers, bad, used, fellBack;
        String lastProblem;
    }

    /**
     * The model's last word.
     *
     * @param atMillis when it arrived (epoch ms)
     */
    public record Thought(String module, String text, long atMillis, long frame, double seconds, boolean ok) {
        public double ageSeconds() {
            return (System.currentTimeMillis() - atMillis) / 1000.0;
        }
    }

    public ModelSession(VlmClient client, Prompts prompts, SkillProposals proposals) {
        this.client = client;
        this.prompts = prompts;
        this.proposals = proposals;
    }

    public VlmClient client() {
        return client;
    }

    public Prompts prompts() {
        return prompts;
    }

    public VlmSettings settings() {
        return client.settings();
    }

    public boolean waits() {
        return client.settings().waits();
    }

    public SkillProposals proposals() {
        return proposals;
    }

    /** The one asker of a module for this session (its worker thread is the session's, closed with it). */
    @SuppressWarnings("unchecked")
    public synchronized <T> Asking<T> asking(String module) {
        return (Asking<T>) askings.computeIfAbsent(module, m -> new Asking<>(m, this));
    }

    @Override
    public void onEnd(dev.embody.loop.Outcome outcome) {
        List<Asking<?>> a;
        synchronized (this) {
            a = List.copyOf(askings.values());
        }
        a.forEach(Asking::forget);
    }

    synchronized void answered(String module, Answer a, long frame) {
        tally(module).answers++;
        String text = a.value().hasNonNull("reason") ? a.value().get("reason").asText() : VlmClient.cut(a.value().toString(), 200);
        last = new Thought(module, text, System.currentTimeMillis(), frame, a.seconds(), true);
    }

    synchronized void failed(String module, BadAnswer b, long frame) {
        if (b.kind() == BadAnswer.Kind.INTERRUPTED) {
            // the session is ending: nothing was wrong with the model
            log.debug("the {} module's call was cut short: the session is ending", module);
            return;
        }
        ModuleTally t = tally(module);
        t.bad++;
        t.lastProblem = b.summary();
        last = new Thought(module, "no usable answer: " + b.summary(), System.currentTimeMillis(), frame, Double.NaN, false);
        log.warn("the {} module got no usable answer from the model: {}; the local module decides meanwhile (log: {})",
                module, b.summary(), client.log().file());
    }

    /** A step acted on the model's answer. */
    public synchronized void used(String module) {
        tally(module).used++;
    }

    /** A step used the local module because the model's answer was bad; logged with the reason. */
    public synchronized void fellBack(String module, String why) {
        tally(module).fellBack++;
        log.info("{}: the profile's local module decided this step: {}", module, why);
    }

    /** What a module says about this step's use of the model; the step's decision carries it ({@link #takeNotes}). */
    public synchronized void note(String module, String text) {
        notes.add(module + ": " + text);
    }

    /** The notes since the last call: the policy adds them to its decision's why. */
    public synchronized List<String> takeNotes() {
        List<String> out = List.copyOf(notes);
        notes.clear();
        return out;
    }

    private ModuleTally tally(String module) {
        return modules.computeIfAbsent(module, k -> new ModuleTally());
    }

    public Thought last() {
        return last;
    }

    @Override
    public synchronized void onStep(Step step, Observation observation) {
        steps++;
        requestsAtStep.add(client.requests());
    }

    @Override
    public synchronized void onFailedStep(Step step, Observation observation) {
        onStep(step, observation);
    }

    public synchronized long steps() {
        return steps;
    }

    /** Requests sent (every try) per step heard so far. */
    public synchronized double callsPerStep() {
        return steps == 0 ? Double.NaN : client.requests() / (double) steps;
    }

    /** Requests per step over steps [from, to) of those heard (0-based, in the order heard). */
    public synchronized double callsPerStep(int from, int to) {
        to = Math.min(to, requestsAtStep.size());
        if (from >= to) {
            return Double.NaN;
        }
        long before = from == 0 ? 0 : requestsAtStep.get(from - 1);
        return (requestsAtStep.get(to - 1) - before) / (double) (to - from);
    }

    /** For the console: the last thought and its age, and the counts. */
    public synchronized Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", settings().model());
        m.put("endpoint", settings().endpoint().toString());
        m.put("mode", waits() ? "waiting (the target stands still)" : "beside the loop");
        Thought t = last;
        if (t != null) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("module", t.module());
            l.put("thought", t.text());
            l.put("ok", t.ok());
            l.put("answered_ms", t.atMillis());
            l.put("age_s", Math.round(t.ageSeconds() * 10) / 10.0);
            l.put("frame", t.frame());
            l.put("took_s", Double.isNaN(t.seconds()) ? null : Math.round(t.seconds() * 100) / 100.0);
            m.put("last", l);
        }
        m.put("calls", client.requests());
        m.put("steps", steps);
        m.put("calls_per_step", steps == 0 ? null : Math.round(client.requests() * 1000.0 / steps) / 1000.0);
        Map<String, Object> per = new LinkedHashMap<>();
        modules.forEach((k, v) -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("answers", v.answers);
            x.put("bad", v.bad);
            x.put("used", v.used);
            x.put("fell_back", v.fellBack);
            x.put("last_problem", v.lastProblem);
            per.put(k, x);
        });
        m.put("modules", per);
        m.put("proposals", proposals.all());
        return m;
    }

    /** One line for a summary: "model_calls=120 model_calls_per_step=0.52 plan: used 40, fell back 3". */
    public synchronized String summary() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "model_calls=%d model_calls_per_step=%.3f", client.requests(),
                steps == 0 ? Double.NaN : client.requests() / (double) steps));
        modules.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s_answers=%d %s_bad=%d %s_used=%d %s_fell_back=%d", k, v.answers, k, v.bad, k, v.used, k, v.fellBack)));
        return sb.toString();
    }

    @Override
    public void close() {
        List<Asking<?>> a;
        synchronized (this) {
            a = List.copyOf(askings.values());
        }
        a.forEach(Asking::close);
        client.close();
    }
}
