package dev.embody.console;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The episodes panel's list: newest first, each with its outcome and whether a replay report is there. */
class RecordedEpisodesTest {

    @TempDir
    Path dir;

    @Test
    void listsEpisodesNewestFirst_withTheirOutcomeAndReport() throws Exception {
        Path older = Files.createDirectories(dir.resolve("20260101-100000-000-sim-game-s1"));
        Files.writeString(older.resolve("meta.json"), "{\"outcome\":\"won\",\"goal\":\"reach the flag\",\"start\":\"2026-01-01T10:00:00Z\",\"steps\":42}");
        Files.writeString(older.resolve("report.html"), "<html></html>");
        Path newer = Files.createDirectories(dir.resolve("20260102-100000-000-sim-game-s2"));
        Files.writeString(newer.resolve("meta.json"), "{not json");
        Files.createDirectories(dir.resolve("20260103-100000-000-no-meta"));

        List<Map<String, Object>> list = new RecordedEpisodes(dir).list();

        assertThat(list).extracting(m -> m.get("id")).containsExactly("20260102-100000-000-sim-game-s2", "20260101-100000-000-sim-game-s1");
        assertThat(list.get(0)).containsEntry("outcome", "unreadable meta.json").containsEntry("report", false);
        assertThat(list.get(1)).containsEntry("outcome", "won").containsEntry("goal", "reach the flag").containsEntry("steps", 42L)
                .containsEntry("report", true);
    }

    @Test
    void aSessionWithoutAnEpisodesFolderListsNothing() throws Exception {
        assertThat(new RecordedEpisodes(null).list()).isEmpty();
        assertThat(new RecordedEpisodes(dir.resolve("absent")).list()).isEmpty();
    }
}
