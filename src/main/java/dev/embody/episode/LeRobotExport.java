package dev.embody.episode;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.embody.file.BadFileException;
import dev.embody.loop.Intervention;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;

/**
 * Recorded episodes as a LeRobot v3.0 dataset (the format of LeRobot's {@code LeRobotDataset} and the Hugging Face
 * Hub): meta/info.json, meta/stats.json, meta/tasks.parquet, meta/episodes/chunk-000/file-000.parquet,
 * data/chunk-000/file-000.parquet, and one MP4 per camera holding many episodes. One row and one video frame per step
 * that was seen and decided, inside the episode's trim; episodes marked bad are left out. The command is the action
 * (its index among the skills' commands, and the numbers its parameters stand for), who decided it a column of its own,
 * the goal the episode's task and an operator's correction the task of the frame it applied at.
 *
 * <p>Everything is written into a folder beside OUT and renamed to OUT at the end: a failure leaves nothing behind.
 * Parquet is written by DuckDB (COPY ... TO), video by the FFmpeg embody records with.
 */
public final class LeRobotExport {

    private static final Logger log = LoggerFactory.getLogger(LeRobotExport.class);
    public static final String CODEBASE_VERSION = "v3.0";
    /** Who decided a step, as the {@code decided_by} column numbers them. */
    public static final List<String> DECIDERS = List.of("policy", "operator", "person", "vlm");
    static final String DATA_PATH = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
    static final String VIDEO_PATH = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4";
    static final int CHUNKS_SIZE = 1000;
    static final int DATA_FILE_MB = 100;
    static final int VIDEO_FILE_MB = 200;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINES = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    static {
        // the grabber would print each source video's description to stderr
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        org.bytedeco.javacv.FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
    }

    private LeRobotExport() {
    }

    /**
     * @param fps    the dataset's frame rate: one frame per step, timestamps frame_index/fps (LeRobot's rule)
     * @param gop    frames from one keyframe to the next in the videos
     * @param skills the skills whose values give the action's numbers; null: the folder the episodes' meta.json names
     */
    public record Options(int fps, int gop, Path skills) {
        public static Options defaults() {
            return new Options(10, 10, null);
        }
    }

    /** Hears the export go on, an episode at a time. */
    public interface Progress {
        void episode(int done, int total);
    }

    /**
     * @param leftOut what was left out and why ("id: marked bad"), steps as well as episodes
     * @param notes   what a reader should know about the mapping (no skills folder: the action is the command alone)
     */
    public record Result(Path out, int episodes, long frames, int tasks, List<String> actionNames, List<String> stateNames,
                         String videoKey, int width, int height, List<String> leftOut, List<String> notes, int videoFiles,
                         long videoBytes, double seconds) {
    }

    /** One episode as it goes into the dataset: its steps kept, each with its frame in the episode's video. */
    private record Planned(RecordedEpisode episode, List<RecordedStep> rows, List<Integer> videoFrames, List<Integer> taskIndex, List<String> tasks) {
    }

    /**
     * Writes the episodes in {@code dirs} (in that order) as a LeRobot v3.0 dataset in {@code out}, a folder that must
     * not exist or be empty.
     *
     * @throws IllegalArgumentException the request cannot be met as asked (OUT not empty, episodes of different
     *                                  targets or frame sizes, nothing left to export): a command-line error
     * @throws BadFileException         an episode does not read, or its frames are cut short
     */
    public static Result export(List<Path> dirs, Path out, Options o, Progress progress) throws BadFileException, IOException {
        long t0 = System.nanoTime();
        if (o.fps() < 1 || o.fps() > 1000) {
            throw new IllegalArgumentException("--fps must be a whole number from 1 to 1000, got " + o.fps());
        }
        if (o.gop() < 1) {
            throw new IllegalArgumentException("--gop must be 1 or more, got " + o.gop());
        }
        if (Files.exists(out) && !(Files.isDirectory(out) && empty(out))) {
            throw new IllegalArgumentException("OUT " + out + " is not empty: a dataset is written whole into a new or empty folder");
        }
        List<String> leftOut = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<RecordedEpisode> kept = new ArrayList<>();
        for (Path d : dirs) {
            RecordedEpisode e = RecordedEpisode.read(d);
            if (e.cut() != null) {
                throw new BadFileException(d.resolve(Episode.META), 0, "the episode is cut off, its frames and steps may end mid-step ("
                        + e.cut() + "): leave it out, or mark it bad (./run episodes edit " + e.id() + " --mark bad)");
            }
            if (e.markedBad()) {
                leftOut.add(e.id() + ": marked bad");
                continue;
            }
            kept.add(e);
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("nothing to export: " + (dirs.isEmpty() ? "no episodes" : "every episode given is marked bad"));
        }
        String target = kept.get(0).meta().path("target").asText();
        for (RecordedEpisode e : kept) {
            if (!e.meta().path("target").asText().equals(target)) {
                throw new IllegalArgumentException("episodes of different targets (" + target + ", " + e.meta().path("target").asText() + " in " + e.id()
                        + ") cannot share one dataset: their cameras, states and commands differ; export each target's episodes on its own");
            }
        }
        List<String> commands = commands(kept);
        Map<String, double[]> numbers = new LinkedHashMap<>();
        List<String> actionNames = actionNames(kept, o.skills(), commands, numbers, notes);
        List<String> stateNames = stateNames(kept);
        String videoKey = "observation.images." + kept.get(0).meta().path("view").asText("screen");

        // the steps each episode gives, and the tasks in force at each
        Map<String, Integer> tasks = new LinkedHashMap<>();
        List<Planned> plan = new ArrayList<>();
        for (RecordedEpisode e : kept) {
            Planned p = plan(e, tasks, leftOut);
            if (p.rows().isEmpty()) {
                leftOut.add(e.id() + ": no step both seen and decided to export");
            } else {
                plan.add(p);
            }
        }
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("nothing to export: no episode given has a step both seen and decided");
        }

        Path tmp = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".export-" + ProcessHandle.current().pid());
        deleteTree(tmp);
        boolean done = false;
        try {
            Files.createDirectories(tmp.resolve("meta"));
            Written w = write(tmp, plan, o, videoKey, commands, numbers, actionNames, stateNames, tasks, progress);
            writeMeta(tmp, kept, plan, o, w, target, videoKey, commands, actionNames, stateNames, tasks, leftOut, notes);
            if (Files.isDirectory(out)) {
                Files.delete(out); // empty, checked above
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return new Result(out, plan.size(), w.frames, tasks.size(), actionNames, stateNames, videoKey, w.width, w.height,
                    leftOut, notes, w.videoFiles, w.videoBytes, (System.nanoTime() - t0) / 1e9);
        } finally {
            if (!done) {
                deleteTree(tmp);
            }
        }
    }

    private static boolean empty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** The action's command vocabulary: every episode's skills' commands (meta.json), in order, then any taught later. */
    private static List<String> commands(List<RecordedEpisode> episodes) {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (RecordedEpisode e : episodes) {
            e.meta().path("commands").forEach(c -> all.add(SkillCall.parse(c.asText()).toString()));
        }
        for (RecordedEpisode e : episodes) {
            for (RecordedStep s : e.steps()) {
                if (s.command() != null) {
                    all.add(s.command().toString());
                }
            }
        }
        return List.copyOf(all);
    }

    /**
     * "command" and, where the skills load, one name per number a command's parameters stand for
     * ({@code move.amount.m}: the metres of move's amount); {@code numbers} gets each command's values in that order.
     */
    private static List<String> actionNames(List<RecordedEpisode> episodes, Path skills, List<String> commands, Map<String, double[]> numbers,
                                            List<String> notes) {
        Path dir = skills;
        if (dir == null) {
            String named = episodes.get(0).meta().path("profile").path("skills").asText("");
            dir = named.isEmpty() ? null : Path.of(named);
        }
        SkillLibrary library = null;
        if (dir == null) {
            notes.add("the episodes name no skills folder: the action is the command's index alone");
        } else {
            try {
                library = SkillLibrary.load(dir);
            } catch (BadFileException | RuntimeException e) {
                notes.add("the skills in " + dir + " do not load (" + e.getMessage() + "): the action is the command's index alone");
            }
        }
        Map<String, Map<String, Double>> byCommand = new LinkedHashMap<>();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String c : commands) {
            Map<String, Double> values = new LinkedHashMap<>();
            SkillCall call = SkillCall.parse(c);
            if (library != null && library.skill(call.skill()).isPresent()) {
                try {
                    for (Map.Entry<String, String> b : new java.util.TreeMap<>(library.bindings(call)).entrySet()) {
                        Double v = number(b.getValue());
                        if (v != null) {
                            values.put(call.skill() + "." + b.getKey(), v);
                        }
                    }
                } catch (RuntimeException e) {
                    notes.add("command '" + c + "' is not one of the skills in " + dir + " now: its numbers are 0");
                }
            }
            names.addAll(values.keySet());
            byCommand.put(c, values);
        }
        List<String> out = new ArrayList<>();
        out.add("command");
        out.addAll(names);
        for (String c : commands) {
            double[] v = new double[names.size()];
            int i = 0;
            for (String n : names) {
                v[i++] = byCommand.get(c).getOrDefault(n, 0.0);
            }
            numbers.put(c, v);
        }
        return out;
    }

    private static Double number(String text) {
        try {
            double v = Double.parseDouble(text.strip());
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }

    /** The names of the target's state (meta.json state_names), the same in every episode, or empty where none has one. */
    private static List<String> stateNames(List<RecordedEpisode> episodes) {
        List<String> first = names(episodes.get(0).meta().path("state_names"));
        for (RecordedEpisode e : episodes) {
            List<String> these = names(e.meta().path("state_names"));
            if (!these.equals(first)) {
                throw new IllegalArgumentException("episodes " + episodes.get(0).id() + " and " + e.id() + " record different states (" + first + ", "
                        + these + "): they cannot share one dataset's observation.state");
            }
        }
        return first;
    }

    private static List<String> names(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The steps an episode gives (seen, decided, kept by its trim), the frame of each in its video, and its tasks. */
    private static Planned plan(RecordedEpisode e, Map<String, Integer> tasks, List<String> leftOut) {
        String goal = e.meta().path("goal").asText("");
        if (goal.isBlank()) {
            goal = "operate " + e.meta().path("target").asText();
        }
        List<RecordedStep> rows = new ArrayList<>();
        List<Integer> frames = new ArrayList<>();
        List<Integer> taskIndex = new ArrayList<>();
        LinkedHashSet<String> used = new LinkedHashSet<>();
        int observed = 0, unseen = 0, undecided = 0;
        for (RecordedStep s : e.steps()) {
            for (Intervention i : s.applied()) {
                if (i.kind() == Intervention.Kind.GOAL && !i.argument().isBlank()) {
                    goal = i.argument();
                }
            }
            if (!s.observed()) {
                unseen += e.keeps(s) ? 1 : 0;
                continue;
            }
            int frame = observed++;
            if (!e.keeps(s)) {
                continue;
            }
            if (!s.decided()) {
                undecided++;
                continue;
            }
            rows.add(s);
            frames.add(frame);
            String task = s.corrected() && !s.correction().isBlank() ? s.correction() : goal;
            used.add(task);
            tasks.putIfAbsent(task, tasks.size());
            taskIndex.add(tasks.get(task));
        }
        if (unseen > 0) {
            leftOut.add(e.id() + ": " + unseen + " step(s) with no frame (capture failed)");
        }
        if (undecided > 0) {
            leftOut.add(e.id() + ": " + undecided + " step(s) where nothing was decided (failed before the plan)");
        }
        if (e.trim() != null) {
            leftOut.add(e.id() + ": steps outside its trim " + e.trim());
        }
        return new Planned(e, rows, frames, taskIndex, List.copyOf(used));
    }

    /** What the data and video pass wrote. */
    private static final class Written {
        long frames;
        int width = -1;
        int height = -1;
        int videoFiles;
        long videoBytes;
        final List<Map<String, Object>> episodes = new ArrayList<>();
        final Map<String, List<double[]>> columns = new LinkedHashMap<>();
        final FeatureStats.Pixels pixels = new FeatureStats.Pixels();
    }

    /** A frame decoded off an episode's video, or the end of an episode, or why decoding stopped. */
    private record Decoded(int episode, byte[] bgr, int width, int height, int stride, FeatureStats.Pixels episodePixels, Exception failure) {
    }

    private static Written write(Path root, List<Planned> plan, Options o, String videoKey, List<String> commands, Map<String, double[]> numbers,
                                 List<String> actionNames, List<String> stateNames, Map<String, Integer> tasks, Progress progress)
            throws IOException, BadFileException {
        Written w = new Written();
        // decoding (and pixel stats) runs beside encoding: the two halves of the work on two cores
        BlockingQueue<Decoded> queue = new ArrayBlockingQueue<>(16);
        Thread decoder = new Thread(() -> decodeAll(plan, queue), "lerobot-decoder");
        decoder.setDaemon(true);
        decoder.start();
        Path rowsFile = root.resolve("data.jsonl.tmp");
        long index = 0;
        int chunk = 0, file = 0;
        LeRobotVideo video = null;
        long fileFrames = 0;
        try (OutputStream rows = Files.newOutputStream(rowsFile)) {
            for (int ep = 0; ep < plan.size(); ep++) {
                Planned p = plan.get(ep);
                if (video != null && video.bytes() >= VIDEO_FILE_MB * 1_000_000L) {
                    video.close();
                    w.videoBytes += Files.size(videoPath(root, videoKey, chunk, file));
                    video = null;
                    file++;
                    if (file == CHUNKS_SIZE) {
                        chunk++;
                        file = 0;
                    }
                }
                long from = index;
                long fromFrame = fileFrames;
                FeatureStats.Pixels episodePixels = null;
                int got = 0;
                while (true) {
                    Decoded d = take(queue);
                    if (d.failure() != null) {
                        if (d.failure() instanceof BadFileException b) {
                            throw b;
                        }
                        throw new IOException(d.failure().getMessage(), d.failure());
                    }
                    if (d.bgr() == null) {
                        episodePixels = d.episodePixels();
                        break;
                    }
                    if (w.width < 0) {
                        w.width = d.width();
                        w.height = d.height();
                    } else if (d.width() != w.width || d.height() != w.height) {
                        throw new IllegalArgumentException("episode " + p.episode().id() + " has frames of " + d.width() + "x" + d.height() + ", the others "
                                + w.width + "x" + w.height + ": one dataset's camera has one size; export them separately");
                    }
                    if (video == null) {
                        video = new LeRobotVideo(videoPath(root, videoKey, chunk, file), w.width, w.height, o.fps(), o.gop());
                        w.videoFiles++;
                        fileFrames = 0;
                        fromFrame = 0;
                    }
                    video.add(d.bgr(), d.stride());
                    fileFrames++;
                    got++;
                }
                if (got != p.rows().size()) {
                    throw new IllegalStateException("decoded " + got + " frames for " + p.rows().size() + " steps of " + p.episode().id());
                }
                int row = 0;
                for (RecordedStep s : p.rows()) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    String cmd = s.command().toString();
                    double[] action = new double[actionNames.size()];
                    action[0] = commands.indexOf(cmd);
                    System.arraycopy(numbers.get(cmd), 0, action, 1, action.length - 1);
                    r.put("action", action);
                    add(w.columns, "action", action);
                    if (!stateNames.isEmpty()) {
                        double[] st = state(p, row);
                        r.put("observation.state", st);
                        add(w.columns, "observation.state", st);
                    }
                    double timestamp = (float) ((double) row / o.fps());
                    int taskIndex = p.taskIndex().get(row);
                    double targetS = (s.targetNanos() - p.rows().get(0).targetNanos()) / 1e9;
                    r.put("timestamp", timestamp);
                    r.put("frame_index", row);
                    r.put("episode_index", ep);
                    r.put("index", index);
                    r.put("task_index", taskIndex);
                    r.put("decided_by", decider(s));
                    r.put("target_time_s", targetS);
                    for (String k : List.of("timestamp", "frame_index", "episode_index", "index", "task_index", "decided_by", "target_time_s")) {
                        add(w.columns, k, new double[]{((Number) r.get(k)).doubleValue()});
                    }
                    LINES.writeValue(rows, r);
                    rows.write('\n');
                    index++;
                    row++;
                }
                w.frames += p.rows().size();
                w.pixels.add(episodePixels);
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("episode_index", ep);
                em.put("tasks", p.tasks());
                em.put("length", p.rows().size());
                em.put("data/chunk_index", 0);
                em.put("data/file_index", 0);
                em.put("dataset_from_index", from);
                em.put("dataset_to_index", index);
                em.put("videos/" + videoKey + "/chunk_index", chunk);
                em.put("videos/" + videoKey + "/file_index", file);
                em.put("videos/" + videoKey + "/from_timestamp", (double) fromFrame / o.fps());
                em.put("videos/" + videoKey + "/to_timestamp", (double) fileFrames / o.fps());
                em.put("meta/episodes/chunk_index", 0);
                em.put("meta/episodes/file_index", 0);
                em.put("embody/id", p.episode().id());
                em.put("embody/outcome", p.episode().episode().outcome());
                em.put("embody/stats", episodeStats(w.columns, from, index, videoKey, episodePixels));
                w.episodes.add(em);
                if (progress != null) {
                    progress.episode(ep + 1, plan.size());
                }
            }
        } finally {
            decoder.interrupt();
            if (video != null) {
                video.close();
                w.videoBytes += Files.size(videoPath(root, videoKey, chunk, file));
            }
        }
        return w;
    }

    private static Decoded take(BlockingQueue<Decoded> queue) throws IOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("export interrupted");
        }
    }

    /** The step's state; where the target had not reported one yet, the nearest one it did report. */
    private static double[] state(Planned p, int row) {
        List<RecordedStep> rows = p.rows();
        for (int d = 0; d < rows.size(); d++) {
            for (int i : new int[]{row - d, row + d}) {
                if (i >= 0 && i < rows.size() && rows.get(i).state() != null) {
                    return rows.get(i).state();
                }
            }
        }
        throw new IllegalArgumentException("episode " + p.episode().id() + " names a state (state_names) but records none at any step");
    }

    private static int decider(RecordedStep s) {
        if (s.corrected() || "operator".equals(s.by())) {
            return DECIDERS.indexOf("operator");
        }
        int i = DECIDERS.indexOf(s.by());
        return i >= 0 ? i : DECIDERS.indexOf("policy");
    }

    private static void add(Map<String, List<double[]>> columns, String key, double[] value) {
        columns.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    private static Map<String, Map<String, Object>> episodeStats(Map<String, List<double[]>> columns, long from, long to, String videoKey,
                                                                 FeatureStats.Pixels pixels) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<double[]>> c : columns.entrySet()) {
            double[][] slice = c.getValue().subList((int) from, (int) to).toArray(new double[0][]);
            out.put(c.getKey(), FeatureStats.of(slice, c.getValue().get(0).length));
        }
        out.put(videoKey, pixels.stats());
        return out;
    }

    /** Runs on its own thread: every planned frame of every episode, in order, then an end per episode. */
    private static void decodeAll(List<Planned> plan, BlockingQueue<Decoded> queue) {
        try {
            for (int ep = 0; ep < plan.size(); ep++) {
                Planned p = plan.get(ep);
                FeatureStats.Pixels pixels = new FeatureStats.Pixels();
                decode(ep, p, pixels, queue);
                queue.put(new Decoded(ep, null, 0, 0, 0, pixels, null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            try {
                queue.put(new Decoded(-1, null, 0, 0, 0, null, e));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void decode(int ep, Planned p, FeatureStats.Pixels pixels, BlockingQueue<Decoded> queue) throws Exception {
        if (p.videoFrames().isEmpty()) {
            return;
        }
        Path file = p.episode().video();
        int observed = (int) p.episode().steps().stream().filter(RecordedStep::observed).count();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            try {
                g.start();
            } catch (FFmpegFrameGrabber.Exception e) {
                throw new BadFileException(file, 0, "not a readable video (" + e.getMessage() + "): its frames are cut or missing");
            }
            int at = 0;
            for (int want : p.videoFrames()) {
                org.bytedeco.javacv.Frame f = null;
                while (at <= want) {
                    try {
                        f = g.grabImage();
                    } catch (FFmpegFrameGrabber.Exception e) {
                        f = null;
                    }
                    if (f == null || f.image == null) {
                        throw new BadFileException(file, 0, "ends after " + at + " frames but " + Episode.STEPS + " has " + observed
                                + " steps with a frame: its frames are cut (./run episodes check " + p.episode().dir() + ")");
                    }
                    at++;
                }
                int w = f.imageWidth, h = f.imageHeight, stride = f.imageStride;
                ByteBuffer buf = (ByteBuffer) f.image[0];
                byte[] bgr = new byte[stride * h];
                buf.position(0);
                buf.get(bgr, 0, Math.min(bgr.length, buf.remaining()));
                pixels.add(bgr, w, h, stride);
                queue.put(new Decoded(ep, bgr, w, h, stride, null, null));
            }
            g.stop();
        }
    }

    private static Path videoPath(Path root, String videoKey, int chunk, int file) {
        return root.resolve(VIDEO_PATH.replace("{video_key}", videoKey)
                .replace("{chunk_index:03d}", String.format(Locale.ROOT, "%03d", chunk))
                .replace("{file_index:03d}", String.format(Locale.ROOT, "%03d", file)));
    }

    private static Path dataPath(Path root, String template, int chunk, int file) {
        return root.resolve(template.replace("{chunk_index:03d}", String.format(Locale.ROOT, "%03d", chunk))
                .replace("{file_index:03d}", String.format(Locale.ROOT, "%03d", file)));
    }

    /** info.json, stats.json, tasks.parquet, the episodes' parquet and the data parquet (DuckDB writes the parquet). */
    private static void writeMeta(Path root, List<RecordedEpisode> kept, List<Planned> plan, Options o, Written w, String target, String videoKey,
                                  List<String> commands, List<String> actionNames, List<String> stateNames, Map<String, Integer> tasks,
                                  List<String> leftOut, List<String> notes) throws IOException {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("action", feature("float32", List.of(actionNames.size()), actionNames));
        if (!stateNames.isEmpty()) {
            features.put("observation.state", feature("float32", List.of(stateNames.size()), stateNames));
        }
        Map<String, Object> camera = feature("video", List.of(w.height, w.width, 3), List.of("height", "width", "channels"));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("video.height", w.height);
        info.put("video.width", w.width);
        info.put("video.codec", LeRobotVideo.CODEC);
        info.put("video.pix_fmt", LeRobotVideo.PIX_FMT);
        info.put("video.is_depth_map", false);
        info.put("video.fps", o.fps());
        info.put("video.channels", 3);
        info.put("video.g", o.gop());
        info.put("has_audio", false);
        camera.put("info", info);
        features.put(videoKey, camera);
        for (String k : List.of("timestamp")) {
            features.put(k, feature("float32", List.of(1), null));
        }
        for (String k : List.of("frame_index", "episode_index", "index", "task_index", "decided_by")) {
            features.put(k, feature("int64", List.of(1), null));
        }
        features.put("target_time_s", feature("float32", List.of(1), null));

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("codebase_version", CODEBASE_VERSION);
        meta.put("robot_type", target);
        meta.put("total_episodes", plan.size());
        meta.put("total_frames", w.frames);
        meta.put("total_tasks", tasks.size());
        meta.put("chunks_size", CHUNKS_SIZE);
        meta.put("data_files_size_in_mb", DATA_FILE_MB);
        meta.put("video_files_size_in_mb", VIDEO_FILE_MB);
        meta.put("fps", o.fps());
        meta.put("splits", Map.of("train", "0:" + plan.size()));
        meta.put("data_path", DATA_PATH);
        meta.put("video_path", VIDEO_PATH);
        meta.put("features", features);
        JSON.writeValue(root.resolve("meta/info.json").toFile(), meta);

        Map<String, Object> stats = new LinkedHashMap<>();
        for (Map.Entry<String, List<double[]>> c : w.columns.entrySet()) {
            stats.put(c.getKey(), FeatureStats.of(c.getValue().toArray(new double[0][]), c.getValue().get(0).length));
        }
        stats.put(videoKey, w.pixels.stats());
        JSON.writeValue(root.resolve("meta/stats.json").toFile(), stats);

        Map<String, Object> embody = new LinkedHashMap<>();
        embody.put("exported_from", kept.stream().map(RecordedEpisode::id).toList());
        embody.put("action", "action[0] is the index of the command in 'commands'; the others are the numbers its parameters stand for (0 where another skill's)");
        embody.put("commands", commands);
        embody.put("decided_by", DECIDERS);
        embody.put("timestamps", "one frame per step at fps; target_time_s is the step's time on the target's clock since the episode's first frame");
        embody.put("left_out", leftOut);
        embody.put("notes", notes);
        JSON.writeValue(root.resolve("meta/embody.json").toFile(), embody);

        Path episodesFile = root.resolve("meta/episodes.jsonl.tmp");
        try (OutputStream os = Files.newOutputStream(episodesFile)) {
            for (Map<String, Object> e : w.episodes) {
                Map<String, Object> flat = new LinkedHashMap<>(e);
                @SuppressWarnings("unchecked")
                Map<String, Map<String, Object>> st = (Map<String, Map<String, Object>>) flat.remove("embody/stats");
                st.forEach((feature, s) -> s.forEach((k, v) -> flat.put("stats/" + feature + "/" + k, v)));
                LINES.writeValue(os, flat);
                os.write('\n');
            }
        }
        Path tasksFile = root.resolve("meta/tasks.jsonl.tmp");
        try (OutputStream os = Files.newOutputStream(tasksFile)) {
            for (Map.Entry<String, Integer> t : tasks.entrySet()) {
                LINES.writeValue(os, Map.of("task_index", t.getValue(), "task", t.getKey()));
                os.write('\n');
            }
        }
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            // data: the columns in info.json's order, typed as its features say
            Map<String, String> dataTypes = new LinkedHashMap<>();
            dataTypes.put("action", "FLOAT[]");
            if (!stateNames.isEmpty()) {
                dataTypes.put("observation.state", "FLOAT[]");
            }
            dataTypes.put("timestamp", "FLOAT");
            for (String k : List.of("frame_index", "episode_index", "index", "task_index", "decided_by")) {
                dataTypes.put(k, "BIGINT");
            }
            dataTypes.put("target_time_s", "FLOAT");
            copy(sql, root.resolve("data.jsonl.tmp"), dataTypes, dataPath(root, DATA_PATH, 0, 0), null);

            Map<String, String> episodeTypes = new LinkedHashMap<>();
            episodeTypes.put("episode_index", "BIGINT");
            episodeTypes.put("tasks", "VARCHAR[]");
            episodeTypes.put("length", "BIGINT");
            for (String k : List.of("data/chunk_index", "data/file_index", "dataset_from_index", "dataset_to_index",
                    "videos/" + videoKey + "/chunk_index", "videos/" + videoKey + "/file_index")) {
                episodeTypes.put(k, "BIGINT");
            }
            episodeTypes.put("videos/" + videoKey + "/from_timestamp", "DOUBLE");
            episodeTypes.put("videos/" + videoKey + "/to_timestamp", "DOUBLE");
            episodeTypes.put("meta/episodes/chunk_index", "BIGINT");
            episodeTypes.put("meta/episodes/file_index", "BIGINT");
            episodeTypes.put("embody/id", "VARCHAR");
            episodeTypes.put("embody/outcome", "VARCHAR");
            List<String> statNames = new ArrayList<>(List.of("min", "max", "mean", "std", "count"));
            statNames.addAll(List.of(FeatureStats.QUANTILE_NAMES));
            for (String f : w.columns.keySet()) {
                for (String s : statNames) {
                    episodeTypes.put("stats/" + f + "/" + s, s.equals("count") ? "BIGINT[]" : "DOUBLE[]");
                }
            }
            for (String s : statNames) {
                episodeTypes.put("stats/" + videoKey + "/" + s, s.equals("count") ? "BIGINT[]" : "DOUBLE[][][]");
            }
            copy(sql, episodesFile, episodeTypes, dataPath(root, "meta/episodes/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet", 0, 0), null);

            // pandas reads the task text back as the table's index (LeRobot's load_tasks), as pandas' to_parquet writes it
            Map<String, String> taskTypes = new LinkedHashMap<>();
            taskTypes.put("task_index", "BIGINT");
            taskTypes.put("task", "VARCHAR");
            String pandas = "{\"index_columns\": [\"task\"], \"column_indexes\": [{\"name\": null, \"field_name\": null, \"pandas_type\": \"unicode\", "
                    + "\"numpy_type\": \"object\", \"metadata\": {\"encoding\": \"UTF-8\"}}], \"columns\": [{\"name\": \"task_index\", "
                    + "\"field_name\": \"task_index\", \"pandas_type\": \"int64\", \"numpy_type\": \"int64\", \"metadata\": null}, {\"name\": \"task\", "
                    + "\"field_name\": \"task\", \"pandas_type\": \"unicode\", \"numpy_type\": \"object\", \"metadata\": null}], "
                    + "\"creator\": {\"library\": \"embody\", \"version\": \"0.1.0\"}, \"pandas_version\": \"2.2.3\"}";
            copy(sql, tasksFile, taskTypes, root.resolve("meta/tasks.parquet"), pandas);
        } catch (SQLException e) {
            throw new IOException("DuckDB could not write the parquet files: " + e.getMessage(), e);
        }
        Files.delete(root.resolve("data.jsonl.tmp"));
        Files.delete(episodesFile);
        Files.delete(tasksFile);
    }

    private static Map<String, Object> feature(String dtype, List<Integer> shape, List<String> names) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("dtype", dtype);
        f.put("shape", shape);
        f.put("names", names);
        return f;
    }

    /** JSON lines to parquet, the columns in the given order and types. */
    private static void copy(Statement sql, Path jsonl, Map<String, String> types, Path parquet, String pandasMetadata) throws SQLException, IOException {
        Files.createDirectories(parquet.getParent());
        StringBuilder columns = new StringBuilder(), select = new StringBuilder();
        for (Map.Entry<String, String> t : types.entrySet()) {
            columns.append(columns.length() == 0 ? "" : ", ").append(literal(t.getKey())).append(": ").append(literal(t.getValue()));
            select.append(select.length() == 0 ? "" : ", ").append('"').append(t.getKey().replace("\"", "\"\"")).append('"');
        }
        String kv = pandasMetadata == null ? "" : ", KV_METADATA {pandas: " + literal(pandasMetadata) + "}";
        sql.execute("COPY (SELECT " + select + " FROM read_json(" + literal(jsonl.toString()) + ", format = 'newline_delimited', columns = {"
                + columns + "})) TO " + literal(parquet.toString()) + " (FORMAT parquet" + kv + ")");
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
        log.debug("removed {}", dir);
    }
}
