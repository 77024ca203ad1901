package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.testkit.EmbodyProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./run live --stdin-corrections}: lines piped to a live session's stdin steer it, and the episode records them. */
@Tag("slow")
class LiveStdinCorrectionsTest {

    @Test
    void linesOnStdinAreCorrectionsAppliedAndRecorded(@TempDir Path work) throws Exception {
        EmbodyProcess.copyProjectFolders(work, "skills");
        try (EmbodyProcess p = EmbodyProcess.cli(work, Map.of(), "live", "--realtime", "--episodes", "1", "--seed", "5",
                "--max-steps", "300", "--stdin-corrections")) {
            // the loop is stepping once its episode has a few steps on disk
            long end = System.nanoTime() + 60_000_000_000L;
            while (stepsWritten(work) < 3) {
                assertThat(System.nanoTime()).as("no steps in 60 s: " + p.stderr()).isLessThan(end);
                assertThat(p.process().isAlive()).as(p.stderr()).isTrue();
                Thread.sleep(50);
            }
            OutputStream keyboard = p.process().getOutputStream();
            keyboard.write("uh, remember: the lava burns\n".getBytes(StandardCharsets.UTF_8));
            keyboard.write("go up a lot\n".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            assertThat(p.awaitOutput("correction \"go up a lot\": command move(direction=up, amount=large)", 20)).as(p.stderr()).isTrue();
            Thread.sleep(1500);
            keyboard.write("left or right\nstop\n".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            assertThat(p.waitFor(30)).as(p.stderr()).isZero();

            assertThat(p.stderr()).contains("correction \"left or right\": ambiguous, nothing applied",
                    "correction \"uh, remember: the lava burns\": note \"the lava burns\"");
            assertThat(p.stdout()).contains("outcome=stopped");
            Path episode = episode(work);
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> steps = Files.readAllLines(episode.resolve("steps.jsonl")).stream().map(l -> {
                try {
                    return json.readTree(l);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            List<JsonNode> corrected = steps.stream().filter(s -> s.has("correction")).toList();
            assertThat(corrected).hasSize(1);
            assertThat(corrected.get(0).get("command").asText()).isEqualTo("move(direction=up, amount=large)");
            assertThat(corrected.get(0).get("by").asText()).isEqualTo("operator");
            assertThat(corrected.get(0).get("correction").asText()).isEqualTo("go up a lot");
            JsonNode meta = json.readTree(episode.resolve("meta.json").toFile());
            assertThat(meta.get("outcome").asText()).isEqualTo("stopped");
            assertThat(meta.get("interventions").toString()).contains("\"kind\":\"note\"", "\"kind\":\"command\"", "\"kind\":\"stop\"",
                    "\"channel\":\"terminal\"", "go up a lot").doesNotContain("left or right");
        }
    }

    private static Path episode(Path work) throws Exception {
        try (var dirs = Files.list(work.resolve("episodes"))) {
            return dirs.findFirst().orElseThrow();
        }
    }

    private static long stepsWritten(Path work) throws Exception {
        if (!Files.isDirectory(work.resolve("episodes"))) {
            return 0;
        }
        Path steps = episode(work).resolve("steps.jsonl");
        return Files.exists(steps) ? Files.readAllLines(steps).size() : 0;
    }
}
