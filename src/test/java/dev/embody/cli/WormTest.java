package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.perception.ProgramTraits;
import dev.embody.perception.ScreenCalibration;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.WormDemonstratorCommand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's bsdgames worm, a program nobody wrote for embody, from its committed calibration and skills only (in tmux in
 * an xterm under the tests' Xvfb): the scripted demonstrator plays it by real X arrow keys while the calibration's OCR
 * reads the score the game draws, which must be the score tmux shows; and {@code record} hears those keys as a
 * person's, every one mapped to a skill.
 */
@Tag("external")
@Tag("slow")
class WormTest {

    @TempDir
    Path dir;

    /** The committed calibration with a tmux server of this JVM's own (a measurement on the same machine has its own). */
    private Path calibration() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "DISPLAY is not set: this test needs an X server (./run tests starts Xvfb)");
        assumeTrue(Files.isExecutable(Path.of("/usr/games/worm")), "bsdgames' worm is not installed");
        String yaml = Files.readString(Path.of("calibration/desktop/worm.yaml"))
                .replace("embody-worm", "embody-worm-test-" + ProcessHandle.current().pid())
                .replace("skills: skills/worm", "skills: " + Path.of("skills/worm").toAbsolutePath());
        Path cal = dir.resolve("worm.yaml");
        Files.writeString(cal, yaml);
        return cal;
    }

    @Test
    void theDemonstratorScoresByRealKeysAndOcrReadsTheScoreTmuxShows() throws Exception {
        Path cal = calibration();
        ScreenCalibration loaded = ScreenCalibration.load(cal);
        ProgramTraits.Score score = loaded.traits().score();
        assertThat(score.kind()).isEqualTo("number");
        assertThat(score.blank()).as("the game draws no score before the worm first eats").isEqualTo(0.0);
        assertThat(loaded.traits().input()).as("no policy input declared: train chooses it").isNull();

        // where the digit lands is the game's draw: in one CI run it lay beyond 8 s of crawling. Three games, at the pace
        // the demonstrations were recorded at: one at least eats, and OCR equals tmux in every one
        CliRun play = CliRun.with(WormDemonstratorCommand::execute, "--calibration", cal.toString(), "--episodes", "3", "--time-limit", "10", "--rate", "8");
        assertThat(play.exit()).as(play.out() + play.err()).isZero();
        Matcher m = Pattern.compile("episode \\d/3 .*score=([0-9.]+) tmux_score=(\\d+)").matcher(play.out());
        int games = 0, ate = 0, exact = 0;
        while (m.find()) {
            games++;
            double ocr = Double.parseDouble(m.group(1));
            int truth = Integer.parseInt(m.group(2));
            ate += truth > 0 ? 1 : 0;
            exact += truth > 0 && ocr == truth ? 1 : 0;
            // tmux is read once more after the episode's last frame: a digit eaten in between (one digit, at most 9) is
            // on tmux's line and not yet on any frame OCR saw (CI once: OCR 6, tmux 11 at the time limit)
            assertThat(ocr).as("OCR of the score the game drew, against tmux's: " + play.out()).isBetween(truth - 9.0, (double) truth);
        }
        assertThat(exact).as("OCR read the very number tmux shows in a game that ate: " + play.out()).isPositive();
        assertThat(games).as(play.out()).isEqualTo(3);
        assertThat(ate).as("the demonstrator ate in at least one of three games: " + play.out()).isPositive();
    }

    @Test
    void recordHearsTheDemonstratorsKeysAsSkills() throws Exception {
        Path cal = calibration();
        List<String> along = WormDemonstratorCommand.command(cal, "--play-along", "--rate", "8");
        Process person = new ProcessBuilder(along).redirectErrorStream(true).redirectOutput(dir.resolve("person.log").toFile()).start();
        try {
            // the person watches before the game starts (its JVM starts in seconds on a busy machine)
            Path log = dir.resolve("person.log");
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
            Matcher mapped = Pattern.compile(" mapped=(\\d+)").matcher(summary);
            assertThat(mapped.find()).isTrue();
            assertThat(Integer.parseInt(mapped.group(1))).as("steps mapped to an arrow skill: " + summary).isGreaterThanOrEqualTo(10);
            Path steps;
            try (var s = Files.list(episodes)) {
                steps = s.findFirst().orElseThrow().resolve("steps.jsonl");
            }
            ObjectMapper json = new ObjectMapper();
            long arrows = Files.readAllLines(steps).stream().map(l -> {
                try {
                    JsonNode n = json.readTree(l);
                    return n.path("by").asText() + ":" + n.path("command").asText();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).filter(c -> c.matches("person:(up|down|left|right)")).count();
            assertThat(arrows).as("steps by the person with an arrow skill").isGreaterThanOrEqualTo(10);
        } finally {
            person.destroy();
            person.waitFor();
        }
    }
}
