package dev.embody.learning;

import dev.embody.loop.Rate;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.PolicyRules;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One fine-tune round: train a candidate from a policy, measure its fit, judge it with the gate, write it as the next
 * checkpoint with one metrics map, and put it in use when the gate adopts it. {@code train}, live's periodic training,
 * the fleet's trainer and {@code improve} all run it; nothing else in the product asks a gate or writes a checkpoint
 * (FineTuneRoundTest scans the sources for it).
 */
public final class FineTuneRound {

    /** The verdict when there is no gate. */
    public static final String NO_GATE = "adopted (no gate)";

    /**
     * A candidate as training left it.
     *
     * @param training its fit on the examples it trained on; null when fit was not asked for
     * @param heldOut  its fit on the held-out examples (0 steps: none held out); null when fit was not asked for
     */
    public record Trained(LearnedPolicy candidate, Trainer.Result result, Fit training, Fit heldOut) {
        /** The same round with the candidate picking by other rules (train's rule choice). */
        public Trained picking(PolicyRules rules) {
            return new Trained(candidate.as(candidate.version(), rules), result, training, heldOut);
        }
    }

    /** The rate of the policy in use on the gate's scorer; null when none is in use. */
    public interface Incumbent {
        Rate score(Gate.Scorer scorer) throws Exception;
    }

    /**
     * How the round ended.
     *
     * @param checkpoint the checkpoint written; null when {@code mayWrite} said no after judging (the fleet lost its lease)
     * @param adopted    whether the gate adopted it (it is then in use)
     * @param verdict    the gate's verdict; null without a gate
     * @param says       the verdict in words (the gate's, or the words given for no gate)
     * @param policy     the adopted policy, named after its checkpoint; null when rejected (the candidate is then closed)
     */
    public record Outcome(Checkpoint checkpoint, boolean adopted, Gate.Verdict verdict, String says, LearnedPolicy policy,
                          Map<String, Object> metrics) {
        public Rate score() {
            return verdict == null ? null : verdict.candidate();
        }
    }

    private final Checkpoints checkpoints;
    private final String skillsVersion;
    private final boolean success;

    public FineTuneRound(Checkpoints checkpoints, String skillsVersion) {
        this(checkpoints, skillsVersion, false);
    }

    private FineTuneRound(Checkpoints checkpoints, String skillsVersion, boolean success) {
        this.checkpoints = checkpoints;
        this.skillsVersion = skillsVersion;
        this.success = success;
    }

    /**
     * Rounds whose gate scores success on held-out seeds (improve's): the score is also written as
     * {@code success_heldout}, which {@code policy list} shows as success rather than agreement.
     */
    public FineTuneRound scoringSuccess() {
        return new FineTuneRound(checkpoints, skillsVersion, true);
    }

    public Checkpoints checkpoints() {
        return checkpoints;
    }

    /**
     * Trains a candidate from {@code base} (not closed).
     *
     * @param heldOut examples never trained on: they choose the epoch kept and the candidate's fit is measured on both
     *                sets; null: train on {@code examples} alone, no fit measured
     * @param bar     where the progress bar goes; null: none
     */
    public static Trained train(LearnedPolicy base, List<Example> examples, List<Example> heldOut, Trainer.Options options,
                                PrintStream bar, PolicyRules rules) {
        Trainer.Result r = new Trainer(options, bar).train(base, examples, heldOut == null ? List.of() : heldOut, (s, t, l) -> { });
        LearnedPolicy candidate = new LearnedPolicy(r.net(), r.commands(), "candidate", rules);
        if (heldOut == null) {
            return new Trained(candidate, r, null, null);
        }
        return new Trained(candidate, r, Fit.of(candidate, examples), Fit.of(candidate, heldOut));
    }

    /** As {@link #settle(Trained, Gate, Incumbent, String, Map, String, BooleanSupplier)}, writing whatever the verdict. */
    public Outcome settle(Trained t, Gate gate, Incumbent incumbent, String parent, Map<String, Object> about, String noGate) throws Exception {
        return settle(t, gate, incumbent, parent, about, noGate, () -> true);
    }

    /**
     * Judges the candidate, writes it as the next checkpoint and puts it in use when adopted.
     *
     * @param gate     null: adopted without one
     * @param parent   the checkpoint it was trained from; null for none
     * @param about    what the round was on (corrections, replayed examples, the fleet's round...), in the metrics after
     *                 the training figures (a key there replaces the training figure of that name)
     * @param noGate   the verdict in words when there is no gate
     * @param mayWrite asked after judging: false leaves no checkpoint (the candidate is closed)
     */
    public Outcome settle(Trained t, Gate gate, Incumbent incumbent, String parent, Map<String, Object> about, String noGate,
                          BooleanSupplier mayWrite) throws Exception {
        LearnedPolicy candidate = t.candidate();
        try {
            Gate.Verdict v = null;
            if (gate != null) {
                v = gate.judge(candidate, incumbent == null ? null : incumbent.score(gate.scorer()));
            }
            boolean adopt = v == null || v.adopt();
            String says = v == null ? noGate : v.toString();
            Map<String, Object> metrics = metrics(t, about, v, gate, says, adopt);
            if (success && v != null) {
                metrics.put("success_heldout", v.candidate().value());
                metrics.put("success_heldout_95ci", List.of(v.candidate().low(), v.candidate().high()));
                metrics.put("heldout_episodes", v.candidate().trials());
            }
            if (!mayWrite.getAsBoolean()) {
                candidate.close();
                return new Outcome(null, false, v, says, null, metrics);
            }
            Checkpoint c = checkpoints.write(candidate, skillsVersion, parent, metrics);
            if (!adopt) {
                candidate.close();
                return new Outcome(c, false, v, says, null, metrics);
            }
            checkpoints.use(c.version());
            return new Outcome(c, true, v, says, candidate.as(c.version(), candidate.rules()), metrics);
        } catch (Exception | Error e) {
            candidate.close();
            throw e;
        }
    }

    /**
     * A checkpoint no training made (the fleet's untrained first policy) or that no gate judges (improve's second-task
     * arm), written through the round all the same, so the round stays the one writer.
     */
    public Checkpoint keep(LearnedPolicy policy, String parent, Map<String, Object> metrics, boolean use) throws IOException {
        Checkpoint c = checkpoints.write(policy, skillsVersion, parent, metrics);
        if (use) {
            checkpoints.use(c.version());
        }
        return c;
    }

    /** The one metrics map: training figures, what the round was on, the candidate's fit, the gate's figures. */
    private static Map<String, Object> metrics(Trained t, Map<String, Object> about, Gate.Verdict v, Gate gate, String says, boolean adopt) {
        Trainer.Result r = t.result();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss_first", r.firstLoss());
        m.put("loss_last", r.lastLoss());
        m.put("train_s", r.seconds());
        m.put("train_steps", r.steps());
        m.put("examples", r.examples());
        if (t.training() != null) {
            m.put("epochs", r.epochs());
            m.put("best_epoch", r.bestEpoch());
            m.put("kept_epoch", r.keptEpoch());
        }
        m.putAll(about);
        if (t.training() != null) {
            putFit(m, "train", t.training());
            putFit(m, "heldout_episodes", t.heldOut());
        }
        if (v != null) {
            Rate s = v.candidate();
            m.put("score_heldout", s.value());
            m.put("score_heldout_95ci", List.of(s.low(), s.high()));
            m.put("score_heldout_n", s.trials());
            // the fleet's next holder takes the score up again from these (a rate, not only its value)
            m.put("score_hits", s.hits());
            m.put("score_trials", s.trials());
            m.put("gate_what", gate.scorer().what());
        }
        m.put("gate", says);
        m.put("adopted", adopt);
        return m;
    }

    private static void putFit(Map<String, Object> metrics, String where, Fit f) {
        if (f.agreement().trials() == 0) {
            return;
        }
        metrics.put("agreement_" + where, f.agreement().value());
        metrics.put("agreement_" + where + "_95ci", List.of(f.agreement().low(), f.agreement().high()));
        metrics.put("agreement_" + where + "_n", f.agreement().trials());
        metrics.put("majority_" + where, f.majority().value());
        metrics.put("majority_command_" + where, f.command());
    }
}
