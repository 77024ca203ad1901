package dev.embody.learning;

import dev.embody.loop.Goal;
import dev.embody.planning.LearnedPolicy;
import dev.embody.skill.SkillLibrary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Not a test (no Test suffix): a manual capacity probe, run with -Dtest=Experiment. */
class Experiment {
    @org.junit.jupiter.api.Test
    void probe() throws Exception {
        int trainEps = Integer.getInteger("train", 12), steps = Integer.getInteger("steps", 300);
        SkillLibrary lib = SkillLibrary.load(Path.of("skills", "sim-game"));
        SimArena arena = new SimArena(lib, 1, 150, java.time.Duration.ofSeconds(90));
        long t0 = System.nanoTime();
        List<Example> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 0; i < trainEps; i++) {
            train.addAll(arena.play(1 + i, Goal.COLLECT_COINS, new dev.embody.sim.Oracle(lib)::asPolicy, new ExampleCollector(Set.of("oracle"), "d")).examples());
        }
        for (int i = 0; i < 6; i++) {
            test.addAll(arena.play(500 + i, Goal.COLLECT_COINS, new dev.embody.sim.Oracle(lib)::asPolicy, new ExampleCollector(Set.of("oracle"), "d")).examples());
        }
        System.out.printf("collect %.1fs train=%d test=%d%n", (System.nanoTime() - t0) / 1e9, train.size(), test.size());
        LearnedPolicy p0 = LearnedPolicy.untrained(lib, 1);
        Trainer.Result r = new Trainer(new Trainer.Options(1000, 32, 3e-3f, steps, 1)).train(p0, train);
        LearnedPolicy p = new LearnedPolicy(r.net(), r.commands(), "x", Long.getLong("sample", 1L));
        System.out.printf("train %.1fs loss %.3f -> %.3f acc train %.2f test %.2f dir-test %.2f%n", r.seconds(), r.firstLoss(), r.lastLoss(), acc(p, train, false), acc(p, test, false), acc(p, test, true));
        long t1 = System.nanoTime();
        var e = arena.evaluate(g -> p, Goal.COLLECT_COINS, List.of(100000L, 100001L, 100002L, 100003L, 100004L, 100005L, 100006L, 100007L), SimArena.Progress.none());
        System.out.printf("eval sample %.1fs success %.2f steps %s%n", (System.nanoTime() - t1) / 1e9, e.successRate(), e.runs().stream().map(x -> x.outcome().label() + ":" + x.steps()).toList());
        LearnedPolicy pg = new LearnedPolicy(r.net(), r.commands(), "g", -1);
        var e2 = arena.evaluate(g -> pg, Goal.COLLECT_COINS, List.of(100000L, 100001L, 100002L, 100003L, 100004L, 100005L, 100006L, 100007L), SimArena.Progress.none());
        System.out.printf("eval greedy success %.2f steps %s%n", e2.successRate(), e2.runs().stream().map(x -> x.outcome().label() + ":" + x.steps()).toList());
    }

    static double acc(LearnedPolicy p, List<Example> ex, boolean dirOnly) {
        float[][] probs = p.probabilities(ex.stream().map(Example::input).toList());
        int ok = 0;
        for (int i = 0; i < ex.size(); i++) {
            int best = 0;
            for (int j = 1; j < probs[i].length; j++) {
                if (probs[i][j] > probs[i][best]) best = j;
            }
            String a = p.commands().get(best), b = ex.get(i).label();
            if (dirOnly ? a.replaceAll(", amount=.*", "").equals(b.replaceAll(", amount=.*", "")) : a.equals(b)) ok++;
        }
        return ok / (double) ex.size();
    }
}
