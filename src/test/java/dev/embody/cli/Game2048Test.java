package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.perception.ProgramTraits;
import dev.embody.perception.ScreenCalibration;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.Game2048DemonstratorCommand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
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
 * Debian's 2048, a puzzle nobody wrote for embody, from its committed calibration and skills only (in tmux in an xterm
 * under the tests' Xvfb): the scripted demonstrator plays it by real X arrow keys while the calibration's OCR reads the
 * score the game draws, which must be the score tmux shows; and {@code record} hears those keys as a person's, every one
 * mapped to a skill.
 */
@Tag("external")
@Tag("slow")
class Game2048Test {

    @TempDir
    Path dir;

    /** The committed calibration with a tmux server of this JVM's own (a measurement on the same machine has its own). */
    private Path calibration() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: this test needs an X server (./run tests starts Xvfb)");
        assumeTrue(Files.isExecutable(Path.of("/usr/games/2048")), "Debian's 2048 is not installed");
        String yaml = Files.readString(Path.of("calibration/desktop/2048.yaml"));
        assertThat(yaml).as("the project's calibration names its tmux server").contains("- -L\n  - embody-2048\n");
        yaml = yaml.replace("- -L\n  - embody-2048\n", "- -L\n  - embody-2048-test-" + ProcessHandle.current().pid() + "\n")
                .replace("skills: skills/2048", "skills: " + Path.of("skills/2048").toAbsolutePath());
        Path cal = dir.resolve("2048.yaml");
        Files.writeString(cal, yaml);
        return cal;
    }

    @Test
    void theDemonstratorScoresByRealKeys_andOcrReadsTheScoreTmuxShows() throws Exception {
        Path cal = calibration();
        ScreenCalibration loaded = ScreenCalibration.load(cal);
        ProgramTraits.Score score = loaded.traits().score();
        assertThat(score.kind()).isEqualTo("number");
        assertThat(loaded.traits().input()).as("no policy input declared: train chooses it").isNull();

        // 12 s at 4 keys a second: well short of the 1500 that wins (about 37 s), so it ends at the time limit
        CliRun play = CliRun.with(Game2048DemonstratorCommand::execute, "--calibration", cal.toString(), "--episodes", "1", "--time-limit", "12", "--rate", "4");
        assertThat(play.exit()).as(play.out() + play.err()).isZero();
        String line = play.line("episode 1/1");
        assertThat(line).contains("outcome=failure").contains("the time ran out before the score reached 1500");
        double ocr = number(line, "score"), truth = number(line, "tmux_score");
        assertThat(number(line, "presses")).as(line).isGreaterThanOrEqualTo(20);
        assertThat(truth).as("tiles merged: " + line).isPositive();
        // tmux is read just after the episode's last frame: a move made in between shows on tmux's line and on no frame OCR
        // saw (at this score one move adds at most 2 x 64); OCR must never read more than the game drew
        assertThat(ocr).as("OCR of the score the game drew, against tmux's: " + line).isBetween(truth - 128, truth);
        assertThat(play.out()).contains("demonstrator: episodes=1 success=0.00 [0.00,0.79] (0/1)");
    }

    @Test
    void recordHearsTheDemonstratorsKeysAsSkills() throws Exception {
        Path cal = calibration();
        List<String> along = Game2048DemonstratorCommand.command(cal, "--play-along", "--rate", "4");
        Path log = dir.resolve("person.log");
        Process person = new ProcessBuilder(along).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // the person watches before the game starts (its JVM starts in seconds on a busy machine)
            for (int i = 0; i < 1200 && !(Files.exists(log) && Files.readString(log).contains(dev.embody.bench.DesktopArena.OPERATOR_READY)); i++) {
                assertThat(person.isAlive()).as("the demonstrator is running: " + (Files.exists(log) ? Files.readString(log) : "")).isTrue();
                Thread.sleep(50);
            }
            Path episodes = dir.resolve("episodes");
            CliRun rec = CliRun.of("record", "--target", "desktop", "--calibration", cal.toString(), "--episodes", "1", "--rate", "4",
                    "--max-seconds", "8", "--episodes-dir", episodes.toString(), "--no-progress");
            assertThat(rec.exit()).as(rec.out() + rec.err()).isZero();
            String summary = rec.line("summary:");
            assertThat(summary).as(rec.out()).contains("unmapped=0");
            assertThat(number(summary, "mapped")).as("steps mapped to an arrow skill: " + summary + "\nthe demonstrator's log:\n" + Files.readString(log))
                    .isGreaterThanOrEqualTo(10);
            Path steps;
            try (var s = Files.list(episodes)) {
                steps = s.filter(Files::isDirectory).findFirst().orElseThrow().resolve("steps.jsonl");
            }
            ObjectMapper json = new ObjectMapper();
            List<String> commands = new ArrayList<>();
            for (String l : Files.readAllLines(steps)) {
                JsonNode n = json.readTree(l);
                assertThat(n.path("by").asText()).isEqualTo("person");
                commands.add(n.path("command").asText());
            }
            assertThat(commands).as("every step a command of skills/2048").isSubsetOf("wait", "up", "down", "left", "right");
            // its rule tries down first: a fresh board always has a tile that falls, and down soon stops moving anything
            assertThat(commands).as("the slides were heard as moves").contains("down", "left");
        } finally {
            person.destroy();
            person.waitFor();
        }
    }

    private static double number(String line, String key) {
        Matcher m = Pattern.compile("\\b" + key + "=([0-9.]+)").matcher(line);
        assertThat(m.find()).as(key + " in " + line).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
