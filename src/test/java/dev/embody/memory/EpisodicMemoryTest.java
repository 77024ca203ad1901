package dev.embody.memory;

import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
import dev.embody.loop.Frame;
import dev.embody.loop.ImageSignature;
import dev.embody.loop.Memory;
import dev.embody.loop.Latency;
import dev.embody.loop.Outcome;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Step;
import dev.embody.loop.Task;
import dev.embody.skill.SkillCall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EpisodicMemoryTest {

    @TempDir
    Path dir;

    /** A screen with a bright square at x: what memory recalls by. */
    static ImageSignature screen(double px) {
        byte[] bgr = new byte[640 * 360 * 3];
        for (int y = 80; y < 120; y++) {
            for (int x = (int) px - 20; x < px + 20; x++) {
                if (x >= 0 && x < 640) {
                    java.util.Arrays.fill(bgr, (y * 640 + x) * 3, (y * 640 + x) * 3 + 3, (byte) 250);
                }
            }
        }
        return ImageSignature.of(new Frame(640, 360, bgr));
    }

    private static Step step(long i, double px, String command, long wallMillis) {
        Scene s = new Scene(640, 360, "px", List.of(new Entity("player", px, 100, 12, 12)), null);
        Task t = new Task("collect all coins", "navigate", "go to the coin at (300, 100)", "coin", 300, 100);
        return new Step(i, wallMillis, 0, i, s, Reflection.first(), t, List.of(), Decision.of(SkillCall.parse(command), "operator", ""),
                null, List.of(), false, Outcome.RUNNING, new Latency(0, 0, 0, 0, 0, 0, 0), false, screen(px), List.of(), List.of());
    }

    private static Step step(long i, double px, String command) {
        return step(i, px, command, 1000 + i);
    }

    @Test
    void remembersAcrossSessionsAndRecallsTheMostSimilarSituation() throws Exception {
        try (EpisodicMemory m = EpisodicMemory.open(dir)) {
            m.beginEpisode("e1");
            m.remember(step(0, 100, "move(direction=right, amount=large)"));
            m.remember(step(1, 280, "move(direction=right, amount=small)"));
            assertThat(m.recent(5)).hasSize(2);
        }
        try (EpisodicMemory again = EpisodicMemory.open(dir)) {
            assertThat(again.size()).isEqualTo(2);
            assertThat(again.recent(5)).as("short-term memory is per session").isEmpty();
            // by the look of the screen, not by coin counts: the square near x=275 was last seen at x=280
            var near = again.recall(screen(275), 1);
            assertThat(near).singleElement().satisfies(r -> {
                assertThat(r.episode()).isEqualTo("e1");
                assertThat(r.command()).isEqualTo("move(direction=right, amount=small)");
                assertThat(r.by()).isEqualTo("operator");
                assertThat(r.distance()).isLessThan(0.01);
            });
        }
    }

    @Test
    void replayRecallsFromMemoryAsItStoodWhenTheEpisodeBegan() throws Exception {
        try (EpisodicMemory m = EpisodicMemory.open(dir)) {
            m.beginEpisode("before");
            m.remember(step(0, 100, "move(direction=left, amount=small)", 1_000));
            m.beginEpisode("after");
            m.remember(step(0, 105, "move(direction=right, amount=small)", 5_000));
        }
        EpisodicMemory asOf = EpisodicMemory.asOf(dir, 2_000);
        assertThat(asOf.size()).isEqualTo(1);
        assertThat(asOf.recall(screen(105), 1)).singleElement().satisfies(r -> assertThat(r.episode()).isEqualTo("before"));
        assertThat(EpisodicMemory.asOf(dir.resolve("none"), 2_000).size()).isZero();
    }

    @Test
    void aModuleCitesWhatItUsed_theLoopTakesItIntoTheStep() {
        EpisodicMemory m = EpisodicMemory.inMemory();
        m.cite("curation", "note \"never go left\" ruled out 3 command(s)");
        assertThat(m.takeCitations()).containsExactly(new Memory.Citation("curation", "note \"never go left\" ruled out 3 command(s)"));
        assertThat(m.takeCitations()).isEmpty();
    }

    @Test
    void skipsAnUnreadableLineInsteadOfLosingTheRest() throws Exception {
        try (EpisodicMemory m = EpisodicMemory.open(dir)) {
            m.remember(step(0, 100, "stop"));
        }
        Files.writeString(dir.resolve("steps.jsonl"), "{broken\n", java.nio.file.StandardOpenOption.APPEND);
        try (EpisodicMemory m = EpisodicMemory.open(dir)) {
            m.remember(step(1, 120, "stop"));
            assertThat(m.size()).isEqualTo(2);
        }
    }

    @Test
    void keepsStandingNotes() {
        EpisodicMemory m = EpisodicMemory.inMemory();
        m.note("avoid the lava on the right");
        assertThat(m.notes()).containsExactly("avoid the lava on the right");
    }
}
