package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.EmbodyProcess;
import dev.embody.testkit.XPrograms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A program nobody wrote for embody, as a new user meets it: xev (Debian's x11-utils) calibrated by its title alone,
 * then driven live with the desktop profile's generic modules. With no parser and no trained policy the agent waits
 * and says what it needs; the operator teaches a skill in a sentence and commands it, and xev itself reports the real
 * X key event. The episode then replays with every module agreeing with its recording.
 */
@Tag("external")
class ThirdPartyProgramTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsAnXServer() {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: these tests need an X server (./run tests starts Xvfb)");
    }

    @Test
    void calibratedByTitleAlone_itWaits_learnsASkillInASentence_sendsItAsRealKeys_andReplaysExactly() throws Exception {
        EmbodyProcess.copyProjectFolders(dir, "skills");
        Path xevOut = dir.resolve("xev.txt");
        Process xev = new ProcessBuilder("xev", "-name", "embody-xev", "-geometry", "320x240+60+520", "-event", "keyboard")
                .redirectErrorStream(true).redirectOutput(xevOut.toFile()).start();
        try {
            XPrograms.awaitWindow("embody-xev");
            CliRun cal = CliRun.of("calibrate", "screen", "--title", "embody-xev", "--name", "xev", "--dir", dir.resolve("calibration/desktop").toString(),
                    "--skills", dir.resolve("skills/desktop").toString());
            assertThat(cal.exit()).as(cal.err()).isZero();
            Path calibration = dir.resolve("calibration/desktop/xev.yaml");
            assertThat(Files.readString(calibration)).contains("parser: none");

            CliRun castle = CliRun.of("live", "--target", "desktop", "--calibration", calibration.toString(), "--goal", "build a castle");
            assertThat(castle.exit()).as("a goal no module understands is refused up front").isEqualTo(Main.USAGE);
            assertThat(castle.err()).contains("no plan for the goal 'build a castle'").contains("'follow the operator'");

            boolean spokenJump;
            try (EmbodyProcess p = EmbodyProcess.cli(dir, Map.of(), "live", "--target", "desktop", "--calibration", calibration.toString(),
                    "--episodes", "1", "--max-steps", "600", "--rate", "10", "--stdin-corrections", "--console", "--console-port", "0")) {
                assertThat(p.awaitOutput("nothing to decide with", 60)).as(p.stderr()).isTrue();
                OutputStream keyboard = p.process().getOutputStream();
                keyboard.write("teach jump: press SPACE\n".getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
                assertThat(p.awaitOutput("taught 'jump'", 20)).as(p.stderr()).isTrue();
                keyboard.write("jump\n".getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
                assertThat(awaitFile(xevOut, "(keysym 0x20, space)", 20)).as("xev saw a real space key: " + Files.readString(xevOut)).isTrue();
                // and by voice, through the console: the speech grammar grew with the skill
                assertThat(p.awaitOutput("console: http://", 5)).isTrue();
                String url = p.stderr().lines().filter(l -> l.contains("console: http://")).findFirst().orElseThrow()
                        .replaceAll(".*console: (http://\\S+?)/?(\\?.*)?$", "$1");
                byte[] wav = Files.readAllBytes(dev.embody.correction.SpeechTrial.say("jump", "en-us", dir, 1));
                var http = java.net.http.HttpClient.newBuilder().proxy(java.net.http.HttpClient.Builder.NO_PROXY).build();
                var spoken = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/speech"))
                        .header("Content-Type", "audio/wav").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(wav)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(spoken.statusCode()).as(spoken.body()).isEqualTo(200);
                // the grammar hears the new skill; it is applied only if the free hearing confirms it (issue 20), which on
                // espeak-ng's "jump" it may not: then the operator is asked to say it again
                assertThat(spoken.body()).contains("\"heard\":\"jump\"");
                spokenJump = spoken.body().contains("\"applied\":true");
                if (spokenJump) {
                    assertThat(awaitSpacePresses(xevOut, 2, 20)).as("a second space pressed, spoken: " + Files.readString(xevOut)).isTrue();
                } else {
                    assertThat(spoken.body()).contains("say it again");
                }
                keyboard.write("stop\n".getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
                assertThat(p.waitFor(30)).as(p.stderr()).isZero();

                assertThat(p.stderr()).doesNotContain("failed");
                String episodeLine = p.stdout().lines().filter(l -> l.startsWith("episode 1/1")).findFirst().orElseThrow();
                assertThat(episodeLine).contains("outcome=stopped").doesNotContain("coins");
                String summary = p.stdout().lines().filter(l -> l.startsWith("summary:")).findFirst().orElseThrow();
                assertThat(summary).startsWith("summary: episodes=1 success=0.00").doesNotContain("coins");
            }

            Path episode;
            try (var eps = Files.list(dir.resolve("episodes"))) {
                episode = eps.findFirst().orElseThrow();
            }
            ObjectMapper json = new ObjectMapper();
            JsonNode meta = json.readTree(episode.resolve("meta.json").toFile());
            assertThat(meta.path("profile").path("name").asText()).isEqualTo("desktop");
            assertThat(meta.path("profile").path("calibration").asText()).isEqualTo(calibration.toString());
            assertThat(meta.path("modules").path("tasks").asText()).isEqualTo("GoalWordsTaskInference");
            assertThat(meta.path("modules").path("policy").asText()).isEqualTo("wait");
            List<JsonNode> steps = Files.readAllLines(episode.resolve("steps.jsonl")).stream().map(l -> {
                try {
                    return json.readTree(l);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertThat(steps).filteredOn(s -> "jump".equals(s.path("command").asText())).hasSize(spokenJump ? 2 : 1)
                    .allSatisfy(s -> {
                        assertThat(s.path("by").asText()).isEqualTo("operator");
                        assertThat(s.path("sent").get(0).asText()).isEqualTo("press SPACE");
                    });
            assertThat(steps).filteredOn(s -> !"operator".equals(s.path("by").asText()))
                    .allSatisfy(s -> assertThat(s.path("command").asText()).startsWith("wait"));

            CliRun list = CliRun.of("skills", "list", "--target", "desktop", "--skills", dir.resolve("skills/desktop").toString());
            assertThat(list.out()).contains("jump").contains("Taught by the operator: press SPACE.");

            CliRun replay = CliRun.of("replay", episode.toString(), "--out", dir.resolve("report").toString(), "--no-progress");
            assertThat(replay.exit()).as(replay.err()).isZero();
            assertThat(replay.out()).contains("modules=scene:1.000,reflection:1.000,task:1.000,candidates:1.000");
        } finally {
            xev.destroy();
            xev.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** xev prints a block per event: a press and its release both name the keysym, so count KeyPress blocks. */
    private static boolean awaitSpacePresses(Path f, int count, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (Files.exists(f) && java.util.Arrays.stream(Files.readString(f).split("\\n\\s*\\n"))
                    .filter(b -> b.startsWith("KeyPress") && b.contains("(keysym 0x20, space)")).count() >= count) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static boolean awaitFile(Path f, String text, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (Files.exists(f) && Files.readString(f).contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
