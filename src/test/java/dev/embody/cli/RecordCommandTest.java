package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.episode.RecordedEpisode;
import dev.embody.episode.RecordedStep;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.EmbodyProcess;
import dev.embody.testkit.ScriptedPerson;
import dev.embody.testkit.SimWindowGame;
import dev.embody.testkit.XPrograms;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ./run record}: a person (here a scripted one: real XTest events from xdotool, or the console's API) plays the
 * target while embody records; each step is labelled with the command the input maps to, by: person, with the raw
 * input kept, and input no skill sends reported.
 */
@Tag("external")
class RecordCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static void needsX() {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: these tests need an X server (./run tests starts Xvfb)");
    }

    static Path onlyEpisode(Path episodes) throws Exception {
        try (Stream<Path> s = Files.list(episodes)) {
            List<Path> all = s.filter(Files::isDirectory).toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    static List<JsonNode> steps(Path episode) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(episode.resolve("steps.jsonl"))) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    static int indexOf(List<JsonNode> steps, java.util.function.Predicate<JsonNode> p) {
        for (int i = 0; i < steps.size(); i++) {
            if (p.test(steps.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such step in " + steps);
    }

    static List<String> keys(JsonNode step, String event) {
        List<String> out = new ArrayList<>();
        step.path("input").forEach(e -> {
            if (e.path("event").asText().equals(event)) {
                out.add(e.path("key").asText());
            }
        });
        return out;
    }

    @Test
    void theSimWindow_playedWithRealKeys_isRecordedStepByStepAsTheSkillsTheKeysAre_andNothingIsSent() throws Exception {
        needsX();
        Path cal = SimWindowGame.calibration(dir, 3.0);
        try (SimWindowGame game = SimWindowGame.start(dir, "--seed", "1", "--levels", "1")) {
            try (EmbodyProcess rec = EmbodyProcess.cli(dir, Map.of(), "record", "--target", "desktop", "--calibration", cal.toString(),
                    "--max-seconds", "8", "--episodes-dir", "episodes")) {
                assertThat(rec.awaitOutput("record: recording desktop episode 1/1", 90)).as(rec.stderr()).isTrue();
                new ScriptedPerson().click(320, 180).pause(300).hold("Right", 500).pause(200).key("q").pause(200).hold("Down", 300);
                assertThat(rec.waitFor(60)).as(rec.stderr()).isZero();
                String line = rec.stdout().lines().filter(l -> l.startsWith("recorded 1/1")).findFirst().orElseThrow();
                assertThat(line).contains("outcome=timeout").contains("unmapped=2 (clicked LEFT x1, pressed Q x1)");
                assertThat(rec.stdout()).contains("summary: episodes=1").contains("unmapped_input=[clicked LEFT x1, pressed Q x1]");
                assertThat(rec.stderr()).as("progress on stderr").contains("recording 1/1: step ").contains("mapped ");
            }
            // the program itself got the person's keys: the input went to it, not to embody
            assertThat(game.log()).contains("key down RIGHT").contains("key up RIGHT").contains("key down Q").contains("key down DOWN");
        }
        Path episode = onlyEpisode(dir.resolve("episodes"));
        List<JsonNode> steps = steps(episode);
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.path("by").asText()).isEqualTo("person");
            assertThat(s.path("sent")).as("embody sends nothing").isEmpty();
            assertThat(s.has("input")).isTrue();
        });
        // RIGHT held 0.5 s: a small move in every step from the one it went down in to the one it came up in (how many
        // steps that is depends on how long the loaded machine takes a step, not on the recorder)
        int down = indexOf(steps, s -> keys(s, "key_down").contains("RIGHT")), up = indexOf(steps, s -> keys(s, "key_up").contains("RIGHT"));
        assertThat(up).as("RIGHT came up in a later step than it went down in").isGreaterThan(down);
        assertThat(steps.subList(down, up + 1)).as("a small move in each step RIGHT was down")
                .allSatisfy(s -> assertThat(s.path("command").asText()).isEqualTo("move(direction=right, amount=small)"));
        JsonNode q = steps.stream().filter(s -> keys(s, "key_down").contains("Q")).findFirst().orElseThrow();
        assertThat(q.path("command").asText()).isEqualTo("wait(duration=short)");
        assertThat(q.path("unmapped").get(0).asText()).startsWith("pressed Q");
        JsonNode click = steps.stream().filter(s -> s.path("input").toString().contains("button_down")).findFirst().orElseThrow();
        assertThat(click.path("input").get(0).path("x").asDouble()).as("the click in scene units").isEqualTo(320.0);
        assertThat(steps).filteredOn(s -> s.path("command").asText().equals("move(direction=down, amount=small)")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(steps).filteredOn(s -> s.path("input").isEmpty() && !keys(s, "key_down").contains("RIGHT"))
                .extracting(s -> s.path("command").asText()).contains("wait(duration=short)");

        JsonNode meta = JSON.readTree(episode.resolve("meta.json").toFile());
        assertThat(meta.path("policy").asText()).isEqualTo("person");
        assertThat(meta.path("demonstration").path("input").asText()).isEqualTo("xinput test-xi2 --root");
        assertThat(meta.path("demonstration").path("unmapped").asInt()).isEqualTo(2);

        RecordedEpisode read = RecordedEpisode.read(episode);
        RecordedStep first = read.steps().stream().filter(s -> s.command().toString().startsWith("move(direction=right")).findFirst().orElseThrow();
        assertThat(first.input().events().get(0).key()).isEqualTo("RIGHT");
        CliRun replay = CliRun.of("replay", episode.toString(), "--policy", "recorded", "--out", dir.resolve("report").toString(), "--no-progress");
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("agreement=1.000").contains("modules=scene:1.000,reflection:1.000,task:1.000,candidates:1.000");
    }

    @Test
    void aThirdPartyProgram_xev_isRecordedTheSameWay_inputToOtherWindowsIsNotKept_andCtrlCEndsItWhole() throws Exception {
        needsX();
        EmbodyProcess.copyProjectFolders(dir, "skills");
        Path xevOut = dir.resolve("xev.txt");
        Process xev = new ProcessBuilder("xev", "-name", "embody-rec-xev", "-geometry", "320x240+700+100")
                .redirectErrorStream(true).redirectOutput(xevOut.toFile()).start();
        Process other = new ProcessBuilder("xev", "-name", "embody-rec-other", "-geometry", "200x150+1200+100")
                .redirectErrorStream(true).redirectOutput(dir.resolve("other.txt").toFile()).start();
        try {
            XPrograms.awaitWindow("embody-rec-xev");
            XPrograms.awaitWindow("embody-rec-other");
            CliRun cal = CliRun.of("calibrate", "screen", "--title", "embody-rec-xev", "--name", "xev", "--dir", dir.resolve("calibration/desktop").toString(),
                    "--skills", dir.resolve("skills/desktop").toString());
            assertThat(cal.exit()).as(cal.err()).isZero();
            try (EmbodyProcess rec = EmbodyProcess.cli(dir, Map.of(), "record", "--target", "desktop", "--calibration",
                    dir.resolve("calibration/desktop/xev.yaml").toString(), "--no-progress")) {
                assertThat(rec.awaitOutput("record: recording desktop episode 1/1", 90)).as(rec.stderr()).isTrue();
                ScriptedPerson person = new ScriptedPerson();
                person.click(860, 220).pause(300).key("Return").pause(300).key("ctrl+s").pause(300).type("hello").pause(300)
                        .scroll(3).pause(300).key("F7").pause(300);
                // the person turns to another window: what they do there is not the program's
                person.moveTo(1300, 170).pause(100).key("a").pause(300).moveTo(860, 220).pause(300);
                rec.interrupt();
                assertThat(rec.waitFor(30)).as(rec.stderr()).isEqualTo(Main.INTERRUPTED);
                String line = rec.stdout().lines().filter(l -> l.startsWith("recorded 1/1")).findFirst().orElseThrow();
                assertThat(line).contains("outcome=stopped").contains("pressed F7 x1").contains("elsewhere=");
            }
            assertThat(Files.readString(xevOut)).as("xev got the keys itself").contains("keysym 0xff0d, Return").contains("keysym 0xffc4, F7");
            Path episode = onlyEpisode(dir.resolve("episodes"));
            List<JsonNode> steps = steps(episode);
            List<String> commands = steps.stream().map(s -> s.path("command").asText()).toList();
            assertThat(commands).contains("press_key(key=enter)", "hotkey(keys=save)", "type_text(text=hello)", "scroll(direction=down, amount=small)");
            assertThat(steps).allSatisfy(s -> assertThat(s.path("by").asText()).isEqualTo("person"));
            assertThat(steps).as("the key pressed in the other window is not kept").noneSatisfy(s -> assertThat(keys(s, "key_down")).contains("A"));
            JsonNode typed = steps.stream().filter(s -> s.path("command").asText().equals("type_text(text=hello)")).findFirst().orElseThrow();
            assertThat(typed.path("why").asText()).contains("typed 'hello'");
            JsonNode meta = JSON.readTree(episode.resolve("meta.json").toFile());
            assertThat(meta.path("outcome").asText()).isEqualTo("stopped");
            assertThat(meta.path("demonstration").path("events_elsewhere").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(meta.path("demonstration").path("unmapped_input").has("pressed F7")).isTrue();
            assertThat(RecordedEpisode.read(episode).steps()).hasSize(steps.size());
        } finally {
            xev.destroy();
            other.destroy();
            xev.waitFor(5, TimeUnit.SECONDS);
            other.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theSimGameInItsOwnWindow_thePersonsKeysMoveThePlayer_andEachStepIsTheirCommand() throws Exception {
        needsX();
        EmbodyProcess.copyProjectFolders(dir, "skills");
        try (EmbodyProcess rec = EmbodyProcess.cli(dir, Map.of(), "record", "--target", "sim-game", "--seed", "3", "--max-seconds", "6", "--no-progress")) {
            assertThat(rec.awaitOutput("record: recording sim-game episode 1/1", 90)).as(rec.stderr()).isTrue();
            XPrograms.awaitWindow("embody record: sim-game seed 3");
            new ScriptedPerson().click(320, 180).pause(200).hold("Left", 600).pause(200).key("x");
            assertThat(rec.waitFor(60)).as(rec.stderr()).isZero();
            assertThat(rec.stdout()).as("the window hears keys only").contains("unmapped=1 (pressed X x1)");
        }
        Path episode = onlyEpisode(dir.resolve("episodes"));
        List<JsonNode> steps = steps(episode);
        List<JsonNode> left = steps.stream().filter(s -> s.path("command").asText().equals("move(direction=left, amount=small)")).toList();
        assertThat(left).hasSizeGreaterThanOrEqualTo(3);
        double before = playerX(steps.get(0)), after = playerX(steps.get(steps.size() - 1));
        assertThat(after).as("the person's keys moved the player left").isLessThan(before - 20);
        assertThat(steps).allSatisfy(s -> assertThat(s.path("sent")).isEmpty());
    }

    private static double playerX(JsonNode step) {
        for (JsonNode e : step.path("entities")) {
            if (e.get(0).asText().equals("player")) {
                return e.get(1).asDouble();
            }
        }
        throw new AssertionError("no player in " + step);
    }

    @Test
    void aRobotIsCommandedWithTheConsolesButtons_eachPressIsAStepByThePerson_carriedOut() throws Exception {
        EmbodyProcess.copyProjectFolders(dir, "skills", "calibration");
        try (EmbodyProcess rec = EmbodyProcess.cli(dir, Map.of(), "record", "--target", "sim-robot", "--input", "console", "--console-port", "0",
                "--max-steps", "40", "--no-progress")) {
            assertThat(rec.awaitOutput("record: recording sim-robot episode 1/1", 90)).as(rec.stderr()).isTrue();
            String url = rec.stderr().lines().filter(l -> l.contains("console's buttons: http://")).findFirst().orElseThrow()
                    .replaceAll(".*buttons: (http://\\S+?)/?$", "$1");
            HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
            HttpResponse<String> commands = http.send(HttpRequest.newBuilder(URI.create(url + "/api/commands")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(commands.body()).contains("\"move(direction=forward, amount=small)\"").contains("\"stop\"");
            for (String c : List.of("move(direction=forward, amount=medium)", "turn(direction=left, amount=small)")) {
                HttpResponse<String> r = post(http, url, "{\"command\": \"" + c + "\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                Thread.sleep(400);
            }
            HttpResponse<String> bad = post(http, url, "{\"command\": \"fly(direction=up)\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("not a command of these skills: fly(direction=up)");
            assertThat(rec.waitFor(90)).as(rec.stderr()).isZero();
        }
        Path episode = onlyEpisode(dir.resolve("episodes"));
        List<JsonNode> steps = steps(episode);
        assertThat(steps).hasSize(40).allSatisfy(s -> assertThat(s.path("by").asText()).isEqualTo("person"));
        JsonNode forward = steps.stream().filter(s -> s.path("command").asText().equals("move(direction=forward, amount=medium)")).findFirst().orElseThrow();
        assertThat(forward.path("input").get(0).path("event").asText()).isEqualTo("command");
        assertThat(forward.path("sent").get(0).asText()).as("the person's command, carried out").startsWith("publish cmd").contains("\"op\":\"move\"");
        assertThat(forward.path("failed").asBoolean()).isFalse();
        assertThat(steps).filteredOn(s -> s.path("command").asText().equals("turn(direction=left, amount=small)")).hasSize(1);
        assertThat(steps).filteredOn(s -> s.path("input").isEmpty()).extracting(s -> s.path("command").asText()).containsOnly("stop");
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/api/command")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void badOptions_areRefusedBeforeAnythingOpens() throws Exception {
        CliRun input = CliRun.of("record", "--input", "joystick");
        assertThat(input.exit()).isEqualTo(Main.USAGE);
        assertThat(input.err()).contains("--input must be one of auto, own, gamepad, console, got 'joystick'");
        CliRun robotOwn = CliRun.of("record", "--target", "sim-robot", "--input", "own");
        assertThat(robotOwn.exit()).isEqualTo(Main.USAGE);
        assertThat(robotOwn.err()).contains("a person commands a robot through embody");
        CliRun rate = CliRun.of("record", "--rate", "0");
        assertThat(rate.exit()).isEqualTo(Main.USAGE);
        assertThat(rate.err()).contains("--rate must be a number above 0 and at most 100");
        CliRun steps = CliRun.of("record", "--max-steps", "0");
        assertThat(steps.exit()).isEqualTo(Main.USAGE);
        CliRun goal = CliRun.of("record", "--goal", "build a castle", "--episodes-dir", dir.resolve("e").toString());
        assertThat(goal.exit()).isEqualTo(Main.USAGE);
        assertThat(goal.err()).contains("no plan for the goal 'build a castle'");
        CliRun calibration = CliRun.of("record", "--target", "desktop", "--calibration", dir.resolve("missing.yaml").toString());
        assertThat(calibration.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(calibration.err()).contains("missing.yaml");
        Path noIdle = dir.resolve("skills-no-idle");
        Files.createDirectories(noIdle);
        Files.copy(Path.of("skills/sim-game/move.yaml"), noIdle.resolve("move.yaml"));
        CliRun idle = CliRun.of("record", "--skills", noIdle.toString(), "--episodes-dir", dir.resolve("e").toString());
        assertThat(idle.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(idle.err()).contains(noIdle.toString()).contains("no idle command");
        assertThat(dir.resolve("e")).doesNotExist();
    }
}
