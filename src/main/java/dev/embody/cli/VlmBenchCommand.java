package dev.embody.cli;

import dev.embody.episode.EpisodeRunner;
import dev.embody.episode.EpisodeRecorder;
import dev.embody.learning.Distillation;
import dev.embody.learning.EpisodeExamples;
import dev.embody.learning.Trainer;
import dev.embody.loop.Goal;
import dev.embody.loop.Latency;
import dev.embody.episode.LatencyStats;
import dev.embody.loop.Modules;
import dev.embody.loop.Outcome;
import dev.embody.loop.Rate;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.AskWhenUnsure;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.VlmPolicy;
import dev.embody.planning.WithModelNotes;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.ModuleChoice;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import dev.embody.profile.SimGameProfile;
import dev.embody.bench.StandInVlm;
import dev.embody.skill.SkillLibrary;
import dev.embody.vlm.ModelSession;
import dev.embody.vlm.VlmSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The model-backed modules' figures, on the embedded game through the stand-in model server (no model exists on a
 * machine without weights): the loop's step time while the model takes 2 s an answer beside it; success with the model
 * planning; then rounds of distillation (train the learned policy on the model's recorded decisions, play with it
 * asking the model only where it is unsure, record, train again) and, on held-out levels, success and model calls per
 * step of the model alone against the distilled policy.
 */
@Command(name = "vlm", mixinStandardHelpOptions = true,
        description = "Model-backed modules on the sim game through the stand-in model server: step latency beside a 2 s model, success with the model planning, distillation (model calls per step).")
final class VlmBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--latency-steps", defaultValue = "200", description = "Steps timed in real time beside the slow model, ten times as many headless; 0 skips it (default: ${DEFAULT-VALUE}).")
    int latencySteps;
    @Option(names = "--warmup", defaultValue = "30", description = "Steps beside the slow model not timed (JIT, natives) (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--delay", defaultValue = "2", description = "Seconds the stand-in takes per answer while the step time is measured (default: ${DEFAULT-VALUE}).")
    double delay;
    @Option(names = "--episodes", defaultValue = "20", description = "Training levels per round (default: ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--rounds", defaultValue = "3", description = "Rounds: the model alone, then each with the distilled policy asking it where unsure (default: ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--eval", defaultValue = "30", description = "Held-out levels each final arm plays (default: ${DEFAULT-VALUE}).")
    int eval;
    @Option(names = "--confidence", defaultValue = "0.6", description = "The learned policy's top score from which it acts alone (default: ${DEFAULT-VALUE}).")
    double confidence;
    @Option(names = "--train-steps", defaultValue = "500", description = "Adam steps per training (default: ${DEFAULT-VALUE}).")
    int trainSteps;
    @Option(names = "--max-steps", defaultValue = "150", description = "Steps per episode at most (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    private static final Goal GOAL = new Goal("collect all coins");

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.whole("--latency-steps", latencySteps, 0, 1_000_000);
        o.whole("--warmup", warmup, 0, 1_000_000);
        o.number("--delay", delay, 0, 60, "seconds");
        o.whole("--episodes", episodes, 1, 10_000);
        o.whole("--rounds", rounds, 1, 20);
        o.whole("--eval", eval, 1, 10_000);
        o.number("--confidence", confidence, 0, 1, "a probability");
        o.whole("--train-steps", trainSteps, 1, 1_000_000);
        o.whole("--max-steps", maxSteps, 1, 100_000);
        Path root = Main.runDir().resolve("bench-vlm");
        long wall0 = System.nanoTime();
        SkillLibrary library = SimGameProfile.standard().skills();
        System.out.println("model: the stand-in server (no model weights on this machine): it decodes each image sent and answers from what it sees, "
                + "through the game's own scene parser and planner");
        try (StandInVlm model = StandInVlm.start(library)) {
            if (latencySteps > 0) {
                latency(model, library, root);
            }
            model.delay(Duration.ZERO);
            Path eps = root.resolve("episodes");
            List<String> rows = new ArrayList<>();
            LearnedPolicy learned = null;
            long seed = 1;
            for (int round = 0; round < rounds; round++) {
                Arm arm;
                if (round == 0) {
                    arm = play(model, library, root.resolve("round0-vlm"), Set.of("plan"), null, seed, episodes, eps, "round0");
                } else {
                    arm = play(model, library, root.resolve("round" + round), Set.of("plan"), learned, seed, episodes, eps, "round" + round);
                }
                seed += episodes;
                SimGameProfile profile = SimGameProfile.standard();
                EpisodeExamples.Collected c = Distillation.examples(eps, profile.name(), GameSceneParser.forSimGame(), profile.inputSpec());
                long t0 = System.nanoTime();
                if (learned != null) {
                    learned.close();
                }
                try (LearnedPolicy init = profile.untrained(library, 1)) {
                    learned = Distillation.train(init, c.examples(), new Trainer.Options(40, 64, 3e-3f, trainSteps, 1), 1, "distilled-" + (round + 1), null);
                }
                rows.add(String.format(Locale.ROOT, "%-6d %-28s %-22s %16.3f %9d %8.1f", round, round == 0 ? "the model alone" : "distilled, asks when unsure",
                        arm.success.brief(), arm.callsPerStep(), c.examples().size(), (System.nanoTime() - t0) / 1e9));
            }
            System.out.println("distillation rounds on training levels (each round then trains a fresh policy on every model decision so far):");
            System.out.println("round  who plans                    success               model_calls/step  examples  train_s");
            rows.forEach(System.out::println);
            List<Long> heldOut = new ArrayList<>();
            for (long s = SimGameProfile.HELD_OUT_SEEDS; s < SimGameProfile.HELD_OUT_SEEDS + eval; s++) {
                heldOut.add(s);
            }
            Arm alone = play(model, library, root.resolve("eval-vlm"), Set.of("plan"), null, heldOut.get(0), eval, null, null);
            Arm distilled = play(model, library, root.resolve("eval-distilled"), Set.of("plan"), learned, heldOut.get(0), eval, null, null);
            learned.close();
            System.out.printf(Locale.ROOT, "held-out (seeds %d..%d, n=%d each):%n", heldOut.get(0), heldOut.get(heldOut.size() - 1), eval);
            System.out.printf(Locale.ROOT, "  the model planning every step:  success=%s model_calls_per_step=%.3f steps=%d%n", alone.success, alone.callsPerStep(), alone.steps);
            System.out.printf(Locale.ROOT, "  distilled, asking when unsure:  success=%s model_calls_per_step=%.3f steps=%d (learned alone %d, asked %d; confidence >= %.2f)%n",
                    distilled.success, distilled.callsPerStep(), distilled.steps, distilled.confident, distilled.asked, confidence);
            boolean calls = distilled.callsPerStep() <= 0.05, success = distilled.success.value() >= alone.success.low();
            System.out.printf(Locale.ROOT, "distillation: model_calls_per_step %.3f (<= 0.05: %s); success %.2f against the model's [%.2f, %.2f] (no loss beyond the 95%% interval: %s); Cradle makes >= 4 calls a step%n",
                    distilled.callsPerStep(), calls ? "PASS" : "MISS", distilled.success.value(), alone.success.low(), alone.success.high(), success ? "PASS" : "MISS");
            System.out.printf(Locale.ROOT, "wall_s=%.1f episodes=%s vlm_logs=%s%n", (System.nanoTime() - wall0) / 1e9, eps, root);
        }
        return Main.OK;
    }

    /**
     * The loop's own time per step in real time at 10 steps a second: first with every module local (the control, on
     * the same machine at the same time of day), then with the model answering in --delay seconds beside it.
     */
    private void latency(StandInVlm model, SkillLibrary library, Path root) throws Exception {
        model.delay(Duration.ofMillis((long) (delay * 1000)));
        for (boolean realtime : new boolean[]{true, false}) {
            latency(model, library, root, realtime);
        }
    }

    private void latency(StandInVlm model, SkillLibrary library, Path root, boolean realtime) throws Exception {
        LatencyStats control;
        try (Profile local = SimGameProfile.standard()) {
            control = new LatencyStats(timed(local, library, null, realtime, new long[2]));
        }
        long[] ended = new long[2];
        ModuleChoice choice = choice(model, root.resolve("latency-" + (realtime ? "realtime" : "headless")), Set.of("plan", "task"), false);
        try (Profile profile = Profiles.choose(SimGameProfile.standard(), choice)) {
            ModelSession session = Profiles.modelSession(profile).orElseThrow();
            LatencyStats stats = new LatencyStats(timed(profile, library, session, realtime, ended));
            Map<String, Object> status = session.status();
            @SuppressWarnings("unchecked") Map<String, Object> last = (Map<String, Object>) status.getOrDefault("last", Map.of());
            System.out.printf(Locale.ROOT, "loop step %s, %d steps after %d warm-up, %d cores, load average %.1f:%n",
                    realtime ? "in real time at 10 steps/s" : "headless (simulated time, each step as soon as the last ends)", stats.count(), warmup,
                    Runtime.getRuntime().availableProcessors(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf(Locale.ROOT, "  every module local (control):                 step_ms_p50=%.3f step_ms_p99=%.3f step_ms_max=%.3f%n",
                    control.percentile("step", 50), control.percentile("step", 99), control.percentile("step", 100));
            System.out.printf(Locale.ROOT, "  plan=vlm,task=vlm, the model answering in %.1f s: step_ms_p50=%.3f step_ms_p99=%.3f step_ms_max=%.3f (p99 < 20 ms: %s)%n", delay,
                    stats.percentile("step", 50), stats.percentile("step", 99), stats.percentile("step", 100), stats.percentile("step", 99) < 20 ? "PASS" : "MISS");
            System.out.print(stats.table().indent(4));
            System.out.println("  " + session.summary());
            System.out.printf(Locale.ROOT, "  levels the game ended meanwhile: success=%s (the model's commands acted on as they came, a step or more after the frame they were for)%n",
                    new Rate(ended[0], ended[1]));
            System.out.printf(Locale.ROOT, "  the console's model line: %s: \"%s\" %.1f s ago%n", last.get("module"), last.get("thought"), (Double) last.getOrDefault("age_s", Double.NaN));
        }
    }

    /** @param ended gets [successes, levels the game itself ended] */
    private List<Latency> timed(Profile profile, SkillLibrary library, ModelSession session, boolean realtime, long[] ended) throws Exception {
        List<Latency> all = new ArrayList<>();
        long seed = 500;
        int steps = realtime ? latencySteps : 10 * latencySteps;
        while (all.size() < steps + warmup) {
            try (Target t = profile.open(new EpisodeSpec(seed++, 1, GOAL, Duration.ofSeconds(90), realtime, null)); Modules m = profile.modules(library)) {
                EpisodeRunner.Result r = EpisodeRunner.of(t, library, m).memory(EpisodicMemory.inMemory())
                        .goal(GOAL).period(Duration.ofMillis(100)).maxSteps(steps + warmup - all.size()).listener(session).run();
                all.addAll(r.loop().latencies());
                if (r.outcome() == Outcome.SUCCESS || r.outcome() == Outcome.FAILURE || r.outcome() == Outcome.TIMEOUT) {
                    ended[0] += r.outcome() == Outcome.SUCCESS ? 1 : 0;
                    ended[1]++;
                }
            }
        }
        return all.subList(warmup, all.size());
    }

    /** What a set of episodes came to. */
    private record Arm(Rate success, long steps, long calls, long confident, long asked) {
        double callsPerStep() {
            return steps == 0 ? Double.NaN : calls / (double) steps;
        }
    }

    /**
     * Plays {@code n} levels from {@code seed}, waiting for the model at each step that asks it (the game's clock stands
     * still meanwhile); with {@code learned}, the learned policy plans where it is sure and asks the model where not.
     */
    private Arm play(StandInVlm model, SkillLibrary library, Path log, Set<String> byModel, LearnedPolicy learned, long seed, int n,
                     Path record, String prefix) throws Exception {
        ModuleChoice choice = choice(model, log, byModel, true);
        long hits = 0, steps = 0, confident = 0, asked = 0;
        try (Profile profile = Profiles.choose(SimGameProfile.standard(), choice)) {
            ModelSession session = Profiles.modelSession(profile).orElseThrow();
            long calls0 = session.client().requests();
            dev.embody.loop.ProgressBar bar = dev.embody.loop.ProgressBar.of(System.err, prefix == null ? "evaluation" : prefix, "episode", n);
            for (int i = 0; i < n; i++) {
                long s = seed + i;
                try (Target t = profile.open(new EpisodeSpec(s, 1, GOAL, Duration.ofSeconds(90), false, null)); Modules base = profile.modules(library)) {
                    AskWhenUnsure gate = learned == null ? null : new AskWhenUnsure(learned, new VlmPolicy(learned, session, library), confidence);
                    Modules m = gate == null ? base : base.withPolicy(new WithModelNotes(gate, session));
                    EpisodeRecorder recorder = record == null ? null : EpisodeRecorder.start(record, prefix + "-s" + s, t,
                            EpisodeRecorder.facts(profile.describe(), m, library, GOAL, 1));
                    try (recorder) {
                        if (recorder != null) {
                            recorder.put("time_limit_s", 90.0);
                        }
                        EpisodeRunner.Result r = EpisodeRunner.of(t, library, m).memory(EpisodicMemory.inMemory())
                                .goal(GOAL).maxSteps(maxSteps).listener(session).recorder(recorder).run();
                        hits += r.outcome() == Outcome.SUCCESS ? 1 : 0;
                        steps += r.steps();
                    }
                    if (gate != null) {
                        confident += gate.counts()[0];
                        asked += gate.counts()[1];
                    }
                }
                bar.step("success " + hits + "/" + (i + 1));
            }
            bar.done();
            return new Arm(new Rate(hits, n), steps, session.client().requests() - calls0, confident, asked);
        }
    }

    private static ModuleChoice choice(StandInVlm model, Path log, Set<String> byModel, boolean waits) {
        VlmSettings s = VlmSettings.of(model.endpoint(), "stand-in", log).withWait(waits).withTimeout(Duration.ofSeconds(30));
        return new ModuleChoice(byModel, s, Path.of("prompts"), false, 0.6);
    }
}
