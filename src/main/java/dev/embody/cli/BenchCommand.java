package dev.embody.cli;

import dev.embody.episode.EpisodeRunner;
import dev.embody.loop.Goal;
import dev.embody.loop.Latency;
import dev.embody.episode.LatencyStats;
import dev.embody.memory.EpisodicMemory;
import dev.embody.loop.Modules;
import dev.embody.loop.Target;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.SimGameProfile;
import dev.embody.profile.TargetOptions;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print their figures.",
        subcommands = {BenchCommand.Loop.class, BenchCommand.ExportSpeed.class, BenchCommand.LearnedPolicyBench.class, BenchCommand.ReplaySpeed.class, BenchCaptureCommand.class, SpeechBenchCommand.class, VlmBenchCommand.class, BenchArenaCommand.class, FleetBenchCommand.class})
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "loop", mixinStandardHelpOptions = true,
            description = "Latency of one loop step (capture + six modules + decision, not the skill's hold) on the 640x360 sim game.")
    static final class Loop implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--steps", defaultValue = "3000", description = "Steps to measure after warm-up (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--warmup", defaultValue = "300", description = "Steps not counted (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Override
        public Integer call() throws Exception {
            Options o = Options.of(spec);
            o.whole("--steps", steps, 1, Integer.MAX_VALUE);
            o.whole("--warmup", warmup, 0, Integer.MAX_VALUE);
            SimGameProfile profile = new SimGameProfile(SimGameProfile.Config.of(TargetOptions.defaults()));
            SkillLibrary library = profile.skills();
            List<Latency> all = new ArrayList<>();
            long seed = 1000;
            long wall = System.nanoTime();
            while (all.size() < steps + warmup) {
                Goal goal = profile.defaultGoal();
                try (Target game = profile.open(new EpisodeSpec(seed++, 2, goal, Duration.ofSeconds(90), false, null));
                     Modules modules = profile.modules(library)) {
                    EpisodeRunner.Result r = EpisodeRunner.of(game, library, modules)
                            .memory(EpisodicMemory.inMemory()).goal(goal).maxSteps(600).run();
                    all.addAll(r.loop().latencies());
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

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Headless replay speed: episode time on the target's clock over replay time (records fresh sim-game episodes unless given a folder).")
    static final class ReplaySpeed implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "DIR", description = "Episodes to replay (default: record --episodes fresh ones under runs/<id>/).")
        Path dir;
        @Option(names = "--episodes", defaultValue = "2", description = "Fresh episodes per difficulty 1, 2 and 3 (default: ${DEFAULT-VALUE}).")
        int episodes;

        @Override
        public Integer call() throws Exception {
            Options.of(spec).whole("--episodes", episodes, 1, Integer.MAX_VALUE);
            Path eps = dir;
            if (eps == null) {
                eps = Main.runDir().resolve("bench-episodes");
                System.out.printf("recording %d sim-game episodes under %s ...%n", 3 * episodes, eps);
                int rc = new picocli.CommandLine(new LiveCommand()).execute("--episodes", Integer.toString(episodes), "--difficulty", "1,2,3",
                        "--seed", "100", "--episodes-dir", eps.toString(), "--memory", Main.runDir().resolve("bench-memory").toString());
                if (rc != Main.OK) {
                    return rc;
                }
            }
            List<Path> dirs = ReplayCommand.resolve(spec, List.of(eps.toString()), eps);
            // warm-up, not timed: JIT, OpenCV and FFmpeg natives
            ReplayCommand.replay(spec, dirs.subList(0, 1), "scene-planner", false, null, null, false);
            System.out.println("timed replay:");
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            ReplayCommand.Batch b = ReplayCommand.replay(spec, dirs, "scene-planner", false, null, null, true);
            double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9;
            dev.embody.episode.ReplayReport.Totals t = dev.embody.episode.ReplayReport.Totals.of(b.results());
            double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.out.printf(Locale.ROOT, "replay speed: episodes=%d steps=%d target_s=%.2f replay_s=%.2f ratio=%.1fx steps_per_s=%.1f (required >= 20x: %s) cores=%d load_avg=%.1f%n",
                    t.episodes(), t.steps(), t.targetSeconds(), t.wallSeconds(), t.speedRatio(), t.stepsPerSecond(),
                    t.speedRatio() >= 20 ? "PASS" : "MISS", Runtime.getRuntime().availableProcessors(), load);
            // on a shared machine the wall clock counts other people's work too; the process's own CPU time does not
            System.out.printf(Locale.ROOT, "replay cpu: cpu_s=%.2f target_s/cpu_s=%.1fx (all threads of this process: modules, decoder, JIT, GC)%n",
                    cpuS, t.targetSeconds() / cpuS);
            return b.exitCode();
        }
    }

    @Command(name = "policy", mixinStandardHelpOptions = true,
            description = "The learned policy's cost: its decision per step at 640x360 (p50/p99, encoder and network), and one fine-tune round on N examples.")
    static final class LearnedPolicyBench implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--steps", defaultValue = "2000", description = "Decisions to time after warm-up (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--examples", defaultValue = "5000", description = "Examples in the fine-tune round (default: ${DEFAULT-VALUE}).")
        int examples;
        @Option(names = "--no-waypoint", description = "Time the sim game's input without the waypoint feature.")
        boolean noWaypoint;
        @picocli.CommandLine.Mixin
        TargetSelection targetSelection;
        @Option(names = "--episodes-dir", defaultValue = "episodes", description = "A desktop program's recorded episodes: their frames are "
                + "decided on and their examples fine-tuned on, and where the calibration declares no input, it is chosen from them as train "
                + "chooses it (default: ${DEFAULT-VALUE}).")
        Path episodesDir;
        @Option(names = "--checkpoints", defaultValue = "checkpoints", description = "A desktop program's checkpoint in use gives the input "
                + "(default: ${DEFAULT-VALUE}).")
        Path checkpointsDir;

        @Override
        public Integer call() throws Exception {
            Options o = Options.of(spec);
            o.whole("--steps", steps, 1, 1_000_000);
            o.whole("--examples", examples, 1, 1_000_000);
            if (!"sim-game".equals(targetSelection.target)) {
                try (dev.embody.profile.Profile profile = targetSelection.profile(spec)) {
                    return program(profile);
                }
            }
            SimGameProfile.Config config = SimGameProfile.Config.of(TargetOptions.defaults());
            SimGameProfile profile = new SimGameProfile(noWaypoint ? config.withoutWaypoint() : config);
            SkillLibrary library = profile.skills();
            // decisions: the learned policy planning every step of oracle-played levels, as the loop asks it
            List<dev.embody.learning.Example> data = new ArrayList<>();
            dev.embody.profile.Arena.Cast oracle = profile.demonstrator(library);
            dev.embody.profile.Arena arena = profile.arena(library, 2, 300, Duration.ofSeconds(90));
            long seed = 1;
            System.err.printf("collecting %d demonstration examples ...%n", examples);
            while (data.size() < examples) {
                long s = seed++;
                data.addAll(arena.play(s, profile.defaultGoal(), oracle,
                        t -> new dev.embody.learning.ExampleCollector(profile.inputSpec(), java.util.Set.of("oracle"), "bench" + s), null).examples());
            }
            data = data.subList(0, examples);
            List<Latency> timing = new ArrayList<>();
            try (dev.embody.planning.LearnedPolicy policy = profile.untrained(library, 1)) {
                List<Long> plan = new ArrayList<>();
                // the untrained policy loses levels quickly: play as many as it takes to time enough decisions
                for (long level = 1000; plan.size() < steps + 200; level++) {
                    try (Target game = profile.open(new EpisodeSpec(level, 2, profile.defaultGoal(), Duration.ofSeconds(3600), false, null));
                         Modules modules = profile.modules(library)) {
                        EpisodeRunner.of(game, library, modules.withPolicy(policy)).memory(EpisodicMemory.inMemory())
                                .goal(profile.defaultGoal()).maxSteps(steps + 200 - plan.size()).listener((st, ob) -> plan.add(st.latency().plan())).run();
                    }
                }
                List<Long> timed = plan.subList(Math.min(200, plan.size()), plan.size());
                double[] ms = timed.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
                double p50 = ms[(int) Math.ceil(0.5 * ms.length) - 1], p99 = ms[(int) Math.ceil(0.99 * ms.length) - 1];
                System.out.printf(Locale.ROOT, "learned policy decision at 640x360 (%s), %d steps, %d cores: plan_ms p50=%.3f p99=%.3f max=%.3f (target p99 < 10 ms: %s) device=%s load_average=%s%n",
                        profile.inputSpec(), ms.length, Runtime.getRuntime().availableProcessors(), p50, p99, ms[ms.length - 1],
                        p99 < 10 ? "MET" : "MISSED", dev.embody.planning.PolicyNet.device().getDeviceType(), loadAverage());
                // one fine-tune round, as live's periodic training runs it
                dev.embody.learning.Trainer.Options round = new dev.embody.learning.Trainer.Options(20, 64, 2e-3f, 200, 1);
                dev.embody.learning.Trainer.Result r = new dev.embody.learning.Trainer(round, System.err).train(policy, data);
                r.net().close();
                System.out.printf(Locale.ROOT, "fine-tune round: %d examples, %d Adam steps of %d, %.1f s on %s, loss %.3f -> %.3f (target < 60 s on 2 cores: %s)%n",
                        data.size(), r.steps(), round.batchSize(), r.seconds(), r.device(), r.firstLoss(), r.lastLoss(), r.seconds() < 60 ? "MET" : "MISSED");
            }
            return Main.OK;
        }

        /**
         * A program on the desktop: decisions on its recorded frames (or frames of its scene's size where none are
         * recorded) at the input its checkpoint in use reads, else the one its calibration declares, else the one train
         * would choose from its episodes; then one fine-tune round on its examples, repeated up to --examples.
         */
        private int program(dev.embody.profile.Profile profile) throws Exception {
            SkillLibrary library = profile.skills();
            var store = profile.checkpoints(checkpointsDir);
            java.util.Optional<dev.embody.learning.Checkpoints.Loaded> inUse = profile.loadInUse(store);
            dev.embody.planning.LearnedPolicy policy;
            String whose;
            if (inUse.isPresent()) {
                policy = inUse.get().policy();
                whose = "checkpoint " + inUse.get().checkpoint().version() + "'s";
            } else if (profile.choosesInput()) {
                dev.embody.learning.InputChoice c = dev.embody.learning.InputChoice.fromEpisodes(episodesDir, profile.name(), e -> true,
                        profile.inputSpec().words());
                System.out.println(c.line());
                policy = profile.untrained(library, 1, c.spec());
                whose = "chosen";
            } else {
                policy = profile.untrained(library, 1);
                whose = "declared";
            }
            try (dev.embody.planning.LearnedPolicy p = policy) {
                dev.embody.planning.InputSpec in = p.spec();
                List<dev.embody.loop.Frame> frames = new ArrayList<>();
                List<dev.embody.learning.Example> data;
                try (Modules m = profile.modules(library)) {
                    data = new ArrayList<>(dev.embody.learning.EpisodeExamples.collect(episodesDir, profile.name(), m.gathering(), in).examples());
                }
                for (java.nio.file.Path d : java.nio.file.Files.isDirectory(episodesDir) ? ReplayCommand.resolve(spec, List.of(episodesDir.toString()), episodesDir)
                        : List.<java.nio.file.Path>of()) {
                    var e = dev.embody.episode.RecordedEpisode.read(d);
                    if (!profile.name().equals(e.meta().path("target").asText())) {
                        continue;
                    }
                    try (var rf = new dev.embody.episode.RecordedFrames(e, false)) {
                        while (frames.size() < 600) {
                            frames.add(rf.next().frame());
                        }
                    } catch (java.io.EOFException end) {
                        // the episode's last frame
                    }
                    if (frames.size() >= 600) {
                        break;
                    }
                }
                String source = frames.isEmpty() ? "frames of noise at the scene's size (no episodes in " + episodesDir + ")"
                        : frames.size() + " recorded frames";
                if (frames.isEmpty()) {
                    var cal = ((dev.embody.profile.DesktopProfile) profile).config().calibration();
                    java.util.Random noise = new java.util.Random(1);
                    for (int i = 0; i < 60; i++) {
                        byte[] bgr = new byte[cal.sceneWidth() * cal.sceneHeight() * 3];
                        noise.nextBytes(bgr);
                        frames.add(new dev.embody.loop.Frame(cal.sceneWidth(), cal.sceneHeight(), bgr));
                    }
                }
                // a decision as the loop takes one: the frame read through the policy's encoder, then the network
                dev.embody.planning.PolicyEncoder encoder = new dev.embody.planning.PolicyEncoder(in);
                dev.embody.loop.Task task = new dev.embody.loop.Task("", "follow", "wait for the operator's commands", null, Double.NaN, Double.NaN);
                double[] ms = new double[steps], cpu = new double[steps];
                // on a shared machine the wall clock counts other people's work too; the deciding thread's CPU time does not
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                for (int i = -200; i < steps; i++) {
                    dev.embody.loop.Frame f = frames.get(Math.floorMod(i, frames.size()));
                    long c0 = threads.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                    float[] probabilities = p.probabilities(encoder.encode(i + 200L, f, task, null, null));
                    long t = System.nanoTime() - t0, c = threads.getCurrentThreadCpuTime() - c0;
                    if (i >= 0 && probabilities.length > 0) {
                        ms[i] = t / 1e6;
                        cpu[i] = c / 1e6;
                    }
                }
                java.util.Arrays.sort(ms);
                java.util.Arrays.sort(cpu);
                double p50 = ms[(int) Math.ceil(0.5 * ms.length) - 1], p99 = ms[(int) Math.ceil(0.99 * ms.length) - 1];
                System.out.printf(Locale.ROOT, "learned policy decision at the %s input (%s), on %s, %d steps, %d cores: plan_ms p50=%.3f p99=%.3f max=%.3f "
                                + "(target p99 < 10 ms: %s); thread cpu_ms p50=%.3f p99=%.3f; device=%s load_average=%s%n", whose, in, source, ms.length,
                        Runtime.getRuntime().availableProcessors(), p50, p99, ms[ms.length - 1], p99 < 10 ? "MET" : "MISSED",
                        cpu[(int) Math.ceil(0.5 * cpu.length) - 1], cpu[(int) Math.ceil(0.99 * cpu.length) - 1],
                        dev.embody.planning.PolicyNet.device().getDeviceType(), loadAverage());
                if (data.isEmpty()) {
                    System.out.println("fine-tune round: not timed (no demonstrations or corrections of " + profile.name() + " in " + episodesDir + ")");
                    return Main.OK;
                }
                int recorded = data.size();
                List<dev.embody.learning.Example> round = new ArrayList<>(examples);
                for (int i = 0; i < examples; i++) {
                    round.add(data.get(i % recorded));
                }
                // one fine-tune round, as live's periodic training runs it
                dev.embody.learning.Trainer.Options options = new dev.embody.learning.Trainer.Options(20, 64, 2e-3f, 200, 1);
                var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                dev.embody.learning.Trainer.Result r = new dev.embody.learning.Trainer(options, System.err).train(p, round);
                double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9;
                r.net().close();
                System.out.printf(Locale.ROOT, "fine-tune round: %d examples (%d recorded, repeated), %d Adam steps of %d, %.1f s on %s (process cpu_s=%.1f), "
                                + "loss %.3f -> %.3f (target < 60 s on 2 cores: %s) load_average=%s%n", round.size(), recorded, r.steps(), options.batchSize(),
                        r.seconds(), r.device(), cpuS, r.firstLoss(), r.lastLoss(), r.seconds() < 60 ? "MET" : "MISSED", loadAverage());
            }
            return Main.OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "LeRobot export speed: N episodes of S steps written as a LeRobot v3.0 dataset (records one sim-game episode "
                    + "of S steps and links it N times, unless given a folder).")
    static final class ExportSpeed implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "DIR", description = "Episodes to export (default: make them under runs/<id>/).")
        Path dir;
        @Option(names = "--episodes", defaultValue = "100", description = "Episodes to make (default: ${DEFAULT-VALUE}).")
        int episodes;
        @Option(names = "--steps", defaultValue = "200", description = "Steps each (default: ${DEFAULT-VALUE}).")
        int steps;

        @Override
        public Integer call() throws Exception {
            Options o = Options.of(spec);
            o.whole("--episodes", episodes, 1, 100_000);
            o.whole("--steps", steps, 1, 100_000);
            Path eps = dir;
            if (eps == null) {
                eps = Main.runDir().resolve("bench-export-episodes");
                Path one = recordOne(Main.runDir().resolve("bench-export-source"), steps);
                System.out.printf("linking %d copies of %s (%s steps) under %s ...%n", episodes, one.getFileName(), steps, eps);
                for (int i = 0; i < episodes; i++) {
                    String id = String.format(Locale.ROOT, "bench-%05d", i);
                    Path d = java.nio.file.Files.createDirectories(eps.resolve(id));
                    var meta = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(one.resolve("meta.json").toFile());
                    meta.put("id", id);
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValue(d.resolve("meta.json").toFile(), meta);
                    java.nio.file.Files.copy(one.resolve("steps.jsonl"), d.resolve("steps.jsonl"));
                    // the frames are linked, not copied: the export decodes each copy in full all the same
                    java.nio.file.Files.createSymbolicLink(d.resolve("frames.mp4"), one.resolve("frames.mp4").toAbsolutePath());
                }
            }
            List<Path> dirs = ReplayCommand.resolve(spec, List.of(eps.toString()), eps);
            Path out = Main.runDir().resolve("bench-export-dataset");
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            var r = dev.embody.episode.LeRobotExport.export(dirs, out, dev.embody.episode.LeRobotExport.Options.defaults(), null);
            double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9;
            System.out.printf(Locale.ROOT, "lerobot export: episodes=%d frames=%d %dx%d seconds=%.1f frames_per_s=%.0f cpu_s=%.1f video_mb=%.1f "
                            + "(required: %d x %d steps under 60 s on 2 cores: %s) cores=%d load_avg=%s dataset=%s%n",
                    r.episodes(), r.frames(), r.width(), r.height(), r.seconds(), r.frames() / r.seconds(), cpuS, r.videoBytes() / 1e6,
                    100, 200, r.seconds() < 60 ? "MET" : "MISSED", Runtime.getRuntime().availableProcessors(), loadAverage(), out);
            return Main.OK;
        }

        /** A sim-game episode of exactly {@code steps} steps, played at random (seeds tried in turn until one lasts). */
        private static Path recordOne(Path root, int steps) throws Exception {
            SimGameProfile profile = SimGameProfile.standard();
            SkillLibrary library = profile.skills();
            for (long seed = 1; seed <= 50; seed++) {
                Goal goal = profile.defaultGoal();
                String id = "bench-source-s" + seed;
                try (Target target = profile.open(new EpisodeSpec(seed, 1, goal, Duration.ofSeconds(3600), false, null));
                     Modules modules = profile.modules(library).withPolicy(new dev.embody.planning.RandomPolicy(seed))) {
                    var facts = new java.util.LinkedHashMap<>(dev.embody.episode.EpisodeRecorder.facts(profile.describe(), modules, library, goal, 1));
                    java.nio.file.Files.createDirectories(root);
                    try (var recorder = dev.embody.episode.EpisodeRecorder.start(root, id, target, facts)) {
                        EpisodeRunner.of(target, library, modules).memory(EpisodicMemory.inMemory())
                                .goal(goal).period(Duration.ofMillis(100)).maxSteps(steps).recorder(recorder).run();
                    }
                }
                Path d = root.resolve(id);
                if (dev.embody.episode.RecordedEpisode.read(d).steps().size() == steps) {
                    return d;
                }
            }
            throw new IllegalStateException("no random sim-game episode of 50 lasted " + steps + " steps");
        }
    }

    /** The machine's 1-minute load average: a tail latency measured on a busy machine says so. */
    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
