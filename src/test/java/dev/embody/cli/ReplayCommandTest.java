package dev.embody.cli;

import dev.embody.profile.SimGameProfile;
import dev.embody.testkit.CliRun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.episode.Episode;
import dev.embody.episode.EpisodeFixtures;
import dev.embody.episode.RecordedFrames;
import dev.embody.testkit.EmbodyProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("slow")
class ReplayCommandTest {

    @TempDir
    static Path tmp;
    static Path episodes;
    static Path good;
    static Path corrected;

    @BeforeAll
    static void record() throws Exception {
        episodes = tmp.resolve("episodes");
        good = EpisodeFixtures.record(episodes, 21, 1).dir();
        corrected = EpisodeFixtures.record(episodes, 22, 1, Map.of(3, "move(direction=up, amount=small)")).dir();
    }

    /** A folder holding copies of the good episodes and one whose steps.jsonl is cut in the middle of line 3. */
    private static Path batchWithACorruptEpisode() throws Exception {
        Path batch = tmp.resolve("batch");
        if (Files.exists(batch)) {
            return batch;
        }
        Map<String, Path> copies = Map.of("a-good", good, "a-corrected", corrected, "b-corrupt", good);
        for (var c : copies.entrySet()) {
            Path dst = batch.resolve(c.getKey());
            Files.createDirectories(dst);
            try (Stream<Path> s = Files.list(c.getValue())) {
                for (Path p : s.toList()) {
                    Files.copy(p, dst.resolve(p.getFileName()));
                }
            }
        }
        Path steps = batch.resolve("b-corrupt").resolve(Episode.STEPS);
        List<String> lines = new ArrayList<>(Files.readAllLines(steps));
        lines.set(2, lines.get(2).substring(0, 100));
        Files.write(steps, lines);
        return batch;
    }

    @Test
    void replaysABatchPrintsFiguresAndWritesASelfContainedReportWhileACorruptEpisodeIsNamedAndSkipped() throws Exception {
        Path out = tmp.resolve("report");
        CliRun r = CliRun.of("replay", batchWithACorruptEpisode().toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.BAD_FILE);
        assertThat(r.err()).contains("error: " + tmp.resolve("batch/b-corrupt/steps.jsonl") + ":3: not a whole JSON line");
        String summary = r.line("summary: ");
        assertThat(summary).matches("summary: episodes=2 steps=\\d+ agreement=1\\.000 correction_agreement=\\d\\.\\d{3} steps_per_s=[\\d.]+ report=.*report\\.html");
        assertThat(r.out()).contains("episode 1/2 ", "episode 2/2 ", "correction_agreement=", "latency_ms p50/p99 capture=");
        assertThat(r.line("total: ")).contains("not_replayed=1");

        JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(json.path("totals").path("episodes").asInt()).isEqualTo(2);
        assertThat(json.path("totals").path("corrections").asInt()).isEqualTo(1);
        assertThat(json.path("errors")).hasSize(1);
        assertThat(json.path("errors").get(0).path("error").asText()).contains("steps.jsonl:3");
        JsonNode ep = json.path("episodes").get(1);
        assertThat(ep.path("decisions")).hasSize(ep.path("steps").asInt());
        assertThat(ep.path("latency_ms").path("gather").path("p99").isNumber()).isTrue();

        String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("embody replay report", "data:image/png;base64,", "operator: \u201coperator says move(direction=up, amount=small)");
        // one file: nothing it shows is fetched from elsewhere
        assertThat(html).doesNotContain("src=\"http", "src=\"file", "<link", "<script src");
        assertThat(out.resolve("latency.png")).isRegularFile();
    }

    @Test
    void anEpisodeKilledMidSessionReplaysUpToItsLastFlushedStepWithAWarningNamingWhereItWasCut() throws Exception {
        Path work = tmp.resolve("killed");
        EmbodyProcess.copyProjectFolders(work, "skills");
        Path eps = work.resolve("episodes");
        try (EmbodyProcess live = EmbodyProcess.cli(work, Map.of(), "live", "--realtime", "--episodes", "1", "--difficulty", "3", "--seed", "31")) {
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (System.nanoTime() < deadline && stepLines(eps) < 8) {
                assertThat(live.process().isAlive()).as("live ended early: " + live.stderr()).isTrue();
                Thread.sleep(50);
            }
            assertThat(stepLines(eps)).isGreaterThanOrEqualTo(8);
            live.process().destroyForcibly(); // SIGKILL: no shutdown hook, nothing closed
            live.waitFor(10);
        }
        Path episode;
        try (Stream<Path> s = Files.list(eps)) {
            episode = s.findFirst().orElseThrow();
        }
        assertThat(Files.readString(episode.resolve(Episode.META))).contains("\"outcome\" : \"running\"").doesNotContain("\"ended\"");

        CliRun r = CliRun.of("replay", episode.toString(), "--out", tmp.resolve("killed-report").toString(), "--no-progress");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(Main.OK);
        assertThat(r.err()).contains("cut off", episode.resolve(Episode.STEPS).toString());
        int lines = stepLines(eps);
        JsonNode ep = new ObjectMapper().readTree(tmp.resolve("killed-report/report.json").toFile()).path("episodes").get(0);
        // everything flushed: every whole step line that has its whole frame (the video writer runs a frame or two behind)
        int frames = RecordedFrames.countFrames(episode.resolve(Episode.VIDEO));
        assertThat(ep.path("steps").asInt()).isEqualTo(Math.min(lines, frames)).isGreaterThanOrEqualTo(4);
        assertThat(ep.path("recorded_steps").asInt()).isEqualTo(lines);
        assertThat(ep.path("agreement").asDouble()).isEqualTo(1.0);
        assertThat(ep.path("warning").asText()).contains("cut off");
        assertThat(r.line("episode 1/1")).contains("(cut off)");

        CliRun check = CliRun.of("episodes", "check", eps.toString());
        assertThat(check.exit()).isEqualTo(Main.OK);
        assertThat(check.out()).contains("cut  " + episode, "1 cut off");
    }

    private static int stepLines(Path eps) throws Exception {
        if (!Files.isDirectory(eps)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(eps)) {
            Path ep = s.findFirst().orElse(null);
            if (ep == null || !Files.exists(ep.resolve(Episode.STEPS))) {
                return 0;
            }
            return (int) Files.readString(ep.resolve(Episode.STEPS)).chars().filter(c -> c == '\n').count();
        }
    }

    @Test
    void replayNeedsNoDisplayNoBrokerAndNoNetwork() throws Exception {
        Path work = tmp.resolve("isolated");
        EmbodyProcess.copyProjectFolders(work, "skills");
        Map<String, String> env = new HashMap<>();
        env.put("DISPLAY", null);
        // a network namespace of its own with nothing in it (not even loopback up): any connection would fail
        boolean unshare = new ProcessBuilder("unshare", "-rn", "true").start().waitFor() == 0;
        try (EmbodyProcess p = EmbodyProcess.start(work, env, unshare ? List.of("unshare", "-rn") : List.of(), "dev.embody.cli.Main",
                "replay", good.toString(), "--out", work.resolve("report").toString())) {
            assertThat(p.waitFor(120)).as(p.stderr()).isEqualTo(Main.OK);
            assertThat(p.stdout()).contains("summary: episodes=1 ", "agreement=1.000");
            assertThat(work.resolve("report/report.html")).isRegularFile();
            assertThat(work.resolve("report/latency.png")).isRegularFile();
        }
        assertThat(unshare).as("unshare -rn was available, so the replay ran with no network at all").isTrue();
    }

    @Test
    void reactuationResendsTheRecordedCommandsAndReproducesTheOutcome() {
        CliRun r = CliRun.of("replay", corrected.toString(), "--actuate", "sim-game");
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.OK);
        assertThat(r.line("actuated ")).contains("outcome=success recorded_outcome=success", "reproduced=yes");
    }

    @Test
    void badCommandLinesGetOneLineAndExitTwo() {
        CliRun unknownPolicy = CliRun.of("replay", good.toString(), "--policy", "v7");
        assertThat(unknownPolicy.exit()).isEqualTo(Main.USAGE);
        assertThat(unknownPolicy.err()).contains("--policy v7: no checkpoint v0007 under checkpoints");
        CliRun badPolicy = CliRun.of("replay", good.toString(), "--policy", "best");
        assertThat(badPolicy.exit()).isEqualTo(Main.USAGE);
        assertThat(badPolicy.err()).contains("--policy must be baseline, scene-planner, recorded, learned or a checkpoint version");
        CliRun missing = CliRun.of("replay", tmp.resolve("nowhere").toString());
        assertThat(missing.exit()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("no episode or folder of episodes");
        CliRun wrongTarget = CliRun.of("replay", good.toString(), "--actuate", "robot");
        assertThat(wrongTarget.exit()).isEqualTo(Main.USAGE);
    }

    @Test
    void episodesShowAndCheck() throws Exception {
        CliRun show = CliRun.of("episodes", "show", corrected.toString());
        assertThat(show.exit()).isEqualTo(Main.OK);
        assertThat(show.out()).contains("outcome     success", "corrections 1", "step 3 ", "\"operator says move(direction=up, amount=small)\" -> move(direction=up, amount=small) (policy wanted ");
        CliRun check = CliRun.of("episodes", "check", batchWithACorruptEpisode().toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.out()).contains("ok   ", "bad  " + tmp.resolve("batch/b-corrupt/steps.jsonl") + ":3:", "3 episodes: 2 ok, 0 cut off, 1 bad");
    }

    @Test
    void aLearnedCheckpointReplayedOverTheEpisodeItRecordedAgreesWithIt() throws Exception {
        var library = EpisodeFixtures.library();
        Path checkpoints = tmp.resolve("checkpoints");
        var store = dev.embody.learning.Checkpoints.forTarget(checkpoints, "sim-game");
        try (var untrained = dev.embody.profile.SimGameProfile.standard().untrained(library, 42)) {
            store.write(untrained, library.version(), null, Map.of());
        }
        var c = store.find("v0001").orElseThrow();
        Path ep;
        try (var learned = SimGameProfile.standard().load(store, c)) {
            ep = EpisodeFixtures.record(tmp.resolve("learned-episodes"), 41, 1, Map.of(), learned, 25).dir();
        }
        Path out = tmp.resolve("learned-report");
        CliRun r = CliRun.of("replay", ep.toString(), "--policy", "v0001", "--checkpoints", checkpoints.toString(), "--out", out.toString(), "--no-progress");
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.OK);
        JsonNode e = new ObjectMapper().readTree(out.resolve("report.json").toFile()).path("episodes").get(0);
        assertThat(e.path("recorded_policy").asText()).isEqualTo("learned v0001");
        assertThat(e.path("replay_policy").asText()).isEqualTo("learned v0001");
        int recorded = e.path("recorded_steps").asInt();
        assertThat(recorded).isGreaterThanOrEqualTo(5);
        assertThat(e.path("steps").asInt()).isEqualTo(recorded);
        assertThat(e.path("agreement").asDouble()).isGreaterThanOrEqualTo(0.99);
        assertThat(r.line("summary: ")).contains("episodes=1 steps=" + recorded + " ");
    }
}
