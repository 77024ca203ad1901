package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.EmbodyProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A third-party game as a user meets it: Debian's moon-buggy in an xterm, under Xvfb, with real XTest keys. It is
 * calibrated by its title with the command that starts it, so every episode gets a fresh game; the scripted
 * demonstrator plays it from the screen alone and survives where doing nothing crashes at the first crater; an
 * episode's end and score are read from the screen; and the demonstrator, watching the agent, corrects it in words
 * that reach the loop through the terminal channel and the correction parser.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("external")
class MoonBuggyTest {

    /** Long enough for a few craters (the first comes after about 6 s), short enough for CI. */
    static final String SECONDS = "12";
    /** Away from where the other tests put their windows. */
    static final String LAUNCH = "xterm -T embody-moon-buggy -geometry 80x24+1180+560 -fa 'DejaVu Sans Mono' -fs 10 -e /usr/games/moon-buggy";

    @TempDir
    static Path dir;
    static Path calibration;

    @BeforeAll
    static void calibrate() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: these tests need an X server (./run tests starts Xvfb)");
        EmbodyProcess.copyProjectFolders(dir, "skills");
        CliRun cal = CliRun.of("calibrate", "screen", "--title", "embody-moon-buggy", "--name", "moon-buggy", "--dir", dir.resolve("calibration/desktop").toString(),
                "--skills", Path.of("skills/moon-buggy").toString(), "--goal", "drive on without crashing",
                "--launch", LAUNCH, "--launch-key", "RETURN");
        assertThat(cal.exit()).as(cal.out() + cal.err()).isZero();
        calibration = dir.resolve("calibration/desktop/moon-buggy.yaml");
        // what a person declares by hand after calibrating: the stick, the words, the ready screen, the endings and the score
        // (as the project's file has them; no policy: the input and the choice rules are train's to choose)
        String project = Files.readString(Path.of("calibration/desktop/moon-buggy.yaml"));
        assertThat(project).contains("\nstick:").doesNotContain("\npolicy:");
        Files.writeString(calibration, Files.readString(calibration) + project.substring(project.indexOf("\nstick:") + 1));
    }

    /** The test's scripted demonstrator run as its process would be, its output kept. */
    static CliRun demonstrator(String... args) {
        return CliRun.with(dev.embody.testkit.MoonBuggyDemonstratorCommand::execute, args);
    }

    /** The demonstrator as an operator program for --operator-command: its words, each quoted. */
    static String operatorCommand(String mode) {
        return dev.embody.testkit.MoonBuggyDemonstratorCommand.command(calibration, mode).stream().map(w -> "'" + w + "'")
                .collect(java.util.stream.Collectors.joining(" "));
    }

    @Test
    @Order(1)
    void calibrateScreen_findsTheLaunchedGameByItsTitle_andWritesHowToStartIt() throws Exception {
        String yaml = Files.readString(calibration);
        assertThat(yaml).contains("title: embody-moon-buggy").contains("parser: none").contains("skills: skills/moon-buggy")
                .contains("- drive on without crashing").contains("- /usr/games/moon-buggy").contains("- DejaVu Sans Mono").contains("- RETURN");
        // the xterm of 80x24 cells at 8x17 pixels, inside its 2-pixel border, where the launch command put it
        assertThat(yaml).contains("width: 644").contains("height: 412").contains("x: 1180").contains("\"y\": 560");
        assertThat(windows()).as("the game started for calibration is gone again").isEmpty();
    }

    @Test
    @Order(2)
    void theDemonstratorSurvives_whereDoingNothingCrashesAtTheFirstCrater_bothReadFromTheScreen() throws Exception {
        CliRun demo = demonstrator("--calibration", calibration.toString(), "--episodes", "1", "--time-limit", SECONDS);
        assertThat(demo.exit()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.line("episode 1/1")).contains("outcome=success").contains("(the buggy survived");
        assertThat(number(demo.line("episode 1/1"), "craters")).as("it jumped craters to survive").isGreaterThanOrEqualTo(2);
        assertThat(demo.line("demonstrator:")).contains("success=1.00").contains("(1/1)");

        CliRun idle = CliRun.of("bench", "arena", "--calibration", calibration.toString(), "--policy", "nothing", "--episodes", "1",
                "--time-limit", SECONDS, "--episodes-dir", dir.resolve("episodes").toString());
        assertThat(idle.exit()).as(idle.out() + idle.err()).isZero();
        String line = idle.line("episode 1/1");
        assertThat(line).contains("outcome=failure").contains("(the buggy crashed after").contains("corrections=0");
        double survived = number(line, "survived_s");
        assertThat(survived).as("the first crater comes a few seconds in: " + line).isBetween(3.0, 10.0);
        assertThat(number(demo.line("episode 1/1"), "survived_s")).isGreaterThan(survived + 2);
        // the episode is recorded with its ending and score from the screen
        JsonNode meta = new ObjectMapper().readTree(onlyEpisode("episodes").resolve("meta.json").toFile());
        assertThat(meta.path("outcome").asText()).isEqualTo("failure");
        assertThat(meta.path("score").path("ending").asText()).startsWith("the buggy crashed after");
        assertThat(meta.path("score").path("survived_s").asDouble()).isEqualTo(survived);
        assertThat(meta.path("policy").asText()).isEqualTo("nothing");
        assertThat(windows()).as("each episode's game is ended with it").isEmpty();
    }

    @Test
    @Order(3)
    void theDemonstratorCorrectsTheAgentInWords_throughTheParser_andTheBuggySurvives() throws Exception {
        CliRun run = CliRun.of("bench", "arena", "--calibration", calibration.toString(), "--policy", "nothing", "--operator-command", operatorCommand("--correct"),
                "--episodes", "1", "--time-limit", SECONDS, "--episodes-dir", dir.resolve("corrected").toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        String line = run.line("episode 1/1");
        assertThat(line).contains("outcome=success");
        assertThat(number(line, "corrections")).isGreaterThanOrEqualTo(2);
        assertThat(run.err()).contains("correction \"jump!\": command jump (confidence 1.00)");
        // each correction is a step the operator decided, by the parsed command, recorded with its words
        List<JsonNode> corrected = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String l : Files.readAllLines(onlyEpisode("corrected").resolve("steps.jsonl"))) {
            JsonNode s = json.readTree(l);
            if (s.path("by").asText().equals("operator")) {
                corrected.add(s);
            }
        }
        assertThat(corrected).hasSizeGreaterThanOrEqualTo(2);
        assertThat(corrected).allSatisfy(s -> {
            assertThat(s.path("command").asText()).isEqualTo("jump");
            assertThat(s.path("correction").asText()).isIn("jump!", "jump now");
        });
        assertThat(windows()).isEmpty();
    }

    /**
     * eval and live on a program nobody wrote code for: each episode's outcome, why and score come from the endings its
     * calibration declares (the crash read by OCR, the seconds survived), eval plays at live's pace on the wall clock
     * (not as fast as the modules go) and keeps its episodes.
     */
    @Test
    @Order(4)
    void evalAndLive_printTheDeclaredEndingAndScore_andEvalKeepsItsEpisodes() throws Exception {
        CliRun eval = CliRun.of("eval", "--target", "desktop", "--calibration", calibration.toString(), "--policy", "nothing", "--episodes", "1",
                "--time-limit", SECONDS, "--max-steps", "500", "--episodes-dir", dir.resolve("evaluated").toString());
        assertThat(eval.exit()).as(eval.out() + eval.err()).isZero();
        String line = eval.line("episode 1/1");
        assertThat(line).contains("outcome=failure").contains("(the buggy crashed after");
        assertThat(number(line, "score")).as(line).isEqualTo(number(line, "survived_s")).isBetween(3.0, 10.0);
        assertThat(eval.line("summary:")).contains("success=0.00").contains("rate=10.0").contains("score_mean=");
        JsonNode meta = new ObjectMapper().readTree(onlyEpisode("evaluated").resolve("meta.json").toFile());
        assertThat(meta.path("outcome").asText()).isEqualTo("failure");

        // live's own policy on a program with no trained one waits, as nothing does
        CliRun live = CliRun.of("live", "--target", "desktop", "--calibration", calibration.toString(), "--episodes", "1",
                "--time-limit", SECONDS, "--no-record", "--no-stdin-corrections");
        assertThat(live.exit()).as(live.out() + live.err()).isZero();
        String played = live.line("episode 1/1");
        assertThat(played).contains("outcome=failure").contains("(the buggy crashed after");
        assertThat(number(played, "score")).as(played).isBetween(3.0, 10.0);
        assertThat(live.line("summary:")).contains("score_mean=");
        assertThat(windows()).isEmpty();
    }

    private static Path onlyEpisode(String folder) throws Exception {
        try (var s = Files.list(dir.resolve(folder))) {
            List<Path> all = s.filter(Files::isDirectory).toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    private static double number(String line, String key) {
        Matcher m = Pattern.compile("\\b" + key + "=([0-9.]+)").matcher(line);
        assertThat(m.find()).as(key + " in " + line).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** The test game's windows still up. */
    private static String windows() throws Exception {
        Process p = new ProcessBuilder("xdotool", "search", "--onlyvisible", "--name", "^embody-moon-buggy$").start();
        p.waitFor();
        return new String(p.getInputStream().readAllBytes()).strip();
    }
}
