package dev.embody.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code embody correct --explain TEXT}: how a sentence is understood, and the exit code scripts test. */
class CorrectCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stdout;
    private PrintStream stderr;

    @BeforeEach
    void capture() {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void explainsACommandAndExitsZero() {
        int rc = Main.execute("correct", "--explain", "a bit more to the lfet please");
        assertThat(rc).isZero();
        assertThat(out()).contains("kind: command", "command: move(direction=left, amount=small)", "confidence: 0.85",
                "would apply: yes", "read \"lfet\" as \"left\"");
    }

    @Test
    void explainsStopGoalAndNote() {
        assertThat(Main.execute("correct", "--explain", "stop, there is lava", "--explain", "now go to the flag",
                "--explain", "avoid the lava on the right")).isZero();
        assertThat(out()).contains("kind: stop", "stop always wins", "kind: goal", "goal: go to the flag", "kind: note",
                "note: avoid the lava on the right");
    }

    @Test
    void notUnderstoodOrAmbiguousExitsOneAndSaysWhy() {
        assertThat(Main.execute("correct", "--explain", "left or right")).isEqualTo(Main.FAILED);
        assertThat(out()).contains("kind: ambiguous", "would apply: no", "direction could be left or right");
        out.reset();
        assertThat(Main.execute("correct", "--explain", "the weather is lovely")).isEqualTo(Main.FAILED);
        assertThat(out()).contains("kind: not understood", "confidence: 0.00");
        out.reset();
        // one sentence not understood fails the lot
        assertThat(Main.execute("correct", "--explain", "go left", "--explain", "go")).isEqualTo(Main.FAILED);
        assertThat(out()).contains("command: move(direction=left, amount=medium)", "'move' needs direction");
    }

    @Test
    void theTargetPicksTheSkillsItUnderstandsWith(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gripper.yaml"), """
                name: gripper
                description: Open or close the gripper.
                tags: [robot]
                parameters:
                  state:
                    values:
                      open:  {say: [release]}
                      close: {say: [grip]}
                phrases: ["{state} the gripper"]
                body:
                  - publish: {topic: "gripper", payload: "{state}"}
                """);
        assertThat(Main.execute("correct", "--skills", dir.toString(), "--explain", "close the griper")).isZero();
        assertThat(out()).contains("command: gripper(state=close)");
        out.reset();
        assertThat(Main.execute("correct", "--skills", dir.toString(), "--explain", "go left")).isEqualTo(Main.FAILED);
    }

    @Test
    void anUnknownTargetIsAUsageError() {
        assertThat(Main.execute("correct", "--target", "no-such-target", "--explain", "left")).isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--target must be one of sim-game, desktop, sim-robot, robot, got 'no-such-target'");
        assertThat(Main.execute("correct")).isEqualTo(Main.USAGE);
    }
}
