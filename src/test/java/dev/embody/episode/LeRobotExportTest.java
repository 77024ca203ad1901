package dev.embody.episode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.SimWindowGame;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code episodes export --format lerobot}: recorded episodes of the sim game, a desktop program and the sim robot as
 * LeRobot v3.0 datasets. The parquet is read back by parquet-java (DuckDB wrote it), the video by Debian's ffprobe, and
 * meta/info.json is held against a real v3.0 dataset's: src/test/resources/lerobot/reference-v3.0-info.json, the
 * meta/info.json of a dataset recorded with lerobot-record, from github.com/huggingface/lerobot pull request #3443
 * (commit 99d15d6e037f20d0bff5f600bceed0464c9784b0, nero/eval_act/meta/info.json). The columns checked are the ones
 * LeRobot's v3.0 code reads and writes (src/lerobot/datasets/dataset_metadata.py, dataset_writer.py, io_utils.py).
 */
@Tag("external")
@Tag("slow")
class LeRobotExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void simGameEpisodes_becomeADataset_correctionsAreFrameTasks_badOnesLeftOut_trimsHonoured() throws Exception {
        Path eps = dir.resolve("eps");
        // a correction at step 2 (the operator's text is the task of that frame), a trim, and an episode marked bad
        Path corrected = EpisodeFixtures.record(eps, 11, 1, Map.of(2, "move(direction=down, amount=small)"), null, 8).dir();
        EpisodeEdit.apply(corrected, null, "1..", false);
        Path plain = EpisodeFixtures.record(eps, 12, 1, Map.of(), null, 5).dir();
        Path bad = EpisodeFixtures.record(eps, 13, 1, Map.of(), null, 4).dir();
        EpisodeEdit.apply(bad, "bad", null, false);

        Path out = dir.resolve("sim-game-dataset");
        CliRun run = CliRun.of("episodes", "export", "--format", "lerobot", out.toString(), "--dir", eps.toString(), "--no-progress");
        assertThat(run.exit()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("left out   " + bad.getFileName() + ": marked bad", "exported 2 episodes, 12 frames");
        assertThat(run.out()).contains("LeRobotDataset(");

        JsonNode info = checkDataset(out, 2, 12);
        assertThat(info.path("robot_type").asText()).isEqualTo("sim-game");
        assertThat(info.path("features").has("observation.state")).as("the sim game records no state").isFalse();

        JsonNode embody = JSON.readTree(out.resolve("meta/embody.json").toFile());
        List<String> commands = new ArrayList<>();
        embody.path("commands").forEach(c -> commands.add(c.asText()));
        List<Map<String, Object>> data = read(out.resolve("data/chunk-000/file-000.parquet"));
        List<Map<String, Object>> tasks = read(out.resolve("meta/tasks.parquet"));
        Map<Long, String> taskText = new LinkedHashMap<>();
        tasks.forEach(t -> taskText.put((Long) t.get("task_index"), (String) t.get("task")));

        // episode 0 is the corrected one, trimmed to steps 1..7: its frame 1 is step 2, the corrected step
        RecordedEpisode rec = RecordedEpisode.read(corrected);
        List<RecordedStep> kept = rec.steps().subList(1, rec.steps().size());
        List<Map<String, Object>> ep0 = data.stream().filter(r -> (Long) r.get("episode_index") == 0).toList();
        assertThat(ep0).hasSize(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            RecordedStep s = kept.get(i);
            Map<String, Object> r = ep0.get(i);
            @SuppressWarnings("unchecked")
            List<Float> action = (List<Float>) r.get("action");
            assertThat(commands.get(Math.round(action.get(0)))).as("the action's command at step " + s.step()).isEqualTo(s.command().toString());
            String task = taskText.get((Long) r.get("task_index"));
            long decidedBy = (Long) r.get("decided_by");
            if (s.corrected()) {
                assertThat(task).isEqualTo(s.correction()).startsWith("operator says");
                assertThat(LeRobotExport.DECIDERS.get((int) decidedBy)).isEqualTo("operator");
            } else {
                assertThat(task).isEqualTo("collect all coins");
                assertThat(LeRobotExport.DECIDERS.get((int) decidedBy)).isEqualTo("policy");
            }
        }
        assertThat(ep0.get(1).get("task_index")).as("step 2 was corrected").isNotEqualTo(ep0.get(0).get("task_index"));
        // the action's numbers: the skill files' values (move's amount 'small' holds for 100 ms)
        List<String> names = new ArrayList<>();
        info.path("features").path("action").path("names").forEach(n -> names.add(n.asText()));
        assertThat(names.get(0)).isEqualTo("command");
        assertThat(names).contains("move.amount.ms");
        @SuppressWarnings("unchecked")
        List<Float> corrective = (List<Float>) ep0.get(1).get("action");
        assertThat(corrective.get(names.indexOf("move.amount.ms"))).isEqualTo(100f);

        List<Map<String, Object>> episodes = read(out.resolve("meta/episodes/chunk-000/file-000.parquet"));
        assertThat(episodes.get(0).get("tasks")).asList().containsExactly("collect all coins", kept.get(1).correction());
        assertThat(episodes.get(1).get("tasks")).asList().containsExactly("collect all coins");
        assertThat(episodes.get(1).get("embody/id")).isEqualTo(plain.getFileName().toString());
    }

    @Test
    void aSimRobotEpisode_hasItsPoseAsObservationState_andItsMovesNumbersAsTheAction() throws Exception {
        CliRun live = CliRun.of("live", "--target", "sim-robot", "--episodes", "1", "--max-steps", "6", "--seed", "3",
                "--episodes-dir", dir.resolve("eps").toString(), "--memory", dir.resolve("mem").toString());
        assertThat(live.exit()).as(live.err()).isZero();
        Path out = dir.resolve("robot-dataset");
        CliRun run = CliRun.of("episodes", "export", "--format", "lerobot", out.toString(), "--dir", dir.resolve("eps").toString());
        assertThat(run.exit()).as(run.err() + run.out()).isZero();
        assertThat(run.err()).as("progress on stderr").contains("export [");
        JsonNode info = checkDataset(out, 1, 6);
        JsonNode state = info.path("features").path("observation.state");
        assertThat(state.path("names").toString()).isEqualTo("[\"x_m\",\"y_m\",\"heading_deg\"]");
        assertThat(info.path("features").has("observation.images.camera")).isTrue();
        assertThat(info.path("features").path("action").path("names").toString()).contains("\"move.amount.m\"", "\"turn.amount.deg\"");

        Path episode;
        try (Stream<Path> s = Files.list(dir.resolve("eps"))) {
            episode = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        RecordedEpisode rec = RecordedEpisode.read(episode);
        List<Map<String, Object>> data = read(out.resolve("data/chunk-000/file-000.parquet"));
        int reported = 0;
        for (int i = 0; i < data.size(); i++) {
            @SuppressWarnings("unchecked")
            List<Float> st = (List<Float>) data.get(i).get("observation.state");
            assertThat(st).hasSize(3);
            double[] recorded = rec.steps().get(i).state();
            if (recorded == null) {
                // only before the robot's first report on its state topic (a loaded machine may hand out a frame first);
                // the export then gives the nearest pose reported
                assertThat(reported).as("step %d has no pose, after %d steps that had one", i, reported).isZero();
                continue;
            }
            reported++;
            for (int k = 0; k < 3; k++) {
                assertThat((double) st.get(k)).isCloseTo(recorded[k], org.assertj.core.data.Offset.offset(1e-3));
            }
        }
        assertThat(reported).as("the recorder keeps the robot's pose at the frames after its first report").isGreaterThan(data.size() / 2);
        // the robot turned or moved: its pose is not the same at every frame
        assertThat(data.stream().map(r -> r.get("observation.state").toString()).distinct().count()).isGreaterThan(1);
    }

    @Test
    void aDesktopProgramsEpisode_isExportedTheSameWay() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: this test needs an X server (./run tests starts Xvfb)");
        Path cal = SimWindowGame.calibration(dir, 3.0);
        try (SimWindowGame game = SimWindowGame.start(dir, "--seed", "1", "--time-limit", "600")) {
            CliRun live = CliRun.of("live", "--target", "desktop", "--calibration", cal.toString(), "--episodes", "1", "--max-steps", "5",
                    "--episodes-dir", dir.resolve("eps").toString(), "--memory", dir.resolve("mem").toString());
            assertThat(live.exit()).as(live.err()).isZero();
        }
        Path out = dir.resolve("desktop-dataset");
        CliRun run = CliRun.of("episodes", "export", "--format", "lerobot", out.toString(), "--dir", dir.resolve("eps").toString(), "--no-progress");
        assertThat(run.exit()).as(run.err() + run.out()).isZero();
        JsonNode info = checkDataset(out, 1, 5);
        assertThat(info.path("robot_type").asText()).isEqualTo("desktop");
        assertThat(info.path("features").has("observation.images.screen")).isTrue();
    }

    @Test
    void refusals_leaveNothingBehind_aBadId_anOutFolderNotEmpty_anEpisodeWhoseFramesAreCut() throws Exception {
        Path eps = dir.resolve("eps");
        Path good = EpisodeFixtures.record(eps, 21, 1, Map.of(), null, 4).dir();

        CliRun badId = CliRun.of("episodes", "export", "--format", "lerobot", dir.resolve("o1").toString(), "no-such-episode", "--dir", eps.toString());
        assertThat(badId.exit()).isEqualTo(2);
        assertThat(badId.err()).contains("no episode or folder of episodes 'no-such-episode'");
        assertThat(dir.resolve("o1")).doesNotExist();

        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        CliRun notEmpty = CliRun.of("episodes", "export", "--format", "lerobot", full.toString(), "--dir", eps.toString());
        assertThat(notEmpty.exit()).isEqualTo(2);
        assertThat(notEmpty.err()).contains("is not empty");
        assertThat(Files.readString(full.resolve("keep.txt"))).isEqualTo("mine");
        try (Stream<Path> s = Files.list(full)) {
            assertThat(s.count()).isEqualTo(1);
        }

        CliRun format = CliRun.of("episodes", "export", "--format", "rlds", dir.resolve("o2").toString(), "--dir", eps.toString());
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("--format");

        // a second episode whose video lost its second half: found part way, after the first episode was written
        Path cut = eps.resolve("zz-cut");
        Files.createDirectories(cut);
        for (String f : List.of(Episode.META, Episode.STEPS)) {
            Files.copy(good.resolve(f), cut.resolve(f));
        }
        byte[] video = Files.readAllBytes(good.resolve(Episode.VIDEO));
        Files.write(cut.resolve(Episode.VIDEO), java.util.Arrays.copyOf(video, video.length / 2));
        Path out = dir.resolve("o3");
        CliRun frames = CliRun.of("episodes", "export", "--format", "lerobot", out.toString(), "--dir", eps.toString(), "--no-progress");
        assertThat(frames.exit()).as(frames.err()).isEqualTo(3);
        assertThat(frames.err()).contains("frames.mp4", "its frames are cut");
        assertThat(out).doesNotExist();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temporary folder left").noneMatch(n -> n.contains(".export-"));
        }
    }

    /** Every file and field of a v3.0 dataset, read back by parquet-java and ffprobe; returns its info.json. */
    private JsonNode checkDataset(Path out, int episodes, int frames) throws Exception {
        JsonNode info = JSON.readTree(out.resolve("meta/info.json").toFile());
        JsonNode reference = JSON.readTree(getClass().getResourceAsStream("/lerobot/reference-v3.0-info.json"));
        // the same top-level fields, path templates and version as the real dataset's
        List<String> referenceKeys = new ArrayList<>();
        reference.fieldNames().forEachRemaining(referenceKeys::add);
        List<String> ours = new ArrayList<>();
        info.fieldNames().forEachRemaining(ours::add);
        assertThat(ours).containsExactlyInAnyOrderElementsOf(referenceKeys);
        for (String same : List.of("codebase_version", "data_path", "video_path", "chunks_size", "data_files_size_in_mb", "video_files_size_in_mb")) {
            assertThat(info.get(same)).as(same).isEqualTo(reference.get(same));
        }
        assertThat(info.path("total_episodes").asInt()).isEqualTo(episodes);
        assertThat(info.path("total_frames").asInt()).isEqualTo(frames);
        assertThat(info.path("splits").path("train").asText()).isEqualTo("0:" + episodes);
        int fps = info.path("fps").asInt();
        // every feature the reference has that is not its own robot's (action, state, cameras) is here with the same dtype, shape and names
        JsonNode refFeatures = reference.path("features");
        for (String k : List.of("timestamp", "frame_index", "episode_index", "index", "task_index")) {
            assertThat(info.path("features").get(k)).as(k).isEqualTo(refFeatures.get(k));
        }
        JsonNode refCamera = refFeatures.path("observation.images.front");
        String videoKey = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = info.path("features").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            assertThat(f.getValue().has("dtype") && f.getValue().has("shape") && f.getValue().has("names")).as(f.getKey()).isTrue();
            if (f.getValue().path("dtype").asText().equals("video")) {
                videoKey = f.getKey();
                List<String> refInfo = new ArrayList<>();
                refCamera.path("info").fieldNames().forEachRemaining(refInfo::add);
                List<String> ourInfo = new ArrayList<>();
                f.getValue().path("info").fieldNames().forEachRemaining(ourInfo::add);
                assertThat(ourInfo).containsAll(refInfo);
                assertThat(f.getValue().path("names")).isEqualTo(refCamera.path("names"));
                assertThat(f.getValue().path("info").path("video.pix_fmt").asText()).isEqualTo("yuv420p");
            }
        }
        assertThat(videoKey).startsWith("observation.images.");
        assertThat(info.path("features").path("action").path("dtype").asText()).isEqualTo(refFeatures.path("action").path("dtype").asText());

        // data: exactly the non-video features as columns, rows in order
        List<Map<String, Object>> data = read(out.resolve("data/chunk-000/file-000.parquet"));
        assertThat(data).hasSize(frames);
        List<String> expectedColumns = new ArrayList<>();
        info.path("features").fields().forEachRemaining(f -> {
            if (!f.getValue().path("dtype").asText().equals("video")) {
                expectedColumns.add(f.getKey());
            }
        });
        assertThat(columns(out.resolve("data/chunk-000/file-000.parquet"))).containsExactlyElementsOf(expectedColumns);
        for (int i = 0; i < data.size(); i++) {
            Map<String, Object> r = data.get(i);
            assertThat(r.get("index")).isEqualTo((long) i);
            assertThat((Float) r.get("timestamp")).isEqualTo((float) ((Long) r.get("frame_index") / (double) fps));
            @SuppressWarnings("unchecked")
            List<Float> action = (List<Float>) r.get("action");
            assertThat(action).hasSize(info.path("features").path("action").path("shape").get(0).asInt());
        }

        // tasks: task_index and the text, which pandas reads back as the index (LeRobot's load_tasks)
        List<Map<String, Object>> tasks = read(out.resolve("meta/tasks.parquet"));
        assertThat(tasks).hasSize(info.path("total_tasks").asInt());
        assertThat(columns(out.resolve("meta/tasks.parquet"))).containsExactly("task_index", "task");
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(out.resolve("meta/tasks.parquet").toString()), new Configuration()))) {
            JsonNode pandas = JSON.readTree(r.getFooter().getFileMetaData().getKeyValueMetaData().get("pandas"));
            assertThat(pandas.path("index_columns").toString()).isEqualTo("[\"task\"]");
        }

        // episodes: the columns LeRobot's writer gives each episode
        Path episodesFile = out.resolve("meta/episodes/chunk-000/file-000.parquet");
        List<Map<String, Object>> eps = read(episodesFile);
        assertThat(eps).hasSize(episodes);
        List<String> epColumns = columns(episodesFile);
        assertThat(epColumns).contains("episode_index", "tasks", "length", "data/chunk_index", "data/file_index", "dataset_from_index", "dataset_to_index",
                "videos/" + videoKey + "/chunk_index", "videos/" + videoKey + "/file_index", "videos/" + videoKey + "/from_timestamp",
                "videos/" + videoKey + "/to_timestamp", "meta/episodes/chunk_index", "meta/episodes/file_index");
        JsonNode stats = JSON.readTree(out.resolve("meta/stats.json").toFile());
        for (Iterator<String> it = info.path("features").fieldNames(); it.hasNext(); ) {
            String f = it.next();
            for (String s : List.of("min", "max", "mean", "std", "count", "q01", "q50", "q99")) {
                assertThat(stats.path(f).has(s)).as("stats.json " + f + "/" + s).isTrue();
                assertThat(epColumns).as("episode stats").contains("stats/" + f + "/" + s);
            }
            JsonNode shape = info.path("features").path(f).path("shape");
            if (info.path("features").path(f).path("dtype").asText().equals("video")) {
                assertThat(stats.path(f).path("mean").size()).isEqualTo(3);
                assertThat(stats.path(f).path("mean").get(0).toString()).matches("\\[\\[[0-9.E-]+]]");
            } else {
                assertThat(stats.path(f).path("mean").size()).as(f).isEqualTo(shape.get(0).asInt());
            }
        }
        assertThat(stats.path("index").path("count").get(0).asLong()).isEqualTo(frames);

        // video: ffprobe counts the frames, each episode's at from_timestamp + i/fps, keyframes every video.g frames
        Path video = out.resolve("videos/" + videoKey + "/chunk-000/file-000.mp4");
        JsonNode stream = JSON.readTree(ffprobe("-select_streams", "v:0", "-count_frames", "-show_entries",
                "stream=codec_name,pix_fmt,width,height,nb_read_frames", "-of", "json", video.toString())).path("streams").get(0);
        assertThat(stream.path("codec_name").asText()).isEqualTo("h264");
        assertThat(stream.path("pix_fmt").asText()).isEqualTo("yuv420p");
        assertThat(stream.path("nb_read_frames").asInt()).isEqualTo(frames);
        JsonNode camera = info.path("features").path(videoKey);
        assertThat(stream.path("width").asInt()).isEqualTo(camera.path("shape").get(1).asInt());
        assertThat(stream.path("height").asInt()).isEqualTo(camera.path("shape").get(0).asInt());
        JsonNode probed = JSON.readTree(ffprobe("-select_streams", "v:0", "-show_entries", "frame=pts_time,key_frame", "-of", "json", video.toString())).path("frames");
        assertThat(probed.size()).isEqualTo(frames);
        int gop = camera.path("info").path("video.g").asInt();
        for (int i = 0; i < probed.size(); i++) {
            assertThat(probed.get(i).path("key_frame").asInt()).as("frame " + i + " is a keyframe").isEqualTo(i % gop == 0 ? 1 : 0);
        }
        for (Map<String, Object> e : eps) {
            double from = (Double) e.get("videos/" + videoKey + "/from_timestamp");
            double to = (Double) e.get("videos/" + videoKey + "/to_timestamp");
            long length = (Long) e.get("length");
            long first = (Long) e.get("dataset_from_index");
            assertThat((Long) e.get("dataset_to_index") - first).isEqualTo(length);
            assertThat(to - from).isCloseTo(length / (double) fps, org.assertj.core.data.Offset.offset(1e-9));
            for (int i = 0; i < length; i++) {
                double pts = probed.get((int) first + i).path("pts_time").asDouble();
                assertThat(pts).as("episode " + e.get("episode_index") + " frame " + i).isCloseTo(from + i / (double) fps, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        return info;
    }

    private static String ffprobe(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("ffprobe " + String.join(" ", args) + ": " + err).isZero();
        return out;
    }

    private static List<String> columns(Path parquet) throws Exception {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(parquet.toString()), new Configuration()))) {
            return r.getFooter().getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList();
        }
    }

    /** Every row of a parquet file as column -> value (a list column as a Java list), by parquet-java. */
    static List<Map<String, Object>> read(Path parquet) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        MessageType schema;
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(parquet.toString()), new Configuration()))) {
            schema = r.getFooter().getFileMetaData().getSchema();
        }
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(parquet.toString())).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (Type t : schema.getFields()) {
                    row.put(t.getName(), value(g, t));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Object value(Group g, Type t) {
        int i = g.getType().getFieldIndex(t.getName());
        if (g.getFieldRepetitionCount(i) == 0) {
            return null;
        }
        if (t.isPrimitive()) {
            return switch (t.asPrimitiveType().getPrimitiveTypeName()) {
                case INT64 -> g.getLong(i, 0);
                case INT32 -> (long) g.getInteger(i, 0);
                case FLOAT -> g.getFloat(i, 0);
                case DOUBLE -> g.getDouble(i, 0);
                case BOOLEAN -> g.getBoolean(i, 0);
                default -> g.getString(i, 0);
            };
        }
        // a LIST: group { repeated group list { element } }
        Group list = g.getGroup(i, 0);
        GroupType listType = t.asGroupType();
        Type repeated = listType.getType(0);
        List<Object> out = new ArrayList<>();
        for (int k = 0; k < list.getFieldRepetitionCount(0); k++) {
            Group item = list.getGroup(0, k);
            out.add(value(item, repeated.asGroupType().getType(0)));
        }
        return out;
    }
}
