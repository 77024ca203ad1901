package dev.embody.memory;

import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
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

    private static Step step(long i, double px, String command) {
        Scene s = new Scene(640, 360, "px", List.of(new Entity("player", px, 100, 12, 12)), null);
        Task t = new Task("collect all coins", "navigate", "go to the coin at (300, 100)", "coin", 300, 100);
        return new Step(i, 0, 0, i, s, Reflection.first(), t, List.of(), Decision.of(SkillCall.parse(command), "test", ""),
                null, List.of(), false, Outcome.RUNNING, new Latency(0, 0, 0, 0, 0, 0, 0), false);
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
            var near = again.recall(step(9, 275, "stop").scene(), step(9, 275, "stop").task(), 1);
            assertThat(near).singleElement().satisfies(r -> {
                assertThat(r.episode()).isEqualTo("e1");
                assertThat(r.command()).isEqualTo("move(direction=right, amount=small)");
            });
        }
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
