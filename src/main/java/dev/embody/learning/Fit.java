package dev.embody.learning;

import dev.embody.loop.Rate;
import dev.embody.planning.LearnedPolicy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How well a learned policy fits recorded steps a person, a demonstrator or the operator decided: how often its
 * greedy choice (the likeliest command of its network, on the input its own encoder built) is the command recorded,
 * beside the majority class (always giving the most common command, e.g. always waiting), and on the steps that were
 * not the majority command (a policy that only waits scores the majority there and 0 here).
 *
 * @param agreement the policy's choice is the recorded command
 * @param majority  the most common recorded command is (what always giving it would score)
 * @param command   that most common command
 * @param others    the policy's agreement on the steps whose command was not the most common one
 * @param changes   its agreement on the steps where the recorded command differs from the one before it (repeating the
 *                  previous command scores 0 there): a policy that repeats what it sees done agrees at most steps yet
 *                  at none of these, and at run time never changes on its own
 */
public record Fit(Rate agreement, Rate majority, String command, Rate others, Rate changes) {

    /** Below this agreement on its own training steps a policy does not fit what it was shown. */
    public static final double FITS = 0.9;
    /** Below this agreement where the person changed command, the policy mostly repeats what it sees done. */
    public static final double REPEATS_ONLY = 0.5;

    /** The policy's fit on examples (none: every rate 0/0). */
    public static Fit of(LearnedPolicy policy, List<Example> examples) {
        List<Example> usable = examples.stream().filter(e -> policy.spec().matches(e.input())).toList();
        if (usable.isEmpty()) {
            return new Fit(new Rate(0, 0), new Rate(0, 0), "-", new Rate(0, 0), new Rate(0, 0));
        }
        Map<String, Integer> counts = new HashMap<>();
        usable.forEach(e -> counts.merge(e.label(), 1, Integer::sum));
        // the most common command; on a tie, the first by name, so the figure does not depend on hash order
        String most = null;
        for (var c : new java.util.TreeMap<>(counts).entrySet()) {
            if (most == null || c.getValue() > counts.get(most)) {
                most = c.getKey();
            }
        }
        long hits = 0, otherHits = 0, others = 0, changeHits = 0, changes = 0;
        for (int from = 0; from < usable.size(); from += 256) {
            List<Example> part = usable.subList(from, Math.min(usable.size(), from + 256));
            float[][] p = policy.probabilities(part.stream().map(Example::input).toList());
            for (int i = 0; i < part.size(); i++) {
                boolean agrees = policy.commands().get(likeliest(p[i])).equals(part.get(i).label());
                hits += agrees ? 1 : 0;
                if (!part.get(i).label().equals(most)) {
                    others++;
                    otherHits += agrees ? 1 : 0;
                }
                if (part.get(i).changesCommand()) {
                    changes++;
                    changeHits += agrees ? 1 : 0;
                }
            }
        }
        return new Fit(new Rate(hits, usable.size()), new Rate(counts.get(most), usable.size()), most, new Rate(otherHits, others),
                new Rate(changeHits, changes));
    }

    private static int likeliest(float[] p) {
        int best = 0;
        for (int j = 1; j < p.length; j++) {
            if (p[j] > p[best]) {
                best = j;
            }
        }
        return best;
    }

    /** Whether it fits: agreement at least {@link #FITS} and clearly above the majority class. */
    public boolean fits() {
        return agreement.trials() > 0 && agreement.value() >= FITS && aboveMajority();
    }

    /**
     * Whether the agreement's 95% interval lies wholly above the majority class's rate on the same steps. That rate is
     * a fact of those steps, not an estimate, so it is compared as a point (an interval against an interval would call
     * 19/20 against 12/20 "not clearly above").
     */
    public boolean aboveMajority() {
        return agreement.trials() > 0 && agreement.low() > majority.value();
    }

    /** "agreement 0.93 [0.91, 0.95] (930/1000) vs always 'wait' 0.60 [...]; on the 400 other steps 0.85 [...]". */
    public String line() {
        if (agreement.trials() == 0) {
            return "no steps";
        }
        return String.format(Locale.ROOT, "agreement %s vs always '%s' %s; on the %d steps not '%s': %s", agreement, command, majority,
                others.trials(), command, others) + (changes.trials() == 0 ? ""
                : String.format(Locale.ROOT, "; on the %d steps where the command changed: %s", changes.trials(), changes));
    }

    /**
     * What {@code train} says about a policy's fit, in words: whether it fits its training steps and generalises to the
     * held-out ones, and what to try where it does not. Empty when it fits both.
     *
     * @param heldOut its fit on held-out episodes (0 steps: none were held out)
     */
    public static List<String> advice(Fit training, Fit heldOut) {
        List<String> out = new ArrayList<>();
        if (training.agreement().trials() == 0) {
            return out;
        }
        if (!training.fits()) {
            boolean belowMajority = !training.aboveMajority();
            out.add(String.format(Locale.ROOT, "warning: the policy does not fit what it was shown: it agrees with %.2f of its own training steps%s.",
                    training.agreement().value(), belowMajority
                            ? ", not clearly above always giving '" + training.command() + "' (" + String.format(Locale.ROOT, "%.2f", training.majority().value()) + ")"
                            : " (a policy that fits agrees with at least " + FITS + ")"));
            out.add("  try: train longer (--epochs) or from untrained (--from untrained); record more demonstrations, or demonstrations "
                    + "that act the same way in the same situation (identical screens with different commands cannot be fitted); "
                    + "give the policy an input where what decides the command is visible (a crop around the action, a finer "
                    + "resolution, or a position readout in the calibration).");
        }
        if (training.changes().trials() > 0 && training.changes().value() < REPEATS_ONLY) {
            out.add(String.format(Locale.ROOT, "warning: the policy goes on as before (the previous command, the motion it sees): it agrees "
                    + "at %s of the %d training steps where the person changed command, so at run time it will hardly change on its own.",
                    training.changes(), training.changes().trials()));
            out.add("  try: demonstrations whose changes come where the screen shows why (a person who turns where a thing lines up, not at a "
                    + "place a shrunk frame blurs), an input where that is visible (crop, resolution), more demonstrations.");
        }
        if (heldOut.agreement().trials() > 0 && !heldOut.aboveMajority()) {
            out.add(String.format(Locale.ROOT, "warning: on held-out episodes the policy agrees with %.2f, not clearly above always giving '%s' (%.2f): "
                    + "it has not learned what generalises.", heldOut.agreement().value(), heldOut.command(), heldOut.majority().value()));
            out.add("  try: more demonstrations (varied situations), an input that shows what decides the command (crop, resolution, "
                    + "position readout); if training fits far better than held-out, fewer epochs or more data.");
        }
        return out;
    }
}
