package dev.embody.skill;

import dev.embody.cli.Main;
import dev.embody.loop.Scene;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.loop.Goal;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad skill folders as a user meets them ({@code skills check}, {@code live --skills}): each case with the exit code
 * and the message it must give. A skill its target cannot carry out is refused when it is loaded, not when it runs.
 */
class SkillsBadInputTest {

    @TempDir
    Path tmp;

    private static final String BEEP = """
            name: beep
            description: Make the robot beep.
            body:
              - publish:
                  topic: cmd
                  payload: {op: beep}
            """;

    /** A copy of a shipped skills folder, in a folder named as the target. */
    private Path copyOf(String target) throws Exception {
        Path dir = tmp.resolve(target);
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(Path.of("skills", target))) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        return dir;
    }

    @Test
    void theShippedSkillsPassTheirTargetsCheck() {
        CliRun r = CliRun.of("skills", "check");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(Main.OK);
        assertThat(r.out()).contains("ok   skills/desktop: ", " for desktop", "ok   skills/robot: ", " for robot", "ok   skills/sim-game: ", " for sim-game");
    }

    @Test
    void aSimGameSkillThatPublishesIsRefusedWithItsLineBecauseTheGameHasOnlyAKeyboard() throws Exception {
        Path dir = copyOf("sim-game");
        Path beep = dir.resolve("beep.yaml");
        Files.writeString(beep, BEEP);

        CliRun check = CliRun.of("skills", "check", dir.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.err()).contains("bad  " + beep + ":4: 'publish' is not something the sim-game target can do "
                + "(its actuator can: call, hold, press, release_all, wait)");
        CliRun live = CliRun.of("live", "--skills", dir.toString(), "--episodes", "1", "--max-steps", "3", "--no-record",
                "--no-stdin-corrections", "--memory", tmp.resolve("memory").toString());
        assertThat(live.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(live.err()).contains("error: " + beep + ":4: 'publish' is not something the sim-game target can do");
        // the same folder named for no target, checked for one
        CliRun named = CliRun.of("skills", "check", dir.toString(), "--target", "desktop");
        assertThat(named.err()).contains(beep + ":4: 'publish' is not something the desktop target can do");
    }

    @Test
    void aRobotSkillThatHoldsAKeyIsRefusedBecauseARobotHasNoKeys() throws Exception {
        Path dir = copyOf("robot");
        Path honk = dir.resolve("honk.yaml");
        Files.writeString(honk, "name: honk\ndescription: Honk.\nbody:\n  - press: H\n");
        CliRun check = CliRun.of("skills", "check", dir.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.err()).contains("bad  " + honk + ":4: 'press' is not something the robot target can do (its actuator can: call, publish, release_all, wait)");
    }

    @Test
    void everyBadFileOfAFolderIsReportedNotOnlyTheFirst() throws Exception {
        Path dir = copyOf("sim-game");
        Files.writeString(dir.resolve("a_unknown.yaml"), "name: a_unknown\ndescription: x\nbody:\n  - jump: high\n");
        Files.writeString(dir.resolve("b_nobody.yaml"), "name: b_nobody\ndescription: x\n");
        Files.writeString(dir.resolve("c_beep.yaml"), BEEP.replace("name: beep", "name: c_beep"));

        CliRun check = CliRun.of("skills", "check", dir.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.err()).contains(
                "bad  " + dir.resolve("a_unknown.yaml") + ":4: unknown primitive 'jump'",
                "bad  " + dir.resolve("b_nobody.yaml") + ":1: 'body' must be a non-empty list of primitives",
                "bad  " + dir.resolve("c_beep.yaml") + ":4: 'publish' is not something the sim-game target can do",
                "3 problems");
        CliRun live = CliRun.of("live", "--skills", dir.toString(), "--episodes", "1", "--no-record", "--no-stdin-corrections",
                "--memory", tmp.resolve("memory").toString());
        assertThat(live.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(live.err()).contains("(and 2 more problems: ./run skills check " + dir + ")");
    }

    @Test
    void aSkillFileThatIsNotUtf8SaysWhichLineAndByte() throws Exception {
        Path dir = copyOf("sim-game");
        Path cafe = dir.resolve("cafe.yaml");
        Files.write(cafe, "name: cafe\ndescription: Go to the caf\u00e9.\nbody:\n  - press: ENTER\n".getBytes(StandardCharsets.ISO_8859_1));
        CliRun check = CliRun.of("skills", "check", dir.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.err()).contains("bad  " + cafe + ":2: not UTF-8 text (byte 0xe9 at column 27)");
    }

    /** What the check declares for the embedded game is what its keyboard really does, and no more. */
    @Test
    void theGameKeyboardCarriesOutExactlyThePrimitivesItDeclares() throws Exception {
        SimGameTarget game = new SimGameTarget(SimGame.of(1, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        Map<String, String> bodies = Map.of(
                "press", "press: LEFT", "hold", "hold: LEFT\n    for: 50ms", "wait", "wait: 50ms", "release_all", "release_all: true",
                "type", "type: hi", "mouse_move", "mouse_move: {x: 1, y: 1}", "click", "click: left", "scroll", "scroll: 1",
                "publish", "publish: {topic: cmd, payload: {op: stop}}");
        TargetPrimitives declared = new TargetPrimitives("sim-game", dev.embody.actuation.KeyTrackingActuator.PRIMITIVES);
        for (var e : bodies.entrySet()) {
            Path dir = tmp.resolve("one-" + e.getKey());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("p.yaml"), "name: p\ndescription: one primitive\nbody:\n  - " + e.getValue() + "\n");
            SkillLibrary lib = SkillLibrary.load(dir);
            SkillExecutor ex = new SkillExecutor(lib);
            if (declared.allows(e.getKey())) {
                assertThat(ex.run(SkillCall.parse("p"), Scene.empty(10, 10, "px"), game.actuator(), () -> false).sent()).as(e.getKey()).isNotEmpty();
                assertThat(SkillLibrary.check(dir, declared).problems()).isEmpty();
            } else {
                assertThatThrownBy(() -> ex.run(SkillCall.parse("p"), Scene.empty(10, 10, "px"), game.actuator(), () -> false))
                        .as(e.getKey()).isInstanceOf(UnsupportedOperationException.class);
                assertThat(SkillLibrary.check(dir, declared).problems()).singleElement().asString().contains("'" + e.getKey() + "' is not something");
            }
        }
    }
}
