package dev.embody.skill;

import dev.embody.cli.Main;
import dev.embody.loop.Goal;
import dev.embody.loop.Scene;
import dev.embody.loop.SkillExecutor;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /** A robot skill reaches only its own robot: a topic with a level separator, a '..', a wildcard or '$' is refused. */
    @Test
    void aRobotSkillThatPublishesOffItsOwnRobotsTopicsIsRefusedWithItsLine() throws Exception {
        Path dir = copyOf("robot");
        String body = "name: NAME\ndescription: Drive another robot.\nbody:\n  - publish:\n      topic: \"TOPIC\"\n"
                + "      payload: {op: move, direction: forward, distance_m: 100, speed_mps: 1e9}\n";
        Map<String, String> topics = new java.util.LinkedHashMap<>();
        topics.put("a_absolute", "embody/robots/r8/cmd");
        topics.put("b_up", "../r8/cmd");
        topics.put("c_wildcard", "+");
        topics.put("d_all", "#");
        topics.put("e_sys", "$SYS");
        topics.put("f_sub", "cmd/x");
        for (var e : topics.entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".yaml"), body.replace("NAME", e.getKey()).replace("TOPIC", e.getValue()));
        }
        CliRun check = CliRun.of("skills", "check", dir.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        for (var e : topics.entrySet()) {
            assertThat(check.err()).contains("bad  " + dir.resolve(e.getKey() + ".yaml") + ":5: publish topic '" + e.getValue()
                    + "' is not one of this robot's own topics");
        }
        Files.writeString(dir.resolve("g_state.yaml"), body.replace("NAME", "g_state").replace("TOPIC", "state"));
        CliRun forged = CliRun.of("skills", "check", dir.toString());
        assertThat(forged.err()).contains("bad  " + dir.resolve("g_state.yaml") + ":5: publish topic 'state' is where the robot reports to the agent", "7 problems");
        Files.delete(dir.resolve("g_state.yaml"));
        assertThat(check.err()).contains("6 problems");
        // a slot that fills in another robot's topic is refused for the command that would
        Files.writeString(dir.resolve("a_absolute.yaml"), "name: a_absolute\ndescription: x\nparameters:\n  to: {values: [cmd, ../r8/cmd]}\n"
                + "body:\n  - publish: {topic: \"{to}\", payload: {op: stop}}\n");
        for (String k : List.of("b_up", "c_wildcard", "d_all", "e_sys", "f_sub")) {
            Files.delete(dir.resolve(k + ".yaml"));
        }
        CliRun slot = CliRun.of("skills", "check", dir.toString());
        assertThat(slot.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(slot.err()).contains("bad  " + dir.resolve("a_absolute.yaml") + ":6: for a_absolute(to=../r8/cmd): publish topic '../r8/cmd' is not one of this robot's own topics");
    }

    /** Chords the target's deny-list refuses, in any order, and a hold the watchdog would cut, are refused when loaded. */
    @Test
    void aDesktopSkillThatPressesADeniedChordOrHoldsPastTheWatchdogIsRefusedWithItsLine() throws Exception {
        Path dir = copyOf("desktop");
        Files.writeString(dir.resolve("quit.yaml"), "name: quit\ndescription: Quit.\nbody:\n  - press: SHIFT+F4+ALT\n");
        Files.writeString(dir.resolve("reboot.yaml"), "name: reboot\ndescription: Reboot.\nbody:\n  - press: [DELETE, ALT, SHIFT, CONTROL]\n");
        Files.writeString(dir.resolve("run.yaml"), "name: run\ndescription: Run.\nbody:\n  - hold: UP\n    for: 999999ms\n");
        Files.writeString(dir.resolve("walk.yaml"), "name: walk\ndescription: Walk.\nbody:\n  - hold: UP\n    for: 3s\n");
        CliRun check = CliRun.of("skills", "check", dir.toString());
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.err()).contains(
                "bad  " + dir.resolve("quit.yaml") + ":4: for quit: press SHIFT+F4+ALT is refused: ALT+F4 is on the desktop target's deny-list",
                "bad  " + dir.resolve("reboot.yaml") + ":4: for reboot: press DELETE+ALT+SHIFT+CONTROL is refused: CONTROL+ALT+DELETE is on the desktop target's deny-list",
                "bad  " + dir.resolve("run.yaml") + ":4: for run: hold UP for 999999 ms is not shorter than the desktop target's watchdog (3000 ms)",
                "bad  " + dir.resolve("walk.yaml") + ":4: for walk: hold UP for 3000 ms is not shorter than the desktop target's watchdog (3000 ms)",
                "4 problems");
    }

    /** A file far larger than any skill is refused before it is read, however it is made (SnakeYAML is slow on a long scalar). */
    @Test
    void aHugeSkillFileIsRefusedBeforeItIsReadWithinTwoSeconds() throws Exception {
        Path dir = copyOf("sim-game");
        Path big = dir.resolve("big.yaml");
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(big))) {
            out.write("name: big\ndescription: \"".getBytes(StandardCharsets.UTF_8));
            byte[] a = new byte[1 << 20];
            java.util.Arrays.fill(a, (byte) 'a');
            for (int i = 0; i < 35; i++) {
                out.write(a);
            }
            out.write("\"\nbody:\n  - press: ENTER\n".getBytes(StandardCharsets.UTF_8));
        }
        Path sparse = dir.resolve("sparse.yaml");
        try (var f = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        assertThat(CliRun.of("skills", "check", copyOf("robot").toString()).exit()).as("the CLI's classes loaded first").isEqualTo(Main.OK);
        long t0 = System.nanoTime();
        CliRun check = CliRun.of("skills", "check", dir.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(check.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(check.err()).contains(
                "bad  " + big + ": too large: 36700209 bytes; a YAML file embody reads is at most 262144 bytes (256 KiB)",
                "bad  " + sparse + ": too large: 1073741824 bytes; a YAML file embody reads is at most 262144 bytes (256 KiB)");
        assertThat(ms).as("refused before reading, not after").isLessThan(2000);
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
