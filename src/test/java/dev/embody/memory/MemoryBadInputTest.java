package dev.embody.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.cli.Main;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad long-term memory files as a user meets them: {@code live} reads {@code memory/<target>/steps.jsonl} at start.
 * Each case with the message it must give; the session still runs, and nothing in the file is lost.
 */
class MemoryBadInputTest {

    @TempDir
    Path tmp;

    private CliRun live(Path memory) {
        return CliRun.of("live", "--episodes", "1", "--max-steps", "3", "--rate", "0", "--no-record", "--no-stdin-corrections",
                "--memory", memory.toString());
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aLineThatIsNotUtf8IsSkippedWithItsFileAndLineAndTheSessionRuns() throws Exception {
        Path memory = tmp.resolve("memory");
        assertThat(live(memory).exit()).isEqualTo(Main.OK);
        Path file = memory.resolve("steps.jsonl");
        // a record written by something that spoke Latin-1
        Files.write(file, "{\"episode\":\"caf\u00e9\",\"step\":0,\"subtask\":\"x\",\"command\":\"stop\",\"reflection\":\"\",\"sig\":[0,0,0,0,0]}\n"
                .getBytes(StandardCharsets.ISO_8859_1), StandardOpenOption.APPEND);
        byte[] before = Files.readAllBytes(file);

        CliRun r = live(memory);
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.OK);
        assertThat(r.err()).containsPattern(java.util.regex.Pattern.quote(file + ":4: not UTF-8 text (byte 0xe9 at column ") + "\\d+\\); line skipped");
        byte[] after = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(after, before.length)).as("nothing saved is lost").isEqualTo(before);
        assertThat(lines(file)).hasSize(7);
    }

    @Test
    void aLastLineTornByACrashIsEndedSoTheNextSessionsFirstRecordKeepsALineOfItsOwn() throws Exception {
        Path memory = tmp.resolve("memory");
        assertThat(live(memory).exit()).isEqualTo(Main.OK);
        Path file = memory.resolve("steps.jsonl");
        // killed mid-write: half a record and no newline
        Files.writeString(file, "{\"episode\":\"killed\",\"step\":7,\"subt", StandardOpenOption.APPEND);
        byte[] before = Files.readAllBytes(file);

        CliRun r = live(memory);
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.OK);
        assertThat(r.err()).contains(file + ": its last line was cut mid-write (a crash?); ended it, so new records start on a line of their own");
        byte[] after = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(after, before.length)).as("nothing saved is lost").isEqualTo(before);
        List<String> lines = lines(file);
        assertThat(lines).hasSize(7);
        ObjectMapper json = new ObjectMapper();
        for (String l : lines.subList(4, 7)) {
            assertThat(json.readTree(l).path("look").isTextual()).as(l).isTrue();
        }

        // the next session reads every record but the torn one, and says which line that is
        CliRun again = live(memory);
        assertThat(again.exit()).isEqualTo(Main.OK);
        assertThat(again.err()).contains(file + ":4: not a memory record").doesNotContain("cut mid-write");
        assertThat(lines(file)).hasSize(10);
    }
}
