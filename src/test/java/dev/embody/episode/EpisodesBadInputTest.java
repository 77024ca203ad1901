package dev.embody.episode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.cli.Main;
import dev.embody.curation.TagCuration;
import dev.embody.loop.Actuator;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Goal;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Intervention;
import dev.embody.loop.Modules;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad and awkward episodes as a user meets them, through the command line ({@code episodes check}, {@code replay},
 * {@code train}): each case with the exit code and the message it must give, and nothing saved lost.
 */
class EpisodesBadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    /** An episode of the embedded game with one operator correction (a training example). */
    static Path corrected;

    @BeforeAll
    static void record() throws Exception {
        corrected = EpisodeFixtures.record(tmp.resolve("recorded"), 41, 1, Map.of(2, "move(direction=up, amount=small)"), null, 20).dir();
    }

    // ---- failed steps

    /** The embedded game behind a camera that times out once, at one call of next(). */
    private record CameraThatTimesOutOnce(SimGameTarget game, int failAt) implements Target {
        @Override
        public String name() {
            return game.name();
        }

        @Override
        public FrameSource frames() {
            FrameSource inner = game.frames();
            int[] calls = {0};
            return () -> {
                if (calls[0]++ == failAt) {
                    throw new IOException("no new camera frame within 6000 ms");
                }
                return inner.next();
            };
        }

        @Override
        public Actuator actuator() {
            return game.actuator();
        }

        @Override
        public Outcome outcome() {
            return game.outcome();
        }

        @Override
        public Map<String, Object> describe() {
            return game.describe();
        }

        @Override
        public Map<String, Object> score() {
            return game.score();
        }
    }

    /**
     * Records the embedded game through the real loop and recorder, with an operator correction at step 2, perception
     * that fails on the frame of step 4, and a capture that times out at step 7.
     */
    private static Path recordWithFailedSteps(Path root) throws Exception {
        SkillLibrary library = EpisodeFixtures.library();
        SimGame game = SimGame.of(43, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        Target target = new CameraThatTimesOutOnce(new SimGameTarget(game), 7);
        OperatorInbox inbox = new OperatorInbox();
        ScenePlannerPolicy policy = new ScenePlannerPolicy(library);
        try (GameSceneParser parser = GameSceneParser.forSimGame();
             var modules = SimGameProfile.standard().modules(library);
             EpisodeRecorder recorder = EpisodeRecorder.start(root, "failed-steps", target,
                     EpisodeRecorder.facts(SimGameProfile.standard().describe(), modules, library, SimGame.COLLECT_COINS, 1))) {
            InformationGathering glitchy = (obs, memory) -> {
                if (obs.index() == 4) {
                    throw new IllegalStateException("frame grabber glitch: half a frame");
                }
                return parser.gather(obs, memory);
            };
            AgentLoop.EpisodeResult r = AgentLoop.builder().target(target).library(library)
                    .modules(new Modules(glitchy, new SceneChangeReflection(), new GoalTaskInference(), new TagCuration(), policy))
                    .memory(EpisodicMemory.inMemory()).inbox(inbox).goal(SimGame.COLLECT_COINS).period(Duration.ofMillis(100)).maxSteps(12)
                    .listener(recorder).listener((step, obs) -> {
                        if (step.index() == 1) {
                            inbox.submit(Intervention.command(SkillCall.parse("move(direction=up, amount=small)"), "go up a bit", "test"));
                        }
                    }).build().run();
            assertThat(r.steps()).isEqualTo(12);
        }
        return root.resolve("failed-steps");
    }

    @Test
    void anEpisodeWithFailedStepsChecksReplaysAndTrainsWithEveryStepNumberPresentAndEachFailedStepRecordedAsFailed() throws Exception {
        Path dir = recordWithFailedSteps(tmp.resolve("failed"));
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve(Episode.STEPS))) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines).extracting(n -> n.path("step").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        JsonNode gather = lines.get(4), capture = lines.get(7);
        assertThat(gather.path("failed").asBoolean()).isTrue();
        assertThat(gather.path("failed_at").asText()).isEqualTo("gather");
        assertThat(gather.path("error").asText()).contains("frame grabber glitch");
        assertThat(gather.path("frame").isIntegralNumber()).as("it saw a frame").isTrue();
        assertThat(gather.path("command").isNull()).as("nothing was decided").isTrue();
        assertThat(capture.path("failed_at").asText()).isEqualTo("capture");
        assertThat(capture.path("error").asText()).contains("no new camera frame");
        assertThat(capture.path("frame").isNull()).isTrue();
        assertThat(lines.get(2).path("by").asText()).isEqualTo("operator");
        assertThat(lines.stream().filter(n -> n.path("failed").asBoolean())).hasSize(2);
        assertThat(JSON.readTree(dir.resolve(Episode.META).toFile()).path("failed_steps").asInt()).isEqualTo(2);
        Map<String, String> saved = snapshot(dir);

        CliRun check = CliRun.of("episodes", "check", dir.toString());
        assertThat(check.exit()).as(check.out() + check.err()).isEqualTo(Main.OK);
        assertThat(check.out()).contains("ok   " + dir + ": 12 steps (2 failed), 11 frames");

        Path report = tmp.resolve("failed-report");
        CliRun replay = CliRun.of("replay", dir.toString(), "--out", report.toString(), "--no-progress");
        assertThat(replay.exit()).as(replay.out() + replay.err()).isEqualTo(Main.OK);
        // neither failed step had a decision: passed over, not samples of agreement; the other ten replay and agree
        assertThat(replay.line("episode 1/1")).contains("steps=10/12", " agreement=1.000 (9/9)", "failed=2 (0 compared)")
                .containsPattern("correction_agreement=\\d\\.\\d{3} \\(\\d/1\\)");
        JsonNode ep = JSON.readTree(report.resolve("report.json").toFile()).path("episodes").get(0);
        assertThat(ep.path("failed_steps").asInt()).isEqualTo(2);
        assertThat(ep.path("failed_compared").asInt()).isZero();
        assertThat(ep.path("failed")).extracting(n -> n.path("step").asInt() + " " + n.path("failed_at").asText() + " " + n.path("compared").asBoolean())
                .containsExactly("4 gather false", "7 capture false");
        assertThat(ep.path("decisions")).extracting(n -> n.path("step").asInt()).doesNotContain(4, 7).hasSize(10);
        assertThat(Files.readString(report.resolve("report.html"))).contains("Failed when recorded", "failed at gather: frame grabber glitch");

        CliRun train = CliRun.of("train", "--episodes-dir", dir.getParent().toString(), "--checkpoints", tmp.resolve("failed-ck").toString(),
                "--gate-episodes", "0", "--epochs", "1", "--train-steps", "2");
        assertThat(train.exit()).as(train.out() + train.err()).isEqualTo(Main.OK);
        assertThat(train.line("dataset: ")).startsWith("dataset: 1 examples from 1 episodes").contains("1 corrections");
        // a machine without a GPU is the usual case: DJL's probe does not warn about it on every run
        assertThat(train.err()).doesNotContain("Failed to detect GPU count");

        // open loop: a failed step re-sends nothing (it sent nothing known), one without a frame has no time to keep
        CliRun actuate = CliRun.of("replay", dir.toString(), "--actuate", "sim-game");
        assertThat(actuate.exit()).as(actuate.out() + actuate.err()).isEqualTo(Main.OK);
        assertThat(actuate.line("actuated ")).contains("steps=11/12", "keys_held=[]");

        assertThat(snapshot(dir)).as("check, replay and train change nothing saved").isEqualTo(saved);
    }

    @Tag("slow")
    @Test
    void robotCommandsRefusedByTheLimitsAreRecordedAsFailedStepsWithTheDecisionThatWasRefused() throws Exception {
        Path cal = tmp.resolve("tight-limits");
        Files.createDirectories(cal);
        try (Stream<Path> s = Files.list(Path.of("calibration/robot"))) {
            for (Path p : s.toList()) {
                Files.copy(p, cal.resolve(p.getFileName()));
            }
        }
        Path limits = cal.resolve("limits.yaml");
        // every move the robot's skills make is longer than this
        Files.writeString(limits, Files.readString(limits).replaceAll("max_distance_m: *[0-9.]+", "max_distance_m: 0.005"));
        Path eps = tmp.resolve("robot-episodes");
        CliRun live = CliRun.of("live", "--target", "sim-robot", "--episodes", "1", "--max-steps", "8", "--rate", "0",
                "--calibration", cal.toString(), "--episodes-dir", eps.toString(), "--memory", tmp.resolve("robot-memory").toString(),
                "--no-stdin-corrections");
        assertThat(live.err()).as(live.out() + live.err()).contains("command refused before sending");
        Path dir;
        try (Stream<Path> s = Files.list(eps)) {
            dir = s.findFirst().orElseThrow();
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve(Episode.STEPS))) {
            lines.add(JSON.readTree(l));
        }
        JsonNode meta = JSON.readTree(dir.resolve(Episode.META).toFile());
        assertThat(lines).hasSize(meta.path("steps").asInt());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i).path("step").asInt()).isEqualTo(i);
        }
        List<JsonNode> refused = lines.stream().filter(n -> n.path("failed").asBoolean()).toList();
        assertThat(refused).isNotEmpty().allSatisfy(n -> {
            assertThat(n.path("failed_at").asText()).isEqualTo("act");
            assertThat(n.path("error").asText()).contains("refused", "outside (0, 0.005] m");
            assertThat(n.path("command").asText()).startsWith("move(");
            assertThat(n.path("by").asText()).isEqualTo("robot-scene-planner");
        });

        CliRun check = CliRun.of("episodes", "check", dir.toString());
        assertThat(check.exit()).as(check.out() + check.err()).isEqualTo(Main.OK);
        assertThat(check.out()).contains("ok   " + dir + ": " + lines.size() + " steps (" + refused.size() + " failed)");
        CliRun replay = CliRun.of("replay", dir.toString(), "--policy", "baseline", "--out", tmp.resolve("robot-report").toString(), "--no-progress");
        assertThat(replay.exit()).as(replay.out() + replay.err()).isEqualTo(Main.OK);
        // a refused command was decided: it is compared like any other
        assertThat(replay.line("episode 1/1")).contains("steps=" + lines.size() + "/" + lines.size(),
                " agreement=1.000 (" + lines.size() + "/" + lines.size() + ")", "failed=" + refused.size() + " (" + refused.size() + " compared)");
    }

    // ---- videos

    @Test
    void anUnreadableVideoIsABadFileToCheckAndReplayAlike() throws Exception {
        Path dir = copy(corrected, "garbage-video");
        Files.write(dir.resolve(Episode.VIDEO), "this is not a video at all".repeat(100).getBytes(StandardCharsets.UTF_8));
        Path video = dir.resolve(Episode.VIDEO);

        CliRun check = CliRun.of("episodes", "check", dir.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.out()).contains("bad  " + video + ": not a readable video");
        CliRun replay = CliRun.of("replay", dir.toString(), "--out", tmp.resolve("garbage-report").toString(), "--no-progress");
        assertThat(replay.exit()).as(replay.out() + replay.err()).isEqualTo(Main.BAD_FILE);
        assertThat(replay.err()).contains("error: " + video + ": not a readable video");
    }

    @Test
    void aTruncatedVideoIsCutOffToCheckAndReplayAlikeAndWhatItHoldsStillReplays() throws Exception {
        Path dir = copy(corrected, "truncated-video");
        Path video = dir.resolve(Episode.VIDEO);
        byte[] bytes = Files.readAllBytes(video);
        Files.write(video, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        int frames = RecordedFrames.countFrames(video);
        int steps = Files.readAllLines(dir.resolve(Episode.STEPS)).size();
        assertThat(frames).isPositive().isLessThan(steps);

        CliRun check = CliRun.of("episodes", "check", dir.toString());
        assertThat(check.exit()).as(check.out()).isEqualTo(Main.OK);
        assertThat(check.out()).contains("cut  " + dir, video + " ends after " + frames + " frames but", "replayable up to step " + (frames - 1));
        Path report = tmp.resolve("truncated-report");
        CliRun replay = CliRun.of("replay", dir.toString(), "--out", report.toString(), "--no-progress");
        assertThat(replay.exit()).as(replay.out() + replay.err()).isEqualTo(Main.OK);
        assertThat(replay.line("episode 1/1")).contains("steps=" + frames + "/" + steps, "(cut off)");
        assertThat(replay.err()).contains(video + " ends after " + frames + " frames");
    }

    // ---- steps

    @Test
    void aStepNamingACommandItsSkillsDoNotHaveIsNamedWithItsLineTheCommandAndTheSkillsVersion() throws Exception {
        Path dir = copy(corrected, "unknown-command");
        Path steps = dir.resolve(Episode.STEPS);
        List<String> lines = new ArrayList<>(Files.readAllLines(steps));
        lines.set(3, lines.get(3).replaceFirst("\"command\":\"[^\"]*\"", "\"command\":\"fly(direction=up)\""));
        Files.write(steps, lines);
        String version = JSON.readTree(dir.resolve(Episode.META).toFile()).path("skills_version").asText();

        CliRun check = CliRun.of("episodes", "check", dir.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.out()).contains("bad  " + steps + ":4: command 'fly(direction=up)' is not a command of the episode's skills (version "
                + version);
    }

    @Test
    void aStepLineThatIsNotUtf8IsNamedWithItsLineAndByte() throws Exception {
        Path dir = copy(corrected, "latin1-step");
        Path steps = dir.resolve(Episode.STEPS);
        List<String> lines = new ArrayList<>(Files.readAllLines(steps));
        lines.set(1, lines.get(1).replace("\"why\":\"", "\"why\":\"caf\u00e9 "));
        Files.write(steps, lines, StandardCharsets.ISO_8859_1);

        CliRun check = CliRun.of("episodes", "check", dir.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.out()).containsPattern("bad  " + java.util.regex.Pattern.quote(steps + ":2: not UTF-8 text (byte 0xe9 at column ") + "\\d+\\)");
    }

    // ---- training

    @Test
    void trainSkipsAnEpisodeWhoseVideoOrMetaDoesNotReadNamingFileAndReasonAndTrainsOnTheRest() throws Exception {
        Path batch = tmp.resolve("train-batch");
        copy(corrected, "train-batch/a-good");
        Path badVideo = copy(corrected, "train-batch/b-bad-video");
        Files.write(badVideo.resolve(Episode.VIDEO), new byte[4096]);
        Path badMeta = copy(corrected, "train-batch/c-bad-meta");
        Files.writeString(badMeta.resolve(Episode.META), "{\"id\": \"c-bad-meta\", \"target\": ");
        Map<String, String> saved = snapshot(batch);

        CliRun train = CliRun.of("train", "--episodes-dir", batch.toString(), "--checkpoints", tmp.resolve("batch-ck").toString(),
                "--gate-episodes", "0", "--epochs", "1", "--train-steps", "2");
        assertThat(train.exit()).as(train.out() + train.err()).isEqualTo(Main.OK);
        assertThat(train.err()).contains("warning: skipped an episode that does not read: " + badVideo.resolve(Episode.VIDEO) + ": not a readable video",
                "warning: skipped an episode that does not read: " + badMeta.resolve(Episode.META) + ":1: not valid JSON");
        assertThat(train.line("dataset: ")).startsWith("dataset: 1 examples from 1 episodes").endsWith("2 episodes skipped (named above)");
        assertThat(train.out()).contains("v0001: loss");
        assertThat(snapshot(batch)).as("nothing saved is lost").isEqualTo(saved);
    }

    // ---- helpers

    private static Path copy(Path episode, String name) throws Exception {
        Path dst = tmp.resolve(name);
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(episode)) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    /** Every file under a folder and a hash of its bytes. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }
}
