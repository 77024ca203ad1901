package dev.embody.task;

import dev.embody.loop.Entity;
import dev.embody.loop.Goal;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.memory.EpisodicMemory;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Task inference from words, for a program with no parser. */
class GoalWordsTaskInferenceTest {

    @Test
    void understandsDeclaredGoalsAndFollowingTheOperator_refusesTheRest() {
        GoalWordsTaskInference tasks = new GoalWordsTaskInference(List.of("press enter to start"));
        assertThat(tasks.understands(new Goal("follow the operator"))).isTrue();
        assertThat(tasks.understands(new Goal("Press Enter to start"))).isTrue();
        assertThat(tasks.understands(new Goal("build a castle"))).isFalse();
        assertThat(tasks.goals()).containsExactly("press enter to start", "follow the operator");
    }

    @Test
    void theSubtaskNamesWhatToDoNextAndWhy() throws Exception {
        SkillLibrary desktop = SkillLibrary.load(Path.of("skills/desktop"));
        EpisodicMemory memory = EpisodicMemory.inMemory();
        GoalWordsTaskInference tasks = new GoalWordsTaskInference(List.of("press enter to start", "click save"));
        Task follow = tasks.infer(GoalWordsTaskInference.FOLLOW, null, Scene.empty(640, 360, "px"), Reflection.first(), desktop, memory);
        assertThat(follow.kind()).isEqualTo("idle");
        assertThat(follow.subtask()).isEqualTo("wait for the operator's commands");

        Task start = tasks.infer(new Goal("press enter to start"), null, Scene.empty(640, 360, "px"), Reflection.first(), desktop, memory);
        assertThat(start.subtask()).startsWith("press enter to start: use ").contains("press_key");

        Scene withSave = new Scene(640, 360, "px", List.of(new Entity("template:save", 100, 50, 40, 20)), null);
        Task click = tasks.infer(new Goal("click save"), null, withSave, Reflection.first(), desktop, memory);
        assertThat(click.kind()).isEqualTo("ui");
        assertThat(click.targetKind()).isEqualTo("template:save");
        assertThat(click.targetX()).isEqualTo(100);

        memory.note("the start key is enter");
        Task noted = tasks.infer(new Goal("press enter to start"), null, Scene.empty(640, 360, "px"), Reflection.first(), desktop, memory);
        assertThat(noted.subtask()).contains("(noting: the start key is enter)");
        assertThat(memory.takeCitations()).anySatisfy(c -> assertThat(c.module()).isEqualTo("task"));
    }
}
