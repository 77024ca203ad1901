package dev.embody.cli;

import dev.embody.learning.Checkpoint;
import dev.embody.learning.Checkpoints;
import dev.embody.learning.EpisodeExamples;
import dev.embody.learning.Example;
import dev.embody.learning.FineTuneRound;
import dev.embody.learning.Fit;
import dev.embody.learning.Gate;
import dev.embody.learning.HeldOutEpisodes;
import dev.embody.learning.InputChoice;
import dev.embody.planning.InputSpec;
import dev.embody.learning.RuleChoice;
import dev.embody.bench.Improvement;
import dev.embody.profile.Arena;
import dev.embody.learning.Trainer;
import dev.embody.loop.Modules;
import dev.embody.profile.Profile;
import dev.embody.planning.LearnedPolicy;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune the learned policy on recorded episodes (demonstrations and corrections), write a new checkpoint, gate it on held-out seeds, and put it in use if it is not worse.")
final class TrainCommand implements Callable<Integer> {

    /** Epochs without a better held-out agreement before training stops. */
    static final int PATIENCE = 10;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    TargetSelection targetSelection;
    @Option(names = "--episodes-dir", defaultValue = "episodes", description = "Where the episodes are (default: ${DEFAULT-VALUE}).")
    Path episodesDir;
    @Option(names = "--checkpoints", defaultValue = "checkpoints", description = "(default: ${DEFAULT-VALUE})")
    Path checkpointsDir;
    @Option(names = "--from", description = "Start from this checkpoint, or 'untrained' (default: the one in use, else untrained).")
    String from;
    @Option(names = "--epochs", defaultValue = "60", description = "Passes over the training examples at most; with held-out episodes "
            + "training stops after " + PATIENCE + " epochs without a better held-out agreement and keeps the best (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--train-steps", description = "Optimizer steps at most (default: as many as the epochs take).")
    Integer trainSteps;
    @Option(names = "--gate-episodes", defaultValue = "10", description = "Held-out episodes the gate plays (sim-game); 0 adopts without a gate (default: ${DEFAULT-VALUE}).")
    int gateEpisodes;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.whole("--epochs", epochs, 1, Integer.MAX_VALUE);
        if (trainSteps != null) {
            o.whole("--train-steps", trainSteps, 1, Integer.MAX_VALUE);
        }
        o.whole("--gate-episodes", gateEpisodes, 0, Integer.MAX_VALUE);
        try (Profile profile = targetSelection.profile(spec)) {
            return train(profile);
        }
    }

    /** "input: normalised per channel over N training steps (means a..b, spreads c..d)". */
    static String normalisedLine(InputSpec spec, int steps) {
        InputSpec.Normalisation n = spec.normalisation();
        if (n == null) {
            return "input: levels over 255 (no training step was read for it to normalise by)";
        }
        var means = n.mean().stream().mapToDouble(Double::doubleValue).summaryStatistics();
        var spreads = n.std().stream().mapToDouble(Double::doubleValue).summaryStatistics();
        return String.format(Locale.ROOT, "input: each of its %d channels centred and scaled by its mean and spread over %d training steps "
                + "(means %.2f..%.2f, spreads %.2f..%.2f)", n.mean().size(), steps, means.getMin(), means.getMax(), spreads.getMin(), spreads.getMax());
    }

    private int train(Profile profile) throws Exception {
        String target = profile.name();
        SkillLibrary library = profile.skills();
        Checkpoints store = profile.checkpoints(checkpointsDir);
        // the checkpoint in use, or the newest that loads (as live --policy learned picks it)
        Optional<Checkpoint> incumbent = profile.loadInUse(store).map(l -> {
            l.policy().close();
            return l.checkpoint();
        });
        LearnedPolicy start;
        String parent = null;
        // the held-out episodes are never trained on: they tell whether the policy generalises, stop training, and gate
        java.util.Set<String> held = HeldOutEpisodes.heldOutIds(episodesDir, target);
        String inputWhy;
        if ("untrained".equals(from) || (from == null && incumbent.isEmpty())) {
            if (profile.choosesInput()) {
                // nothing declared: the input is read off the demonstrations (where the screen changes, how small what changes is)
                InputChoice chosen = InputChoice.fromEpisodes(episodesDir, target, e -> !held.contains(e.id()), profile.inputSpec().words());
                System.out.println(chosen.line());
                start = profile.untrained(library, 1, chosen.spec());
                inputWhy = "chosen";
            } else {
                start = profile.untrained(library, 1);
                inputWhy = profile.declaredRules() != null ? "declared" : "profile";
                System.out.println("input: " + start.spec() + (profile.declaredRules() != null
                        ? " (declared by the calibration's policy.input, not chosen from the demonstrations)" : " (the " + target + " profile's)"));
            }
        } else {
            Checkpoint c = from == null ? incumbent.get() : store.find(from).orElseThrow(() ->
                    new ParameterException(spec.commandLine(), "no checkpoint '" + from + "' under " + store.root()));
            start = profile.load(store, c);
            parent = c.version();
            if (!start.commands().equals(LearnedPolicy.names(library))) {
                start = start.grownTo(library);
            }
            inputWhy = "kept";
            System.out.println("input: " + start.spec() + " (kept from " + c.version() + ": a fine-tune reads what its checkpoint was trained on)");
        }
        EpisodeExamples.Collected collected, heldOut;
        try (Modules modules = profile.modules(library)) {
            // frames are perceived again by the profile's own information gathering: the scene is not recorded whole
            collected = EpisodeExamples.collect(episodesDir, target, modules.gathering(), start.spec(), e -> !held.contains(e.id()));
            heldOut = EpisodeExamples.collect(episodesDir, target, modules.gathering(), start.spec(), e -> held.contains(e.id()));
        }
        List<Example> examples = collected.examples();
        if (!"kept".equals(inputWhy) && profile.normalisesInput() && !examples.isEmpty()) {
            // declared: the input is read centred and scaled by its training steps' statistics, kept in the checkpoint
            InputSpec normalised = InputChoice.normalised(start.spec(), examples);
            start.close();
            start = profile.untrained(library, 1, normalised);
            System.out.println(normalisedLine(normalised, examples.size()));
        }
        long corrections = examples.stream().filter(e -> e.source() == Example.Source.CORRECTION).count();
        for (var bad : collected.skipped()) {
            System.err.println("warning: skipped an episode that does not read: " + bad.getMessage());
        }
        String skipped = collected.skipped().isEmpty() ? "" : ", " + collected.skipped().size() + " episode"
                + (collected.skipped().size() == 1 ? "" : "s") + " skipped (named above)";
        if (examples.isEmpty()) {
            System.err.println("error: no demonstrations or corrections for " + target + " in " + episodesDir + skipped
                    + " (record some with ./run live --policy oracle, or correct the agent during ./run live)");
            start.close();
            return Main.FAILED;
        }
        System.out.printf(Locale.ROOT, "dataset: %d examples from %d episodes in %s (%d demonstration steps, %d corrections)%s%n", examples.size(),
                collected.episodes(), episodesDir, examples.size() - corrections, corrections, skipped);
        System.out.printf(Locale.ROOT, "held out: %d examples from %d episodes (never trained on)%n", heldOut.examples().size(), heldOut.episodes());
        // batches sized to the data: a few demonstrations still make several steps an epoch
        int batch = Math.max(16, Math.min(64, examples.size() / 4));
        Trainer.Options options = new Trainer.Options(epochs, batch, 3e-3f, trainSteps == null ? Integer.MAX_VALUE : trainSteps, 1).fitted(PATIENCE);
        FineTuneRound.Trained t = FineTuneRound.train(start, examples, heldOut.examples(), options, System.err, start.rules());
        Trainer.Result r = t.result();
        System.out.printf(Locale.ROOT, "trained %d epochs (%d steps) on %d examples%s%n", r.epochs(), r.steps(), r.examples(), r.keptEpoch() == 0
                ? ", kept the last (no held-out episodes to choose by)"
                : ", kept epoch " + r.keptEpoch() + (r.bestEpoch() == 0 ? " (the last: no epoch did better on held-out steps than always giving "
                + "their commonest command)" : r.keptEpoch() == r.bestEpoch() ? " (best held-out agreement)"
                : " (held-out agreement within a standard error of the best, epoch " + r.bestEpoch() + ")") + ("no gain".equals(r.stopped())
                ? "; stopped after " + PATIENCE + " epochs without gain" : ""));
        Fit trainFit = t.training(), heldFit = t.heldOut();
        System.out.println("fit on training episodes: " + trainFit.line());
        System.out.println("fit on held-out episodes: " + (heldFit.agreement().trials() > 0 ? heldFit.line()
                : "none held out (" + HeldOutEpisodes.FEWEST + " teaching episodes or more hold 1 in " + HeldOutEpisodes.EVERY + " out)"));
        if (profile.declaredRules() != null) {
            // how the policy picks, from what the person did (a declaration in the calibration wins)
            RuleChoice rc = RuleChoice.choose(profile.policyRules(), profile.declaredRules(), examples, trainFit);
            System.out.println(rc.line());
            t = t.picking(rc.rules());
        }
        List<String> advice = Fit.advice(trainFit, heldFit);
        if (advice.isEmpty()) {
            System.out.println("fit: the policy fits its training steps" + (heldFit.agreement().trials() > 0
                    ? " and does better than the majority class on held-out ones" : ""));
        }
        advice.forEach(System.out::println);
        if (!trainFit.fits() && "no gain".equals(r.stopped())) {
            // more epochs would be cut short the same way: the held-out episodes stopped it
            System.out.printf(Locale.ROOT, "  note: training stopped at epoch %d, %d epochs after the best held-out agreement; if the held-out "
                    + "episodes are unlike the training ones, mark them with ./run episodes edit ID --split train|heldout%n", r.epochs(),
                    r.epochs() - r.bestEpoch());
        }
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("corrections", corrections);
        about.put("input", inputWhy);
        dev.embody.loop.ProgressBar gateBar = dev.embody.loop.ProgressBar.of(System.err, "gate", "episode", gateEpisodes);
        Optional<Gate> gate = profile.gate(library, gateEpisodes, episodesDir, (d, t2) -> gateBar.update(d, t2, ""));
        String noGate = gate.isEmpty() && gateEpisodes > 0
                ? "adopted (no simulator and no held-out episodes of " + target + " to gate it on: record more, 1 in "
                + HeldOutEpisodes.EVERY + " is held out, from " + HeldOutEpisodes.FEWEST + " on)"
                : FineTuneRound.NO_GATE;
        FineTuneRound.Outcome done = new FineTuneRound(store, library.version()).settle(t, gate.orElse(null), scorer -> {
            if (incumbent.isEmpty()) {
                return null;
            }
            try (LearnedPolicy old = profile.load(store, incumbent.get())) {
                return scorer.score(old);
            }
        }, parent, about, noGate);
        gateBar.done();
        System.out.printf(Locale.ROOT, "%s: loss %.3f -> %.3f in %.1f s on %s, %s; in use: %s%n", done.checkpoint().version(), r.firstLoss(), r.lastLoss(),
                r.seconds(), r.device(), done.says(), store.current().map(Checkpoint::version).orElse("-"));
        if (done.policy() != null) {
            done.policy().close();
        }
        start.close();
        return Main.OK;
    }
}
