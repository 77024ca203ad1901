package dev.embody.episode;

import dev.embody.file.BadFileException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordedEpisodeTest {

    @TempDir
    static Path tmp;
    static Path original;

    @BeforeAll
    static void record() throws Exception {
        original = EpisodeFixtures.record(tmp.resolve("recorded"), 3, 1).dir();
    }

    /** A copy of the recorded episode to break. */
    private static Path copy(String name) throws Exception {
        Path dst = tmp.resolve(name);
        Files.createDirectories(dst);
        try (var s = Files.list(original)) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    private static List<String> lines(Path dir) throws Exception {
        return new ArrayList<>(Files.readAllLines(dir.resolve(Episode.STEPS), StandardCharsets.UTF_8));
    }

    @Test
    void aWholeEpisodeReadsBackWithEveryStep() throws Exception {
        RecordedEpisode e = RecordedEpisode.read(original);
        assertThat(e.cut()).isNull();
        assertThat(e.steps()).hasSize((int) e.meta().path("steps").asLong());
        assertThat(e.targetSeconds()).isEqualTo(e.meta().path("score").path("game_s").asDouble());
        assertThat(EpisodeCheck.check(original).status()).isEqualTo(EpisodeCheck.Status.OK);
    }

    @Test
    void aTruncatedLineInTheMiddleNamesTheFileAndLine() throws Exception {
        Path d = copy("truncated");
        List<String> lines = lines(d);
        lines.set(2, lines.get(2).substring(0, lines.get(2).length() / 2));
        Files.write(d.resolve(Episode.STEPS), lines, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RecordedEpisode.read(d)).isInstanceOf(BadFileException.class)
                .hasMessageContaining(d.resolve(Episode.STEPS) + ":3:").hasMessageContaining("truncated");
        assertThat(EpisodeCheck.check(d).status()).isEqualTo(EpisodeCheck.Status.BAD);
    }

    @Test
    void aTruncatedLastLineOfAClosedEpisodeIsAnErrorToo() throws Exception {
        Path d = copy("truncated-end");
        String text = Files.readString(d.resolve(Episode.STEPS));
        Files.writeString(d.resolve(Episode.STEPS), text.substring(0, text.length() - 40));
        int last = lines(original).size();
        assertThatThrownBy(() -> RecordedEpisode.read(d)).isInstanceOf(BadFileException.class)
                .hasMessageContaining(Episode.STEPS + ":" + last + ":");
    }

    @Test
    void aMissingVideoNamesTheVideo() throws Exception {
        Path d = copy("no-video");
        Files.delete(d.resolve(Episode.VIDEO));
        assertThatThrownBy(() -> RecordedEpisode.read(d)).isInstanceOf(BadFileException.class)
                .hasMessageContaining(d.resolve(Episode.VIDEO).toString()).hasMessageContaining("missing");
    }

    @Test
    void badMetaNamesMetaAndLine() throws Exception {
        Path d = copy("bad-meta");
        String meta = Files.readString(d.resolve(Episode.META));
        Files.writeString(d.resolve(Episode.META), meta.replace("\"seed\" : 3,", "\"seed\" : 3,,"));
        assertThatThrownBy(() -> RecordedEpisode.read(d)).isInstanceOf(BadFileException.class)
                .hasMessageContaining(d.resolve(Episode.META) + ":5:").hasMessageContaining("not valid JSON");
        Files.writeString(d.resolve(Episode.META), meta.replace("\"seed\" : 3,", "\"seed\" : \"three\","));
        assertThatThrownBy(() -> RecordedEpisode.read(d)).hasMessageContaining("field 'seed' must be a whole number");
    }

    @Test
    void aWrongFieldNamesTheLineAndWhatIsExpected() throws Exception {
        Path d = copy("bad-command");
        List<String> lines = lines(d);
        lines.set(1, lines.get(1).replaceFirst("\"command\":\"[^\"]*\"", "\"command\":\"move(left\""));
        Files.write(d.resolve(Episode.STEPS), lines, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RecordedEpisode.read(d)).hasMessageContaining(Episode.STEPS + ":2: field 'command'");
    }

    @Test
    void fewerStepsThanMetaSaysIsAnError() throws Exception {
        Path d = copy("short-steps");
        List<String> lines = lines(d);
        lines.remove(lines.size() - 1);
        Files.write(d.resolve(Episode.STEPS), lines, StandardCharsets.UTF_8);
        // meta.json says one step more than the file has
        assertThatThrownBy(() -> RecordedEpisode.read(d)).hasMessageContaining("but meta.json says steps=");
    }
}
