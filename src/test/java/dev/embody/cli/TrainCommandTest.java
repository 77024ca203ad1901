package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.episode.EpisodeFixtures;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code train} says how well the policy it made fits what it was shown, on the training and the held-out episodes. */
@Tag("slow")
class TrainCommandTest {

    @TempDir
    Path dir;

    @Test
    void aFewSimGameDemonstrationsAreFitted_andTrainReportsAgreementBesideTheMajorityClass() throws Exception {
        Path episodes = dir.resolve("episodes");
        CliRun demos = CliRun.of("live", "--target", "sim-game", "--policy", "oracle", "--episodes", "4", "--difficulty", "1",
                "--max-steps", "60", "--episodes-dir", episodes.toString());
        assertThat(demos.exit()).as(demos.err()).isZero();

        CliRun train = CliRun.of("train", "--episodes-dir", episodes.toString(), "--checkpoints", dir.resolve("ck").toString(),
                "--gate-episodes", "0");
        assertThat(train.exit()).as(train.out() + train.err()).isZero();
        System.out.println(train.out());
        // four demonstrations: one held out, three trained on
        assertThat(train.line("dataset: ")).contains("from 3 episodes");
        assertThat(train.line("held out: ")).endsWith("from 1 episodes (never trained on)");
        assertThat(train.line("trained ")).containsPattern("trained \\d+ epochs \\(\\d+ steps\\) on \\d+ examples, kept epoch \\d+ \\((best held-out agreement|held-out agreement within a standard error of the best, epoch \\d+)\\)");
        String fit = train.line("fit on training episodes: ");
        Matcher m = Pattern.compile("agreement (\\d\\.\\d\\d) \\[\\d\\.\\d\\d, \\d\\.\\d\\d] \\((\\d+)/(\\d+)\\) vs always '[^']+' \\d\\.\\d\\d \\[").matcher(fit);
        assertThat(m.find()).as(fit).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as(fit).isGreaterThanOrEqualTo(0.9);
        assertThat(train.line("fit on held-out episodes: ")).startsWith("fit on held-out episodes: agreement ");
        assertThat(train.out()).contains("fit: the policy fits its training steps").doesNotContain("warning:");

        JsonNode metrics = new ObjectMapper().readTree(dir.resolve("ck/sim-game/v0001/checkpoint.json").toFile()).path("metrics");
        assertThat(metrics.path("agreement_train").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(metrics.path("agreement_train_n").asInt()).isEqualTo(Integer.parseInt(m.group(3)));
        assertThat(metrics.path("agreement_train_95ci")).hasSize(2);
        assertThat(metrics.has("agreement_heldout_episodes")).isTrue();
    }

    @Test
    void demonstrationsWhoseCommandsTheScreenDoesNotDecideAreNotFitted_andTrainSaysSoAndWhatToTry() throws Exception {
        Path episodes = dir.resolve("episodes");
        // a person who mostly waits and otherwise presses a key at random: what they do is not on the screen
        java.util.List<String> commands = dev.embody.planning.LearnedPolicy.names(EpisodeFixtures.library());
        String wait = commands.stream().filter(c -> c.startsWith("wait")).findFirst().orElseThrow();
        java.util.Random coin = new java.util.Random(7);
        dev.embody.loop.Policy erratic = new dev.embody.loop.Policy() {
            @Override
            public dev.embody.loop.Decision plan(dev.embody.loop.PlanningContext context) {
                String c = coin.nextDouble() < 0.6 ? wait : commands.get(coin.nextInt(commands.size()));
                return new dev.embody.loop.Decision(dev.embody.skill.SkillCall.parse(c), java.util.Map.of(), "person", "scripted at random");
            }

            @Override
            public String name() {
                return "person";
            }
        };
        for (long seed = 1; seed <= 3; seed++) {
            EpisodeFixtures.record(episodes, seed, 1, java.util.Map.of(), erratic, 40);
        }
        CliRun train = CliRun.of("train", "--episodes-dir", episodes.toString(), "--checkpoints", dir.resolve("ck").toString(),
                "--gate-episodes", "0", "--epochs", "20");
        assertThat(train.exit()).as(train.out() + train.err()).isZero();
        System.out.println(train.out());
        assertThat(train.line("fit on training episodes: ")).contains(" vs always '" + wait + "' ");
        assertThat(train.out()).contains("warning: the policy does not fit what it was shown: it agrees with")
                .contains("try: train longer (--epochs)").contains("record more demonstrations").doesNotContain("fit: the policy fits");
        assertThat(train.out()).as("it is still written: a person may want to look at it").contains("v0001: loss");
        if (train.line("trained ").contains("stopped after")) {
            assertThat(train.out()).contains("note: training stopped at epoch");
        }
    }

    @Test
    void aDesktopProgramWithNoDeclaredInput_getsOneChosenFromItsDemonstrations_keptInTheCheckpointAndByAFineTune() throws Exception {
        Path cal = Files.writeString(dir.resolve("ball.yaml"), """
                name: ball
                window: {title: ball, focus: xdotool}
                region: {x: 0, y: 0, width: 160, height: 90}
                scene: {width: 160, height: 90}
                source: x11grab
                parser: none
                skills: skills/moon-buggy
                policy: {normalise: true}
                """);
        Path episodes = dir.resolve("episodes");
        for (int e = 0; e < 4; e++) {
            EpisodeFixtures.recordBall(episodes, cal, "ball-" + e, 37 * e, 100, true); // a dark ball on white paper, as a light terminal
        }
        String[] args = {"train", "--target", "desktop", "--calibration", cal.toString(), "--episodes-dir", episodes.toString(),
                "--checkpoints", dir.resolve("ck").toString(), "--epochs", "15"};
        CliRun train = CliRun.of(args);
        assertThat(train.exit()).as(train.out() + train.err()).isZero();
        System.out.println(train.out());
        // three episodes trained on (one held out), the ball's band found, the ball kept one pixel at least (moving 3 pixels a
        // frame, what changes on each side of it is 3 pixels wide)
        String input = train.line("input: ");
        Matcher crop = Pattern.compile("input: chosen from 300 demonstration frames: crop x=(\\d\\.\\d\\d) y=(\\d\\.\\d\\d) w=(\\d\\.\\d\\d) h=(\\d\\.\\d\\d) "
                + "\\(where the screen changed\\), (\\d+)x(\\d+) \\(the smallest changing thing: ([1-4])x4 px\\), 3 frames, position, "
                + "the screen alone \\(no task words, no previous command\\)").matcher(input);
        assertThat(crop.matches()).as(input).isTrue();
        assertThat(Double.parseDouble(crop.group(2))).as("the title bar above is left out: " + input).isGreaterThan(0.5);
        assertThat(Double.parseDouble(crop.group(2)) + Double.parseDouble(crop.group(4))).as(input).isGreaterThanOrEqualTo(63 / 90.0);
        // the person waits again and again: not overruled; the policy fits, so it takes its likeliest command
        assertThat(train.line("choice: ")).contains("no loop breaking (the person repeated the previous command at ")
                .contains("a person who waits twice is not overruled");
        String fit = train.line("fit on training episodes: ");
        Matcher m = Pattern.compile("agreement (\\d\\.\\d\\d) ").matcher(fit);
        assertThat(m.find()).as(fit).isTrue();
        if (Double.parseDouble(m.group(1)) >= 0.9) {
            assertThat(train.line("choice: ")).as(train.out()).startsWith("choice: greedy (the policy agrees with ");
        }

        JsonNode meta = new ObjectMapper().readTree(dir.resolve("ck/desktop-ball/v0001/checkpoint.json").toFile());
        assertThat(meta.path("input_spec").path("width").asInt()).isEqualTo(Integer.parseInt(crop.group(5)));
        assertThat(meta.path("input_spec").path("crop").path("y").asDouble()).isEqualTo(Double.parseDouble(crop.group(2)), org.assertj.core.data.Offset.offset(0.006));
        assertThat(meta.path("input_spec").path("features").toString()).isEqualTo("[\"position\",\"screen_only\"]");
        // declared (policy.normalise): each of its 11 planes (3 frames of RGB, 2 of position) centred and scaled by the training steps' statistics, kept
        assertThat(train.out()).containsPattern("input: each of its 11 channels centred and scaled by its mean and spread over \\d+ training steps \\(means ");
        JsonNode stats = meta.path("input_spec").path("normalisation");
        assertThat(stats.path("mean").size()).as(meta.toString()).isEqualTo(11);
        assertThat(stats.path("std").size()).isEqualTo(11);
        stats.path("std").forEach(v -> assertThat(v.asDouble()).isGreaterThanOrEqualTo(0.05));
        assertThat(meta.path("rules").path("loop_breaking").asBoolean(true)).isFalse();

        // a fine-tune keeps the checkpoint's input, and says so
        CliRun again = CliRun.of(args);
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.line("input: ")).contains("(kept from v0001: a fine-tune reads what its checkpoint was trained on)");
        assertThat(again.out()).doesNotContain("chosen from");
        JsonNode kept = new ObjectMapper().readTree(dir.resolve("ck/desktop-ball/v0002/checkpoint.json").toFile());
        assertThat(kept.path("input_spec").path("normalisation")).as("a fine-tune reads with its checkpoint's statistics").isEqualTo(stats);

        // a declared input wins, and train says so
        Path declared = Files.writeString(dir.resolve("declared.yaml"), Files.readString(cal).replace("name: ball", "name: ball2")
                .replace("policy: {normalise: true}\n", "") + "policy: {input: {width: 40, height: 8, frames: 1}, loop_breaking: true}\n");
        CliRun decl = CliRun.of("train", "--target", "desktop", "--calibration", declared.toString(), "--episodes-dir", episodes.toString(),
                "--checkpoints", dir.resolve("ck").toString(), "--epochs", "2");
        assertThat(decl.exit()).as(decl.out() + decl.err()).isZero();
        assertThat(decl.line("input: ")).startsWith("input: 40x8 pixels x 1 frame(s)").endsWith("(declared by the calibration's policy.input, not chosen from the demonstrations)");
        assertThat(decl.line("choice: ")).contains(", loop breaking (the calibration declares it), ").endsWith("moves that changed nothing may be tried again (one frame a step: a still screen is not seen)");
        assertThat(decl.out()).as("nothing declared: levels over 255, as before").doesNotContain("centred and scaled");
    }
}
