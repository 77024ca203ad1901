package dev.embody.curation;

import dev.embody.loop.Entity;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.memory.EpisodicMemory;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Curation on a program embody knows nothing about, and the operator's standing notes ruling commands out. */
class CurationTest {

    private static final SkillLibrary DESKTOP = load("skills/desktop");
    private static final SkillLibrary GAME = load("skills/sim-game");

    private static SkillLibrary load(String dir) {
        try {
            return SkillLibrary.load(Path.of(dir));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fitRanksTheCommandsTheSubtaskNames_keepsWaiting_andDropsWhatPointsAtNothingOnScreen() {
        Scene none = Scene.empty(640, 360, "px");
        List<SkillCall> c = new FitCuration().curate(Task.of("press enter to start", "play", "press enter to start: use press_key"), none, DESKTOP, null);
        assertThat(c.get(0).toString()).isEqualTo("press_key(key=enter)");
        assertThat(c).extracting(SkillCall::skill).contains("wait").doesNotContain("click_template");
        assertThat(c.size()).as("not every command: only those that fit, and waiting").isLessThan(DESKTOP.commands().size() / 2);

        Scene withSave = new Scene(640, 360, "px", List.of(new Entity("template:save", 100, 50, 40, 20)), null);
        List<SkillCall> ui = new FitCuration().curate(new Task("click save", "ui", "click template:save", "template:save", 100, 50), withSave, DESKTOP, null);
        assertThat(ui.get(0).toString()).isEqualTo("click_template(template=save)");
        assertThat(ui).extracting(Object::toString).doesNotContain("click_template(template=ok)", "click_template(template=cancel)");
    }

    @Test
    void aStandingNoteRulesOutTheCommandsItNames_andSaysSo() {
        EpisodicMemory memory = EpisodicMemory.inMemory();
        memory.note("never go left");
        Task toCoin = new Task("collect all coins", "navigate", "go to the coin", "coin", 10, 10);
        List<SkillCall> c = new TagCuration().curate(toCoin, Scene.empty(640, 360, "px"), GAME, memory);
        assertThat(c).isNotEmpty().noneMatch(k -> "left".equals(k.arg("direction")));
        assertThat(c).anyMatch(k -> "right".equals(k.arg("direction")));
        assertThat(memory.takeCitations()).singleElement().satisfies(u -> {
            assertThat(u.module()).isEqualTo("curation");
            assertThat(u.what()).contains("never go left").contains("ruled out 3 command(s)");
        });
    }

    @Test
    void whatANoteForbids() {
        assertThat(Prohibitions.rulesOut("don't press escape", DESKTOP, SkillCall.parse("press_key(key=escape)"))).isTrue();
        assertThat(Prohibitions.rulesOut("don't press escape", DESKTOP, SkillCall.parse("press_key(key=enter)"))).isFalse();
        assertThat(Prohibitions.rulesOut("avoid scrolling", DESKTOP, SkillCall.parse("scroll(direction=up, amount=small)"))).isTrue();
        assertThat(Prohibitions.rulesOut("avoid the lava on the right", GAME, SkillCall.parse("move(direction=right, amount=small)")))
                .as("a note about something no command is rules nothing out").isFalse();
        assertThat(Prohibitions.rulesOut("remember: the exit is on the left", GAME, SkillCall.parse("move(direction=left, amount=small)")))
                .as("not a prohibition").isFalse();
    }

    @Test
    void notesThatWouldLeaveNothingAreIgnoredForTheStep() {
        EpisodicMemory memory = EpisodicMemory.inMemory();
        memory.note("never wait");
        List<SkillCall> only = List.of(SkillCall.parse("wait(duration=short)"));
        assertThat(Prohibitions.apply(only, GAME, memory, "curation")).isEqualTo(only);
        assertThat(memory.takeCitations()).singleElement().satisfies(u -> assertThat(u.what()).contains("would rule out every candidate"));
    }
}
