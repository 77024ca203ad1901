package dev.embody.cli;

import dev.embody.episode.Episode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "episodes", mixinStandardHelpOptions = true, description = "Recorded episodes.",
        subcommands = {EpisodesCommand.ListEpisodes.class, EpisodesCommand.Show.class, EpisodesCommand.Check.class, EpisodesCommand.Edit.class, EpisodesCommand.Export.class})
final class EpisodesCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per recorded episode.")
    static final class ListEpisodes implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "episodes", description = "Episodes folder (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            List<Episode> all = Episode.list(dir);
            for (Episode e : all) {
                var m = e.meta();
                System.out.printf("%-44s %-9s %-9s steps=%-5s seed=%-6s goal=%s policy=%s%s%s%n", e.id(), m.path("target").asText(),
                        e.outcome(), m.path("steps").asText("?"), m.path("seed").asText("-"), m.path("goal").asText("-"), m.path("policy").asText("-"),
                        m.hasNonNull("mark") ? " mark=" + m.get("mark").asText() : "",
                        m.path("trim").isObject() ? " trim=" + m.path("trim").path("from").asText() + ".." + m.path("trim").path("to").asText() : "");
            }
            System.out.printf("%d episodes in %s%n", all.size(), dir);
            return Main.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One episode: its meta, outcome and the operator's corrections.")
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Parameters(paramLabel = "ID", description = "An episode id (under --dir) or folder.")
        String id;
        @Option(names = "--dir", defaultValue = "episodes", description = "Episodes folder (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path p;
            try {
                p = java.nio.file.Files.isDirectory(Path.of(id)) ? Path.of(id) : Episode.inFolder(dir, id);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (!java.nio.file.Files.isDirectory(p)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no episode '" + id + "' in " + dir);
            }
            dev.embody.episode.RecordedEpisode e = dev.embody.episode.RecordedEpisode.read(p);
            var m = e.meta();
            System.out.printf("episode     %s%n", e.id());
            System.out.printf("folder      %s%n", e.dir());
            for (String f : List.of("target", "seed", "difficulty", "goal", "policy", "skills_version", "started", "ended", "outcome")) {
                if (m.has(f)) {
                    System.out.printf("%-11s %s%n", f.equals("skills_version") ? "skills" : f, m.get(f).asText());
                }
            }
            if (e.mark() != null || e.trim() != null) {
                System.out.printf("edited      %s%s%n", e.mark() == null ? "" : "mark=" + e.mark() + " ", e.trim() == null ? "" : "trim=" + e.trim()
                        + " (" + (e.trim().to() - e.trim().from() + 1) + " of " + e.steps().size() + " steps kept)");
            }
            if (m.has("demonstration")) {
                var d = m.get("demonstration");
                System.out.printf("demonstr.   input=%s mapped=%s idle=%s unmapped=%s %s%n", d.path("input").asText(), d.path("mapped_steps").asText(),
                        d.path("idle_steps").asText(), d.path("unmapped").asText(), d.path("unmapped_input").isEmpty() ? "" : d.get("unmapped_input").toString());
            }
            if (m.has("score")) {
                StringBuilder sc = new StringBuilder();
                m.get("score").fields().forEachRemaining(x -> sc.append(sc.length() == 0 ? "" : " ").append(x.getKey()).append('=').append(x.getValue().asText()));
                System.out.printf("score       %s%n", sc);
            }
            var steps = e.steps();
            java.util.Map<String, Long> by = new java.util.TreeMap<>();
            steps.forEach(s -> by.merge(s.by() != null ? s.by() : "nobody", 1L, Long::sum));
            System.out.printf(java.util.Locale.ROOT, "steps       %d (%.2f s on the target's clock), decided by %s%n", steps.size(), e.targetSeconds(), by);
            if (e.cut() != null) {
                System.out.printf("cut         %s%n", e.cut());
            }
            var failed = e.failedSteps();
            System.out.printf("failed      %d%n", failed.size());
            for (var s : failed) {
                System.out.printf(java.util.Locale.ROOT, "  step %d at %s: %s (%s)%n", s.step(), s.failedAt(), s.error(), s.commandText());
            }
            var corrections = steps.stream().filter(dev.embody.episode.RecordedStep::corrected).toList();
            System.out.printf("corrections %d%n", corrections.size());
            for (var s : corrections) {
                System.out.printf(java.util.Locale.ROOT, "  step %d t=%.2fs \"%s\" -> %s%s%n", s.step(), s.targetNanos() / 1e9, s.correction(), s.command(),
                        s.policyWanted() != null ? " (policy wanted " + s.policyWanted() + ")" : "");
            }
            return Main.OK;
        }
    }

    @Command(name = "edit", mixinStandardHelpOptions = true,
            description = {"Mark an episode good or bad, or keep only some of its steps; non-destructive: only meta.json changes (atomically), "
                    + "the steps and frames stay whole. Training leaves bad episodes out and reads only the steps kept; replay does the same."})
    static final class Edit implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Parameters(paramLabel = "ID", description = "An episode id in --dir, or its folder (which must lie in --dir).")
        String id;
        @Option(names = "--dir", defaultValue = "episodes", description = "Episodes folder (default: ${DEFAULT-VALUE}).")
        Path dir;
        @Option(names = "--mark", paramLabel = "good|bad", description = "good, or bad (left out of training and replay).")
        String mark;
        @Option(names = "--trim", paramLabel = "FROM..TO", description = "Keep steps FROM..TO (both kept; FROM.. and ..TO too).")
        String trim;
        @Option(names = "--untrim", description = "Drop the trim: every step counts again.")
        boolean untrim;
        @Option(names = "--split", paramLabel = "heldout|train", description = "Hold the episode out (the gate scores candidates on it, training never sees it) or train on it; unset, 1 in 5 of a target's episodes is held out (at least 1 from 3 on), chosen by id.")
        String split;

        @Override
        public Integer call() throws Exception {
            Options o = Options.of(spec);
            o.oneOf("--mark", mark, dev.embody.episode.EpisodeEdit.MARKS);
            o.oneOf("--split", split, dev.embody.episode.EpisodeEdit.SPLITS);
            o.needs(mark != null || trim != null || untrim || split != null, "say what to change: --mark good|bad, --trim FROM..TO, --untrim or --split heldout|train");
            o.needs(trim == null || !untrim, "--trim and --untrim contradict each other: give one");
            Path p = episodeInDir();
            if (!java.nio.file.Files.isRegularFile(p.resolve(Episode.META))) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no episode '" + id + "' in " + dir
                        + " (./run episodes list --dir " + dir + " lists them)");
            }
            dev.embody.episode.EpisodeEdit.Result r;
            try {
                r = dev.embody.episode.EpisodeEdit.apply(p, mark, trim, untrim, split);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            System.out.printf("edited %s: mark=%s trim=%s (%s of %d steps kept) split=%s%n", p, r.mark() == null ? "-" : r.mark(),
                    r.trim() == null ? "-" : r.trim(), r.trim() == null ? "all" : Long.toString(r.trim().to() - r.trim().from() + 1), r.steps(),
                    dev.embody.episode.RecordedEpisode.read(p).meta().path("split").asText("by id"));
            return Main.OK;
        }

        /** The episode to change: an id in --dir, or a folder that lies in --dir; an edit never reaches outside --dir. */
        private Path episodeInDir() {
            try {
                return Episode.inFolder(dir, id);
            } catch (IllegalArgumentException notAnId) {
                Path given;
                try {
                    given = Path.of(id);
                } catch (java.nio.file.InvalidPathException e) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), notAnId.getMessage());
                }
                if (!java.nio.file.Files.isRegularFile(given.resolve(Episode.META))) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), notAnId.getMessage());
                }
                if (!Episode.isIn(dir, given)) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "'" + id + "' is not in --dir " + dir
                            + ": edit changes only the episodes in --dir (give its id with --dir " + given.toAbsolutePath().getParent() + ")");
                }
                return given;
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate every file of every episode in a folder (or one episode): says what is wrong and where (file and line).")
    static final class Check implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "DIR", description = "Episodes folder or one episode (default: episodes).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path root = dir != null ? dir : Path.of("episodes");
            List<Path> dirs = ReplayCommand.resolve(spec, List.of(root.toString()), root);
            int ok = 0, cut = 0, bad = 0;
            for (Path d : dirs) {
                var v = dev.embody.episode.EpisodeCheck.check(d);
                switch (v.status()) {
                    case OK -> {
                        ok++;
                        System.out.printf("ok   %s: %s%n", d, v.message());
                    }
                    case CUT -> {
                        cut++;
                        System.out.printf("cut  %s: %s%n", d, v.message());
                    }
                    case BAD -> {
                        bad++;
                        System.out.printf("bad  %s%n", v.message());
                    }
                }
            }
            System.out.printf("%d episodes: %d ok, %d cut off, %d bad%n", dirs.size(), ok, cut, bad);
            return bad == 0 ? Main.OK : Main.BAD_FILE;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write episodes as a LeRobot v3.0 dataset in OUT (a new or empty folder), to load with LeRobot's "
                    + "LeRobotDataset(repo_id, root=OUT): one row and one video frame per step; episodes marked bad are left out, trims honoured. "
                    + "Nothing is left in OUT unless the whole dataset is written."})
    static final class Export implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--format", required = true, paramLabel = "lerobot", description = "The dataset format: lerobot (LeRobot v3.0).")
        String format;
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "OUT", description = "The dataset folder to write (must not exist, or be empty).")
        Path out;
        @picocli.CommandLine.Parameters(index = "1..*", arity = "0..*", paramLabel = "ID",
                description = "Episode ids (under --dir) or folders; none: every episode in --dir.")
        List<String> ids = new java.util.ArrayList<>();
        @Option(names = "--dir", defaultValue = "episodes", description = "Episodes folder (default: ${DEFAULT-VALUE}).")
        Path dir;
        @Option(names = "--fps", defaultValue = "10", description = "The dataset's frame rate, one frame a step (default: ${DEFAULT-VALUE}, the rate live and record run at).")
        int fps;
        @Option(names = "--gop", defaultValue = "10", description = "Frames from one keyframe to the next in the videos (default: ${DEFAULT-VALUE}).")
        int gop;
        @Option(names = "--skills", description = "The skills folder whose values give the action's numbers (default: the one the episodes name).")
        Path skills;
        @Option(names = "--no-progress", description = "No progress bar on stderr.")
        boolean noProgress;

        @Override
        public Integer call() throws Exception {
            Options o = Options.of(spec);
            o.oneOf("--format", format, List.of("lerobot"));
            o.whole("--fps", fps, 1, 1000);
            o.whole("--gop", gop, 1, 1000);
            List<Path> dirs = ReplayCommand.resolve(spec, ids.isEmpty() ? List.of(dir.toString()) : ids, dir);
            dev.embody.loop.ProgressBar bar = noProgress ? dev.embody.loop.ProgressBar.off() : dev.embody.loop.ProgressBar.of(System.err, "export", "episode", dirs.size());
            dev.embody.episode.LeRobotExport.Result r;
            try {
                r = dev.embody.episode.LeRobotExport.export(dirs, out, new dev.embody.episode.LeRobotExport.Options(fps, gop, skills),
                        (done, total) -> bar.update(done, ""));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            } finally {
                bar.clear();
            }
            for (String l : r.leftOut()) {
                System.out.printf("left out   %s%n", l);
            }
            for (String n : r.notes()) {
                System.out.printf("note       %s%n", n);
            }
            System.out.printf(java.util.Locale.ROOT, "exported %d episodes, %d frames, %d tasks to %s (LeRobot v3.0, %d fps): action=%s state=%s %s %dx%d h264 "
                            + "in %d file(s), %.1f MB video, %.1f s%n",
                    r.episodes(), r.frames(), r.tasks(), r.out(), fps, r.actionNames(), r.stateNames().isEmpty() ? "none" : r.stateNames().toString(),
                    r.videoKey(), r.width(), r.height(), r.videoFiles(), r.videoBytes() / 1e6, r.seconds());
            System.out.printf("load it:   LeRobotDataset(\"embody/%s\", root=\"%s\")%n", r.out().toAbsolutePath().getFileName(), r.out().toAbsolutePath());
            return Main.OK;
        }
    }
}
