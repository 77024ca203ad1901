package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.EmbodyProcess;
import dev.embody.testkit.ScriptedPerson;
import dev.embody.testkit.SimWindowGame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Periodic fine-tuning in {@code live} on a desktop program, where no simulator can score a candidate: a person
 * records two demonstrations (real X keys), one is held out, a policy is trained on the other; live, the operator's
 * corrections contradict what the person showed, the fine-tune on them agrees less with the held-out demonstration,
 * the gate rejects it and the loop keeps planning with the policy it had; the console then rolls back to an older
 * checkpoint while the loop runs.
 */
@Tag("external")
class LiveDesktopTrainingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsAnXServer() {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: these tests need an X server (./run tests starts Xvfb)");
    }

    @Test
    void aFineTuneThatAgreesLessWithHeldOutDemonstrationsIsRejected_theLoopGoesOn_andTheConsoleRollsBack() throws Exception {
        Path cal = SimWindowGame.calibration(dir, 3.0);
        // the gate is the subject here, not the input train would choose: the whole frame, as a person declares it, which
        // a short demonstration fits in 150 steps (the chosen input's fit is InputChoiceTest's and TrainCommandTest's)
        Files.writeString(cal, Files.readString(cal) + "policy:\n  input: {width: 64, height: 36, frames: 3}\n");
        try (SimWindowGame game = SimWindowGame.start(dir, "--seed", "3", "--levels", "50")) {
            // the person: RIGHT held, episode after episode
            try (EmbodyProcess rec = EmbodyProcess.cli(dir, Map.of(), "record", "--target", "desktop", "--calibration", cal.toString(),
                    "--episodes", "2", "--max-seconds", "4", "--episodes-dir", "episodes", "--no-progress")) {
                assertThat(rec.awaitOutput("record: recording desktop episode 1/2", 90)).as(rec.stderr()).isTrue();
                ScriptedPerson person = new ScriptedPerson().click(320, 180);
                while (rec.process().isAlive()) {
                    person.hold("Right", 400);
                }
                assertThat(rec.waitFor(30)).as(rec.stderr()).isZero();
                assertThat(rec.stdout()).contains("recorded 2/2");
            }
            List<Path> episodes;
            try (Stream<Path> s = Files.list(dir.resolve("episodes"))) {
                episodes = s.filter(Files::isDirectory).sorted().toList();
            }
            assertThat(episodes).hasSize(2);
            CliRun train0 = CliRun.of("episodes", "edit", episodes.get(0).getFileName().toString(), "--dir", dir.resolve("episodes").toString(), "--split", "train");
            assertThat(train0.exit()).as(train0.err()).isZero();
            assertThat(train0.out()).contains("split=train");
            CliRun held = CliRun.of("episodes", "edit", episodes.get(1).getFileName().toString(), "--dir", dir.resolve("episodes").toString(), "--split", "heldout");
            assertThat(held.out()).contains("split=heldout");

            String checkpoints = dir.resolve("checkpoints").toString();
            CliRun first = CliRun.of("train", "--target", "desktop", "--calibration", cal.toString(), "--episodes-dir", dir.resolve("episodes").toString(),
                    "--checkpoints", checkpoints, "--from", "untrained", "--train-steps", "150");
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(first.out()).as("only the training episode is trained on").contains("from 1 episodes").contains("in use: v0001");
            CliRun second = CliRun.of("train", "--target", "desktop", "--calibration", cal.toString(), "--episodes-dir", dir.resolve("episodes").toString(),
                    "--checkpoints", checkpoints, "--train-steps", "50");
            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(second.out()).contains("agreement on").contains("in use: v0002");

            try (EmbodyProcess live = EmbodyProcess.cli(dir, Map.of(), "live", "--target", "desktop", "--calibration", cal.toString(),
                    "--policy", "learned", "--checkpoints", checkpoints, "--episodes-dir", dir.resolve("episodes").toString(),
                    "--train-every", "20", "--episodes", "20", "--max-steps", "3000", "--rate", "10",
                    "--stdin-corrections", "--console", "--console-port", "0")) {
                assertThat(live.awaitOutput("console: http://", 90)).as(live.stderr()).isTrue();
                String url = live.stdout().lines().filter(l -> l.contains("console: http://")).findFirst().orElse(
                        live.stderr().lines().filter(l -> l.contains("console: http://")).findFirst().orElseThrow())
                        .replaceAll(".*console: (http://\\S+?)/?(\\?.*)?$", "$1");
                HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
                assertThat(awaitSteps(http, url, 2, 60)).as(live.stderr()).isTrue();
                JsonNode before = get(http, url + "/api/training");
                assertThat(before.path("livePolicy").asText()).contains("v0002");
                assertThat(before.path("trainer").asText()).startsWith("periodic fine-tuning").contains("agreement on");

                // the operator says the opposite of what the person showed, one step in two
                OutputStream keyboard = live.process().getOutputStream();
                for (int i = 0; i < 24; i++) {
                    keyboard.write("move left\n".getBytes(StandardCharsets.UTF_8));
                    keyboard.flush();
                    Thread.sleep(250);
                }
                assertThat(live.awaitOutput("rejected by the gate; keeping v0002", 240)).as(live.stderr()).isTrue();
                assertThat(awaitSteps(http, url, 5, 30)).as("the loop goes on after the rejection: " + live.stderr()).isTrue();

                JsonNode after = get(http, url + "/api/training");
                assertThat(after.path("livePolicy").asText()).contains("v0002");
                assertThat(after.path("lastRound").path("verdict").asText()).contains("rejected");
                System.out.println("live desktop fine-tune: " + after.path("lastRound"));
                assertThat(after.path("checkpoints")).extracting(c -> c.path("version").asText() + (c.path("live").asBoolean() ? "*" : ""))
                        .containsExactly("v0001", "v0002*", "v0003");

                HttpResponse<String> back = http.send(HttpRequest.newBuilder(URI.create(url + "/api/training/rollback"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"checkpoint\":\"v0001\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
                assertThat(back.body()).contains("rolled back to v0001");
                assertThat(awaitSteps(http, url, 3, 30)).isTrue();
                assertThat(get(http, url + "/api/training").path("livePolicy").asText()).contains("v0001");
                assertThat(Files.readString(dir.resolve("checkpoints/desktop-sim-window/current")).strip()).isEqualTo("v0001");

                keyboard.write("stop\n".getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
                assertThat(live.waitFor(60)).as(live.stderr()).isZero();
            }
        }
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Waits until the loop has taken {@code steps} more steps (or begun another episode). */
    private static boolean awaitSteps(HttpClient http, String url, int steps, int seconds) throws Exception {
        JsonNode start = get(http, url + "/api/state");
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            JsonNode now = get(http, url + "/api/state");
            if (!now.path("episode").asText().equals(start.path("episode").asText()) && now.path("step").path("index").asLong(-1) >= 0
                    || now.path("step").path("index").asLong(-1) >= start.path("step").path("index").asLong(-1) + steps) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
