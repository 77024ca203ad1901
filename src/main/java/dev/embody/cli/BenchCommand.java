package dev.embody.cli;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Latency;
import dev.embody.loop.LatencyStats;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillLibrary;
import dev.embody.skill.TagCuration;
import dev.embody.task.GoalTaskInference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print their figures.",
        subcommands = {BenchCommand.Loop.class, SpeechBenchCommand.class})
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "loop", mixinStandardHelpOptions = true,
            description = "Latency of one loop step (capture + six modules + decision, not the skill's hold) on the 640x360 sim game.")
    static final class Loop implements Callable<Integer> {
        @Option(names = "--steps", defaultValue = "3000", description = "Steps to measure after warm-up (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--warmup", defaultValue = "300", description = "Steps not counted (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Override
        public Integer call() throws Exception {
            SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
            List<Latency> all = new ArrayList<>();
            long seed = 1000;
            long wall = System.nanoTime();
            while (all.size() < steps + warmup) {
                SimGame game = SimGame.of(seed++, 2, Goal.COLLECT_COINS, Duration.ofSeconds(90));
                try (GameSceneParser parser = GameSceneParser.forSimGame()) {
                    AgentLoop.EpisodeResult r = AgentLoop.builder().target(new SimGameTarget(game)).library(library).gathering(parser)
                            .reflection(new SceneChangeReflection()).tasks(new GoalTaskInference()).curation(new TagCuration())
                            .policy(new ScenePlannerPolicy(library)).memory(EpisodicMemory.inMemory()).maxSteps(600).build().run();
                    all.addAll(r.latencies());
                }
            }
            double wallS = (System.nanoTime() - wall) / 1e9;
            LatencyStats stats = new LatencyStats(all.subList(warmup, warmup + steps));
            System.out.printf(Locale.ROOT, "loop step at 640x360, %d steps (after %d warm-up), %d cores:%n", steps, warmup, Runtime.getRuntime().availableProcessors());
            System.out.print(stats.table());
            Path png = Main.runDir().resolve("loop-latency.png");
            stats.writeHistogram(png, "embody loop step latency (640x360 sim game)");
            System.out.printf(Locale.ROOT, "step_ms_p50=%.3f step_ms_p99=%.3f target_p99_ms=20 %s histogram=%s wall_s=%.1f%n",
                    stats.percentile("step", 50), stats.percentile("step", 99), stats.percentile("step", 99) < 20 ? "PASS" : "MISS", png, wallS);
            return Main.OK;
        }
    }
}
